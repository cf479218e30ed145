/**
 * What the mock lets through that Smile's contract forbids. The spec says a webhook URL begins with
 * https:// (the real API refuses anything else), yet local receivers are plain http: the mock takes
 * those the receiver policy allows (loopback by default) and leaves the final word to that policy.
 * The exchange still carries the violation, in its header and the journal, so a client learns that
 * the real API would refuse it.
 */
import type { OperationSpec } from '../../core/operation.js';
import type { Violation } from '../../core/validation.js';

/** Whether a violation is the https-only rule of a webhook URL, which the receiver policy judges instead. */
function isPlainHttpUrl(operation: OperationSpec, violation: Violation): boolean {
  return operation.id === 'createWebhook' && violation.location === 'body' && violation.pointer === '/url' && violation.keyword === 'pattern';
}

/**
 * Whether the mock goes on with a request despite these violations of the contract.
 * @example mockTolerates(operations.createWebhook, violations) // true when only the https rule of `url` is broken
 */
export function mockTolerates(operation: OperationSpec, violations: readonly Violation[]): boolean {
  return violations.every((violation) => isPlainHttpUrl(operation, violation));
}
