/**
 * CORS for a mock on its own socket, so a browser app served from another origin (a dev server on
 * `http://localhost:5173`) can call it.
 *
 * - **WuKongIM** answers as the real server's gin `CORSMiddleware` does: every answer to a browser
 *   (a request with an `Origin`) carries `Access-Control-Allow-Origin: *` with its fixed lists of
 *   headers and methods, and every `OPTIONS` is a 204.
 * - **Smile** answers loopback origins (the origin echoed, with `Vary: Origin`); its real hosts are
 *   called from servers, so there is no browser behaviour to copy.
 * - **The control API** answers loopback origins and the listed ones; the others are refused before
 *   this (`origin-guard.ts`).
 *
 * A `corsOrigins` list (`--cors-origin`) replaces the default of both APIs and adds to the control
 * API's; `*` allows every origin. Every allowed answer exposes the mock's own headers, so a page can
 * read its violations and faults. Runtime-neutral: used by the node server; express and MSW leave
 * CORS to the app.
 */
import type { ApiName } from './api.js';
import { VIOLATIONS_HEADER } from './dispatch.js';
import { isListedOrigin, isLoopbackOrigin } from './origin-guard.js';

/** The real WuKongIM server's lists (its `CORSMiddleware`), byte for byte. */
const WUKONGIM_ALLOW_HEADERS =
  'Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, token, accept, origin, Cache-Control, X-Requested-With, appid, noncestr, sign, timestamp';
const WUKONGIM_ALLOW_METHODS = 'POST, OPTIONS, GET, PUT,DELETE,PATCH';
const MOCK_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';
const EXPOSED = `${VIOLATIONS_HEADER}, x-token-mock-fault, www-authenticate, retry-after, location`;

/** What CORS reads of a request. */
export interface CorsRequest {
  method: string;
  origin: string | null;
  /** `Access-Control-Request-Method`: present on a preflight. */
  requestMethod: string | null;
  /** `Access-Control-Request-Headers`. */
  requestHeaders: string | null;
}

/** What to do: the headers to add, and whether the request is a preflight to answer now with a 204. */
export interface CorsAnswer {
  headers: Record<string, string>;
  preflight: boolean;
  /** False when the request came from an origin CORS does not allow (the browser will block it). */
  allowed: boolean;
}

/**
 * The CORS headers of an answer, and whether to answer it as a preflight.
 * @example cors('smile', { method: 'OPTIONS', origin: 'http://localhost:5173', requestMethod: 'POST', requestHeaders: 'authorization' }).preflight // true
 */
export function cors(api: ApiName, request: CorsRequest, corsOrigins?: readonly string[]): CorsAnswer {
  const listed = corsOrigins !== undefined && corsOrigins.length > 0 ? corsOrigins : undefined;
  if (api === 'wukongim') {
    // The real server answers every OPTIONS with a 204, preflight or not.
    const preflight = request.method === 'OPTIONS';
    // The real server sends its headers on every answer; only a browser reads them, and a browser says
    // where it comes from. Leaving them off answers without an Origin keeps the hot path (curl, SDKs,
    // load tests) from writing five headers it has no use for.
    if (request.origin === null && !preflight) return { headers: NONE, preflight, allowed: true };
    if (listed === undefined) return { headers: WUKONGIM_ANY, preflight, allowed: true };
    const origin = allowedOrigin(request.origin, listed);
    return { headers: origin === undefined ? {} : wukongimHeaders(origin), preflight, allowed: origin !== undefined || request.origin === null };
  }
  const preflight = request.method === 'OPTIONS' && request.requestMethod !== null;
  if (request.origin === null) return { headers: {}, preflight, allowed: true };
  const origin =
    api === 'admin'
      ? isLoopbackOrigin(request.origin)
        ? request.origin
        : allowedOrigin(request.origin, listed ?? [])
      : allowedOrigin(request.origin, listed ?? LOOPBACK);
  if (origin === undefined) return { headers: {}, preflight, allowed: false };
  const headers: Record<string, string> = { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED };
  if (origin !== '*') headers.vary = 'Origin';
  if (preflight) {
    headers['access-control-allow-methods'] = MOCK_METHODS;
    if (request.requestHeaders) headers['access-control-allow-headers'] = request.requestHeaders;
    headers['access-control-max-age'] = '600';
  }
  return { headers, preflight, allowed: true };
}

const NONE: Readonly<Record<string, string>> = {};

/** Stands for "loopback origins" in a list. */
const LOOPBACK: readonly string[] = [];

/** The origin to answer with: `*` when the list allows every origin, the origin itself when it is allowed. */
function allowedOrigin(origin: string | null, listed: readonly string[]): string | undefined {
  if (listed === LOOPBACK) return origin !== null && isLoopbackOrigin(origin) ? origin : undefined;
  if (listed.includes('*')) return '*';
  return origin !== null && isListedOrigin(origin, listed) ? origin : undefined;
}

/** The default answer's headers, built once: they go on every WuKongIM answer, the hot path. */
const WUKONGIM_ANY: Readonly<Record<string, string>> = wukongimHeaders('*');

function wukongimHeaders(origin: string): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-headers': WUKONGIM_ALLOW_HEADERS,
    'access-control-allow-methods': WUKONGIM_ALLOW_METHODS,
    'access-control-expose-headers': EXPOSED,
  };
  if (origin !== '*') headers.vary = 'Origin';
  return headers;
}
