/**
 * Which hosts of a recording serve the mocked APIs. A browser's recording holds every host the page
 * spoke to, and a path alone cannot tell an app's own `GET /health` or `GET /route` from WuKongIM's,
 * or a backend of the app's own under `/v1/users` from Smile's. So a host (its origin) counts as an
 * API's only when one of its entries shows it to be:
 * - token-mock recorded the entry as that API's (`_tokenMock.api`);
 * - it is one of Smile's own hosts, or a request to a Smile operation carried Basic credentials, which
 *   Smile asks of every request;
 * - a request reached a WuKongIM operation other than `GET /health` and `GET /route`.
 * Every entry of such a host is then read, and an answer of it that breaks the spec refuses the
 * recording; the entries of other hosts are left out, and counted.
 */

import { SMILE_HOSTS } from '../apis/smile/credentials.js';
import type { ApiName } from '../core/api.js';
import type { RecordedExchange } from './read.js';

/** WuKongIM operations that other servers answer too: they show nothing of whose the host is. */
const GENERIC_WUKONGIM = new Set(['health', 'route']);

/** An exchange as the specs recognised it: its origin, the API whose path it is, and its operation if any. */
export interface Recognised {
  exchange: RecordedExchange;
  origin: string;
  api: ApiName;
  operation: { id: string } | undefined;
}

/** The origin of a recorded URL, or undefined when it has none (`urn:…` passes the HAR schema's URI check). */
export function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * The origins, among the recognised exchanges, that one of them shows to be a mocked API's.
 * @example apiOrigins(recognised).has('https://sandbox.smileapi.io') // true
 */
export function apiOrigins(recognised: readonly Recognised[]): Set<string> {
  const origins = new Set<string>();
  for (const { exchange, origin, api, operation } of recognised) {
    if (origins.has(origin)) continue;
    if (exchange.api !== undefined || shows(api, operation?.id, origin, exchange)) origins.add(origin);
  }
  return origins;
}

function shows(api: ApiName, operationId: string | undefined, origin: string, exchange: RecordedExchange): boolean {
  if (api === 'smile') return origin in SMILE_HOSTS || (operationId !== undefined && /^basic\s/i.test(exchange.headers.get('authorization') ?? ''));
  if (api === 'wukongim') return operationId !== undefined && !GENERIC_WUKONGIM.has(operationId);
  return false;
}
