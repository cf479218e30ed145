/**
 * The one error type of the mock's domain. Services throw it; the dispatcher maps it once, through the
 * error catalogue of the API it belongs to, to that API's own error shape. Anything else a handler
 * throws is unexpected: it becomes a 500, is written into the journal and reported through `onError`.
 */
import type { ApiName } from './api-name.js';

/**
 * What went wrong, as the catalogues know it:
 * - `invalid-fault`, `invalid-event`, `invalid-scenario`, `invalid-snapshot`: input that passes the
 *   schema but makes no sense (the `errors` name each part);
 * - `invalid-har`: a recording that is not HAR 1.2, or whose answers contradict the spec;
 * - `invalid-pact`: a pact asked for an unknown provider or without a consumer, or a provider state the mock does not know;
 * - `invalid-cursor`: a page cursor the list did not issue (the `errors` point into the cursor);
 * - `not-found`: the thing named does not exist;
 * - `token-refused`: a link token cannot be used (its reason is in `reason`).
 */
export type MockErrorKind =
  | 'invalid-fault'
  | 'invalid-event'
  | 'invalid-scenario'
  | 'invalid-snapshot'
  | 'invalid-har'
  | 'invalid-pact'
  | 'invalid-cursor'
  | 'not-found'
  | 'token-refused'
  /** A kind of state that refuses more at its bound (webhook subscriptions, user states) is full. */
  | 'bound-reached';

/** One part of an input that is wrong: a JSON Pointer into it (`/body/status`) and why. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export interface MockErrorOptions {
  /** Each wrong part, for errors about input. */
  errors?: ErrorDetail[];
  /** The API whose catalogue renders it, when that is not the API the request went to. */
  api?: ApiName;
  /** A reason code the catalogue may show (why a token was refused, say). */
  reason?: string;
  cause?: unknown;
}

/**
 * A domain error: its kind, a sentence that says what went wrong, and the wrong parts.
 * @example throw new MockError('not-found', `connection ${id} does not exist`);
 */
export class MockError extends Error {
  readonly errors: ErrorDetail[];
  readonly api: ApiName | undefined;
  readonly reason: string | undefined;

  constructor(
    readonly kind: MockErrorKind,
    readonly detail: string,
    options: MockErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MockError';
    this.errors = options.errors ?? [];
    this.api = options.api;
    this.reason = options.reason;
  }
}

/** Whether a value is a MockError, also across bundles that each carry their own copy of the class. */
export function isMockError(error: unknown): error is MockError {
  return error instanceof MockError || (error instanceof Error && error.name === 'MockError' && 'kind' in error);
}

/** What an unexpected failure says about itself: its message, never its stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
