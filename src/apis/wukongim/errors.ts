/** The WuKongIM error catalogue: every error is `{msg, status}`, as the v2 server sends it. */
import type { ErrorCatalogue } from '../../core/api.js';
import type { OperationSpec } from '../../core/operation.js';
import type { Reply } from '../../core/reply.js';
import { describe, type Violation } from '../../core/validation.js';
import { GO_TARGETS } from './decoding.js';
import { goTypeError } from './go-json.js';
import { decoderRefuses, serverTolerates } from './tolerance.js';

/** The server's own validation messages, in the order its handler checks them. */
export const Messages = {
  uidEmpty: 'uid不能为空！',
  tokenEmpty: 'token不能为空！',
  uidSpecialCharacters: 'uid不能包含特殊字符！',
  systemUid: '系统账号不允许更新token！',
} as const;

/** A 400 with the server's `{msg, status}` body. */
export const badRequest = (msg: string) => ({ status: 400 as const, body: { msg, status: 400 } });

/** The manager-token refusal: 401 with an empty body, exactly as the server answers. */
export const unauthorized = () => ({ status: 401 as const, body: undefined });

function valueAt(body: unknown, pointer: string): unknown {
  let value = body;
  for (const key of pointer.split('/').slice(1)) value = (value as Record<string, unknown> | undefined)?.[decodeURIComponent(key)];
  return value;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  403: 'forbidden',
  404: 'not found',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

/**
 * Creates the catalogue. Under the `docs` profile a body that breaks the documented contract (a
 * missing `device_flag`, say) is refused; under `server-v2` it goes on as the server's decoder
 * lets it, with Go's zero values.
 */
export function createWukongimErrors(profile: string): ErrorCatalogue {
  return {
    notFound: () => ({ status: 404, body: { msg: '404 page not found', status: 404 } }),
    methodNotAllowed: (method, path, allowed) => ({
      status: 405,
      body: { msg: `method ${method} is not allowed on ${path}: use ${allowed.join(', ')}`, status: 405 },
    }),
    invalidRequest(violations: Violation[], operation: OperationSpec, body: unknown): Reply | undefined {
      const target = GO_TARGETS[operation.id];
      const decoding = violations.find((v) => decoderRefuses(v.keyword));
      if (decoding && target) return badRequest(goTypeError(target, decoding.pointer, valueAt(body, decoding.pointer)));
      const contractOnly = violations.filter((v) => serverTolerates(operation.id, v.keyword, v.pointer));
      if (profile === 'docs' && contractOnly.length > 0) {
        return badRequest(`${contractOnly.map(describe).join('; ')} (documented contract)`);
      }
      return undefined;
    },
    // The reason is already the decoder's own message (see decoding.ts).
    malformedBody: (problem) => badRequest(problem.reason),
    badRequest: (detail) => badRequest(detail),
    unsupportedMediaType: (contentType) => badRequest(`unsupported content type ${contentType}`),
    payloadTooLarge: (limit) => ({ status: 413, body: { msg: `request body too large: the limit is ${limit} bytes`, status: 413 } }),
    internalError: (detail) => ({ status: 500, body: { msg: detail, status: 500 } }),
    // The server's 401 has no body; every other error is its `{msg, status}`.
    injected: (status) => (status === 401 ? unauthorized() : { status, body: { msg: STATUS_TEXT[status] ?? `error ${status}`, status } }),
    fromError: (error) => (error.kind === 'not-found' ? { status: 404, body: { msg: error.detail, status: 404 } } : badRequest(error.detail)),
  };
}
