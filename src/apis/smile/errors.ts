/** The Smile error catalogue: every answer is the envelope `{code, message, requestId, data}`. */
import type { ErrorCatalogue } from '../../core/api.js';
import { MockError, type MockErrorKind } from '../../core/errors.js';
import { JsonText } from '../../core/reply.js';
import { describe } from '../../core/validation.js';
import type { components } from '../../generated/smile.types.js';
import { mockTolerates } from './tolerance.js';

/** An error code of the envelope. */
export type SmileCode = Exclude<components['schemas']['Code'], 'OK' | 'CREATED'>;

/** What `message` says for each code when there is nothing more precise to say. */
const DEFAULT_MESSAGES: Record<SmileCode, string> = {
  INVALID_CREDENTIALS: 'The API key or secret is invalid',
  INVALID_PARAMETERS: 'The request parameters are invalid',
  INVALID_TOKEN: 'The token you provided is invalid or has expired',
  UNAUTHORIZED_ACCESS: 'You are not allowed to access this resource',
  MISSING_RESOURCE: 'The requested resource does not exist',
  UNSUPPORTED_TYPE: 'The content type is not supported',
  REQUEST_LIMIT_EXCEEDED: 'Too many requests: the limit is 20 per second',
  SERVER_ERROR: 'Internal server error',
  UNSUPPORTED_METHOD: 'The method is not supported',
  SERVER_UNAVAILABLE: 'The server is unavailable',
  TIME_LIMIT_EXCEEDED: 'The request took too long',
};

/** The code Smile sends with each status, for injected faults. */
const INJECTED_CODES: Record<number, SmileCode> = {
  401: 'INVALID_CREDENTIALS',
  403: 'UNAUTHORIZED_ACCESS',
  404: 'MISSING_RESOURCE',
  408: 'TIME_LIMIT_EXCEEDED',
  415: 'UNSUPPORTED_TYPE',
  429: 'REQUEST_LIMIT_EXCEEDED',
  501: 'UNSUPPORTED_METHOD',
  503: 'SERVER_UNAVAILABLE',
  504: 'TIME_LIMIT_EXCEEDED',
};

/** Why a link token was refused. */
export type Refusal = 'forged' | 'unknown' | 'expired' | 'used' | 'revoked' | 'forgotten';

/** What INVALID_TOKEN adds for each refusal. */
const REFUSALS: Record<Refusal, string> = {
  forged: 'its signature does not verify',
  unknown: 'this mock never issued it',
  expired: 'it expired',
  used: 'it was already used',
  revoked: 'a newer token revoked it',
  forgotten: 'it was forgotten: a used or expired token is kept only for a while, and only the newest tokens are kept',
};

/**
 * The error a refused link token raises: Smile's 401 INVALID_TOKEN wherever it is answered (the
 * control API's consume included), with the reason in `reason`.
 * @example throw tokenRefused('used')
 */
export function tokenRefused(reason: Refusal): MockError {
  return new MockError('token-refused', `${DEFAULT_MESSAGES.INVALID_TOKEN} (${REFUSALS[reason]})`, { api: 'smile', reason });
}

/** The status and code each domain error answers with. */
const BY_KIND: Record<MockErrorKind, [number, SmileCode]> = {
  'token-refused': [401, 'INVALID_TOKEN'],
  'not-found': [404, 'MISSING_RESOURCE'],
  'invalid-event': [400, 'INVALID_PARAMETERS'],
  'invalid-fault': [400, 'INVALID_PARAMETERS'],
  'invalid-scenario': [400, 'INVALID_PARAMETERS'],
  'invalid-snapshot': [400, 'INVALID_PARAMETERS'],
  'invalid-har': [400, 'INVALID_PARAMETERS'],
  'invalid-pact': [400, 'INVALID_PARAMETERS'],
  'invalid-cursor': [400, 'INVALID_PARAMETERS'],
  'bound-reached': [400, 'INVALID_PARAMETERS'],
};

/** A success envelope. */
export interface Success<T> {
  code: 'OK';
  message: string;
  requestId: string;
  data: T;
}

/** A success envelope without `data`, for answers that have nothing to carry. */
export interface Done {
  code: 'OK';
  message: string;
  requestId: string;
}

/** An error envelope. */
export interface ErrorBody {
  code: SmileCode;
  message: string;
  requestId: string;
  data: Record<string, never>;
}

/** Builds envelopes; `requestId` gives each response its id. */
export interface Envelopes {
  ok<T>(data: T): { status: 200; body: Success<T> };
  /** A 200 without `data`: Smile's answer to resetting a session and deleting a webhook. */
  done(): { status: 200; body: Done };
  /** A 200 whose data is already serialised as `dataText`. */
  okText<T>(data: T, dataText: string): { status: 200; body: JsonText<Success<T>> };
  created<T>(data: T): { status: 201; body: Success<T> };
  /** A 201 whose data is already serialised as `dataText`. */
  createdText<T>(data: T, dataText: string): { status: 201; body: JsonText<Success<T>> };
  error<S extends number>(status: S, code: SmileCode, message?: string): { status: S; body: ErrorBody };
}

/**
 * Creates the envelope builders over a request-id source.
 * @example const { ok, error } = createEnvelopes(() => 'id'); error(404, 'MISSING_RESOURCE')
 */
export function createEnvelopes(requestId: () => string): Envelopes {
  // Request ids are UUIDs: they need no escaping inside the JSON text.
  const withText = <T, S extends 200 | 201>(status: S, data: T, dataText: string) => {
    const id = requestId();
    const text = `{"code":"OK","message":"Success","requestId":"${id}","data":${dataText}}`;
    return { status, body: new JsonText({ code: 'OK' as const, message: 'Success', requestId: id, data }, text) };
  };
  return {
    ok: (data) => ({ status: 200, body: { code: 'OK', message: 'Success', requestId: requestId(), data } }),
    done: () => ({ status: 200, body: { code: 'OK', message: 'Success', requestId: requestId() } }),
    okText: (data, dataText) => withText(200, data, dataText),
    created: (data) => ({ status: 201, body: { code: 'OK', message: 'Success', requestId: requestId(), data } }),
    createdText: (data, dataText) => withText(201, data, dataText),
    error: (status, code, message) => ({ status, body: { code, message: message ?? DEFAULT_MESSAGES[code], requestId: requestId(), data: {} } }),
  };
}

/** The catalogue the core uses for Smile requests. */
export function createSmileErrors({ error }: Envelopes): ErrorCatalogue {
  return {
    notFound: (method, path) => error(404, 'MISSING_RESOURCE', `${method} ${path} does not exist`),
    // Smile documents 501 UNSUPPORTED_METHOD for a method a resource does not support.
    methodNotAllowed: (method, path, allowed) => error(501, 'UNSUPPORTED_METHOD', `${method} is not supported on ${path}: use ${allowed.join(', ')}`),
    invalidRequest: (violations, operation) =>
      mockTolerates(operation, violations) ? undefined : error(400, 'INVALID_PARAMETERS', violations.map(describe).join('; ')),
    malformedBody: (problem) => error(400, 'INVALID_PARAMETERS', `The body is not valid JSON: ${problem.reason}`),
    badRequest: (detail) => error(400, 'INVALID_PARAMETERS', `The request is malformed: ${detail}`),
    unsupportedMediaType: (contentType) => error(415, 'UNSUPPORTED_TYPE', `Send application/json, not ${contentType}`),
    payloadTooLarge: (limit) => error(413, 'INVALID_PARAMETERS', `The body exceeds the ${limit}-byte limit`),
    internalError: (detail) => error(500, 'SERVER_ERROR', detail),
    injected: (status) => error(status, INJECTED_CODES[status] ?? (status < 500 ? 'INVALID_PARAMETERS' : 'SERVER_ERROR')),
    fromError: (failure) => {
      const [status, code] = BY_KIND[failure.kind];
      return error(status, code, failure.detail);
    },
  };
}
