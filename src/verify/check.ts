/** Checks an answer against an operation's documented responses: status, media type, and body schema. */
import type { OperationSpec } from '../core/operation.js';
import { check, describe } from '../core/validation.js';

/** What a provider answered. */
export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
}

/**
 * Every way `answer` differs from what the spec documents for `operation`, when one of `statuses` is
 * expected. Empty when it conforms. `profile` picks the response schemas where a profile has its own.
 */
export function answerProblems(operation: OperationSpec, statuses: number[], answer: Answer, profile?: string): string[] {
  if (!statuses.includes(answer.status)) return [`status: expected ${statuses.join(' or ')}, got ${answer.status}`];
  const spec = operation.responses[String(answer.status)];
  if (!spec) return [`status ${answer.status} is not documented for ${operation.id}`];
  if (!spec.mediaType) return answer.text === '' ? [] : [`body: expected none, got ${answer.text.length} bytes`];
  const problems: string[] = [];
  const type = answer.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== spec.mediaType) problems.push(`content-type: expected ${spec.mediaType}, got ${answer.contentType ?? '(none)'}`);
  if (answer.json === undefined) return [...problems, 'body: expected JSON'];
  const validate = (profile && spec.profiles?.[profile]) || spec.validate;
  if (validate) problems.push(...check(validate, answer.json, 'response').map((violation) => describe(violation).replace(/^response/, 'body')));
  return problems;
}
