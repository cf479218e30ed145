/** The admin API's error catalogue: RFC 9457 `application/problem+json`. */
import type { ErrorCatalogue } from '../../core/api.js';
import { describe, type Violation } from '../../core/validation.js';
import type { components } from '../../generated/admin.types.js';

const MEDIA_TYPE = 'application/problem+json';
const TYPE_BASE = 'urn:token-mock:problem:';

/** An RFC 9457 problem body. */
export type Problem = components['schemas']['Problem'];

/** A problem reply; `slug` names the problem type. */
export function problem<S extends number>(status: S, slug: string, title: string, detail?: string, violations?: Violation[]) {
  const body: Problem = { type: TYPE_BASE + slug, title, status };
  if (detail !== undefined) body.detail = detail;
  if (violations) body.errors = violations.map((v) => ({ path: `/${v.location}${v.pointer}`, message: v.message }));
  return { status, body, mediaType: MEDIA_TYPE };
}

/** The catalogue the core uses for requests to `/__mock`. */
export const adminErrors: ErrorCatalogue = {
  notFound: (method, path) => problem(404, 'not-found', 'No such control endpoint', `${method} ${path} is not part of the control API`),
  methodNotAllowed: (method, path, allowed) =>
    problem(405, 'method-not-allowed', 'Method not allowed', `${method} is not allowed on ${path}: use ${allowed.join(', ')}`),
  invalidRequest: (violations) => problem(400, 'invalid-request', 'Invalid request', violations.map(describe).join('; '), violations),
  malformedBody: (body) => problem(400, 'malformed-json', 'Malformed JSON', `the body is not JSON: ${body.reason}`),
  unsupportedMediaType: (contentType) => problem(415, 'unsupported-media-type', 'Unsupported media type', `send application/json, not ${contentType}`),
  payloadTooLarge: (limit) => problem(413, 'payload-too-large', 'Payload too large', `the body exceeds the ${limit}-byte limit`),
  internalError: (detail) => problem(500, 'internal-error', 'Internal error', detail),
  injected: (status) => problem(status, 'injected', 'Injected fault'),
};
