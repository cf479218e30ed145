/** gin's RedirectTrailingSlash, for the APIs whose real server has it. */
import type { Api } from './api.js';
import type { Reply } from './reply.js';
import type { RouteMatch } from './router.js';

/**
 * gin's RedirectTrailingSlash, for the APIs that have it: a known path asked for with a trailing slash
 * is redirected to the path without it, 301 for GET and 307 otherwise, before any middleware runs.
 * The body is what Go's http.Redirect writes: a link for GET, nothing for other methods.
 * @example slashRedirect(wukongim, router.match('POST', '/user/token/'), 'POST', url) // { status: 307, headers: { location: '/user/token' } }
 */
export function slashRedirect(api: Api, match: RouteMatch, method: string, url: URL): Reply | undefined {
  const path = url.pathname;
  if (!api.redirectsTrailingSlash || path.length < 2 || !path.endsWith('/') || match.kind === 'not-found') return undefined;
  const location = path.slice(0, -1) + url.search;
  if (method !== 'GET') return { status: 307, headers: { location } };
  return { status: 301, headers: { location }, body: `<a href="${escapeHtml(location)}">Moved Permanently</a>.\n\n`, mediaType: 'text/html' };
}

/** Go's html.EscapeString, as http.Redirect uses it. */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] as string);
}
