/** Where `token-mock proxy` sends each API's requests: the WuKongIM server's root, and Smile's base URL with its `/v1`. */
import type { ApiName } from '../core/api.js';

/** The providers behind the proxy; at least one is set. */
export interface Upstreams {
  wukongim?: URL;
  smile?: URL;
}

/** Smile's requests arrive under this base, as on the mock; the upstream's URL names its own (`https://sandbox.example/v1`). */
const SMILE_BASE = '/v1';

/**
 * The upstream URL for a request's path and query, or undefined when no upstream serves its API.
 * @example upstreamUrl({ smile: new URL('https://sandbox.test/v1') }, 'smile', '/v1/users?size=2') // URL https://sandbox.test/v1/users?size=2
 */
export function upstreamUrl(upstreams: Upstreams, api: Exclude<ApiName, 'admin'>, path: string): URL | undefined {
  const base = upstreams[api];
  if (!base) return undefined;
  const rest =
    api === 'smile' && (path === SMILE_BASE || path.startsWith(`${SMILE_BASE}/`) || path.startsWith(`${SMILE_BASE}?`)) ? path.slice(SMILE_BASE.length) : path;
  const target = new URL(base.href);
  const query = rest.indexOf('?');
  target.pathname = base.pathname.replace(/\/$/, '') + (query < 0 ? rest : rest.slice(0, query));
  target.search = query < 0 ? '' : rest.slice(query);
  return target;
}
