/**
 * How verify talks to a provider: one fetch per request, never throwing for what the provider does,
 * except when the provider cannot be reached at all, which ends the run.
 */
import { readAnswer } from './answer.js';
import type { Send } from './target.js';

/** The provider cannot be reached at all (nothing listens, no such host, a certificate refused): no case can run. */
export class Unreachable extends Error {
  override name = 'Unreachable';
}

/** Errors of the connection itself, before any request reached the provider. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

type Cause = { code?: string; message?: string; errors?: Cause[] };

/** The reason a connection could not be made, or undefined when the failure came later (a reset, a timeout). */
function connectFailure(error: unknown, url: string): string | undefined {
  const cause = (error as { cause?: Cause }).cause;
  // Several addresses of one host fail together as an AggregateError, its code on each.
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (code && CONNECT_CODES.has(code)) return code;
  // fetch refuses ports browsers block (1, 22, 25, …) before connecting.
  if (cause?.message === 'bad port') return `bad port (fetch does not connect to port ${new URL(url).port})`;
  return undefined;
}

/**
 * A sender to `baseUrl`: a failure after connecting (a reset, a timeout) is an answer with status 0
 * and the reason; a failure to connect throws Unreachable.
 * @example const send = sender('http://127.0.0.1:5002/v1', 10_000); await send({ method: 'GET', path: '/users' })
 */
export function sender(baseUrl: string, timeoutMs: number): Send {
  const base = baseUrl.replace(/\/+$/, '');
  return async ({ method, path, query, headers, body }) => {
    const url = `${base}${path}${query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : ''}`;
    try {
      const answer = await readAnswer(await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) }));
      return { status: answer.status, contentType: answer.headers.get('content-type'), text: answer.text, json: answer.json };
    } catch (error) {
      const failure = connectFailure(error, url);
      if (failure) throw new Unreachable(`cannot reach ${base}: ${failure}`);
      const cause = (error as { cause?: Cause }).cause;
      return { status: 0, contentType: null, text: `no answer from ${url}: ${cause?.code ?? (error as Error).message}`, json: undefined };
    }
  };
}
