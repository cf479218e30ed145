/**
 * The admin API's error catalogue: RFC 9457 `application/problem+json`. Every problem the control API
 * can answer is a named template here; call sites name the template, never a status or a slug.
 */
import type { ErrorCatalogue } from '../../core/api.js';
import type { ErrorDetail, MockErrorKind } from '../../core/errors.js';
import type { Reply } from '../../core/reply.js';
import { describe, detailsOf, namingAllowed } from '../../core/validation.js';
import type { components } from '../../generated/admin.types.js';

const MEDIA_TYPE = 'application/problem+json';
const TYPE_BASE = 'urn:token-mock:problem:';

/** An RFC 9457 problem body. */
export type Problem = components['schemas']['Problem'];

interface Template {
  status: number;
  /** The last part of the problem's `type` URI. */
  slug: string;
  title: string;
}

/** Every problem the control API answers. */
export const PROBLEMS = {
  noEndpoint: { status: 404, slug: 'not-found', title: 'No such control endpoint' },
  notFound: { status: 404, slug: 'not-found', title: 'Not found' },
  methodNotAllowed: { status: 405, slug: 'method-not-allowed', title: 'Method not allowed' },
  invalidRequest: { status: 400, slug: 'invalid-request', title: 'Invalid request' },
  malformedJson: { status: 400, slug: 'malformed-json', title: 'Malformed JSON' },
  badRequest: { status: 400, slug: 'bad-request', title: 'Bad request' },
  unsupportedMediaType: { status: 415, slug: 'unsupported-media-type', title: 'Unsupported media type' },
  payloadTooLarge: { status: 413, slug: 'payload-too-large', title: 'Payload too large' },
  unauthorized: { status: 401, slug: 'unauthorized', title: 'Unauthorized' },
  reboundHost: { status: 403, slug: 'rebound-host', title: 'Host not allowed' },
  foreignOrigin: { status: 403, slug: 'foreign-origin', title: 'Origin not allowed' },
  remoteClient: { status: 403, slug: 'remote-client', title: 'Client not on loopback' },
  invalidFault: { status: 400, slug: 'invalid-fault', title: 'Invalid fault rule' },
  invalidEvent: { status: 400, slug: 'invalid-event', title: 'Invalid event' },
  invalidScenario: { status: 400, slug: 'invalid-scenario', title: 'Invalid scenario' },
  invalidSnapshot: { status: 400, slug: 'invalid-snapshot', title: 'Invalid snapshot' },
  invalidHar: { status: 400, slug: 'invalid-har', title: 'Invalid recording' },
  invalidPact: { status: 400, slug: 'invalid-pact', title: 'Invalid pact request' },
  invalidCursor: { status: 400, slug: 'invalid-cursor', title: 'Invalid cursor' },
  tokenRefused: { status: 401, slug: 'token-refused', title: 'Token refused' },
  boundReached: { status: 409, slug: 'bound-reached', title: 'Bound reached' },
  internalError: { status: 500, slug: 'internal-error', title: 'Internal error' },
  injected: { status: 0, slug: 'injected', title: 'Injected fault' },
} as const satisfies Record<string, Template>;

export type ProblemName = keyof typeof PROBLEMS;

/** The template each domain error answers with (Smile's token refusals are rendered by Smile's catalogue). */
const BY_KIND: Record<MockErrorKind, ProblemName> = {
  'invalid-fault': 'invalidFault',
  'invalid-event': 'invalidEvent',
  'invalid-scenario': 'invalidScenario',
  'invalid-snapshot': 'invalidSnapshot',
  'invalid-har': 'invalidHar',
  'invalid-pact': 'invalidPact',
  'invalid-cursor': 'invalidCursor',
  'not-found': 'notFound',
  'token-refused': 'tokenRefused',
  'bound-reached': 'boundReached',
};

/**
 * A problem reply from a named template.
 * @example problem('invalidFault', 'status must be an integer from 400 to 599')
 */
export function problem(name: ProblemName, detail?: string, errors?: ErrorDetail[], status?: number) {
  const template: Template = PROBLEMS[name];
  const body: Problem = { type: TYPE_BASE + template.slug, title: template.title, status: status ?? template.status };
  if (detail !== undefined) body.detail = detail;
  if (errors && errors.length > 0) body.errors = errors;
  return { status: body.status, body, mediaType: MEDIA_TYPE } satisfies Reply;
}

/** The problem of each rule of the socket's edge (`core/origin-guard.ts`). */
export const REFUSALS = { host: 'reboundHost', origin: 'foreignOrigin', client: 'remoteClient' } as const satisfies Record<string, ProblemName>;

/** The catalogue the core uses for requests to `/__mock`. */
export const adminErrors: ErrorCatalogue = {
  notFound: (method, path) => problem('noEndpoint', `${method} ${path} is not part of the control API`),
  methodNotAllowed: (method, path, allowed) => problem('methodNotAllowed', `${method} is not allowed on ${path}: use ${allowed.join(', ')}`),
  invalidRequest: (violations) => {
    const named = violations.map(namingAllowed);
    return problem('invalidRequest', named.map(describe).join('; '), detailsOf(named));
  },
  malformedBody: (body) => problem('malformedJson', `the body is not JSON: ${body.reason}`),
  badRequest: (detail) => problem('badRequest', detail),
  unsupportedMediaType: (contentType) => problem('unsupportedMediaType', `send application/json, not ${contentType}`),
  payloadTooLarge: (limit) => problem('payloadTooLarge', `the body exceeds the ${limit}-byte limit`),
  internalError: (detail) => problem('internalError', detail),
  injected: (status) => problem('injected', undefined, undefined, status),
  // The control API takes faults, events and scenarios as the request body, and cursors in the query:
  // their errors point into the part they came in.
  fromError: (error) =>
    problem(
      BY_KIND[error.kind],
      error.detail,
      error.errors.map((e) => ({ path: `${error.kind === 'invalid-cursor' ? '/query/cursor' : '/body'}${e.path}`, message: e.message })),
    ),
};
