/**
 * The edge of an adapter that has a socket: the origin and host rules (`core/origin-guard.ts`) and,
 * on the standalone server, CORS (`core/cors.ts`), applied before a request reaches the mock. A
 * refusal is a 403 problem naming the rule and the flag that allows the request; a preflight is a 204.
 * Neither reaches the mock's journal: they are reported to `onEdge` (the request log).
 */
import type { IncomingMessage } from 'node:http';
import { problem, REFUSALS } from '../apis/admin/problems.js';
import type { ApiName } from '../core/api.js';
import { cors } from '../core/cors.js';
import { type EdgeRules, type Refusal, refusal } from '../core/origin-guard.js';
import { toWire, type WireReply } from '../core/reply.js';
import type { FetchOptions, Mock } from '../mock.js';

/** What the edge answered on its own: a refusal or a preflight. */
export interface EdgeEvent {
  kind: 'refused' | 'preflight';
  api: ApiName;
  method: string;
  path: string;
  status: number;
  /** The rule that refused the request, or for a preflight from an origin CORS does not allow, `cors`. */
  rule?: Refusal['rule'] | 'cors';
  detail?: string;
}

/** The edge's settings, as the node server and the express middleware take them. */
export interface EdgeOptions {
  /**
   * Origins allowed besides loopback ones (`*` for any). On the standalone server it also replaces
   * the APIs' CORS defaults (WuKongIM: every origin; Smile: loopback origins).
   */
  corsOrigins?: readonly string[];
  /** Host names served besides loopback names and IP addresses (`*` for any, `.example.test` for a domain and its subdomains). */
  allowedHosts?: readonly string[];
  /** Told of every request the edge answered itself (refusals and preflights); the request log listens here. */
  onEdge?: (event: EdgeEvent) => void;
}

/** The edge's decision: answer now (a refusal or a preflight, already reported to `onEdge`), or go on to the mock and add these headers. */
export type EdgeDecision = { answer: WireReply } | { answer?: undefined; headers?: Record<string, string> };

/** One adapter's edge: decides a request (its path defaults to the request's URL). */
export type Edge = (incoming: IncomingMessage, path?: string) => EdgeDecision;

/**
 * Builds the edge of one adapter, its rules worked out once. `scope` limits which APIs may answer
 * (one port per API); `withCors` is false where the app owns CORS (express). What the edge answers
 * itself is reported to `onEdge` as it is decided.
 * @example const decide = createEdge(mock, { api: 'wukongim' }, {}, true); const decision = decide(incoming); if (decision.answer) writeWire(decision.answer, outgoing);
 */
export function createEdge(mock: Mock, scope: FetchOptions, options: EdgeOptions, withCors: boolean): Edge {
  const rules: EdgeRules = { corsOrigins: options.corsOrigins, allowedHosts: options.allowedHosts, adminToken: mock.options.adminToken };
  const answered = (answer: WireReply, event: EdgeEvent): EdgeDecision => {
    options.onEdge?.(event);
    return { answer };
  };
  return (incoming, path = incoming.url ?? '/') => {
    const api = mock.owner(path, scope);
    const method = incoming.method ?? 'GET';
    const headers = incoming.headers;
    const origin = one(headers.origin);
    const refused = refusal(
      { api, host: hostHeader(headers.host), origin, authorization: one(headers.authorization), clientAddress: incoming.socket.remoteAddress },
      rules,
    );
    if (refused) {
      const answer = toWire(problem(REFUSALS[refused.rule], refused.detail));
      answer.headers.connection = 'close';
      return answered(answer, { kind: 'refused', api, method, path, status: 403, rule: refused.rule, detail: refused.detail });
    }
    if (!withCors) return {};
    const answer = cors(
      api,
      { method, origin, requestMethod: one(headers['access-control-request-method']), requestHeaders: one(headers['access-control-request-headers']) },
      options.corsOrigins,
    );
    if (answer.preflight) {
      const notAllowed = answer.allowed
        ? {}
        : { rule: 'cors' as const, detail: `CORS does not allow the origin ${origin}; start with --cors-origin ${origin} to allow it` };
      return answered({ status: 204, headers: { ...answer.headers }, body: null }, { kind: 'preflight', api, method, path, status: 204, ...notAllowed });
    }
    // A request that is not a preflight goes on whatever its origin: the browser keeps the answer from a page CORS does not allow.
    return { headers: answer.headers };
  };
}

/** Two Host headers (joined with a comma) are malformed, and the mock answers them with its 400: no rule to apply. */
function hostHeader(value: string | undefined): string | null {
  return value === undefined || value.includes(',') ? null : value;
}

function one(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
