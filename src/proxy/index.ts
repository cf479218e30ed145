/**
 * `token-mock proxy`: the mock's edge in front of the real providers. Each request outside the
 * control API is forwarded to its API's upstream and answered with the upstream's answer unchanged;
 * both directions are checked against the specs (core's `contract.inspect`), and the exchange is
 * journaled, marked `proxied`, with its violations and with the client's credentials redacted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Forwarder } from '../adapters/node.js';
import { writeWire } from '../adapters/node-bridge.js';
import type { ApiName } from '../core/api.js';
import { withoutCredentials } from '../core/credentials.js';
import { reported } from '../core/journal.js';
import { toWire } from '../core/reply.js';
import type { Mock } from '../mock.js';
import { type Forwarded, forward } from './forward.js';
import { createProxyReport, type ProxyReport } from './report.js';
import { type Upstreams, upstreamUrl } from './upstream.js';

export type { ProxyReport } from './report.js';
export type { Upstreams } from './upstream.js';

export interface ProxyOptions {
  upstreams: Upstreams;
  /** Real ms an upstream has to start answering, and the longest it may fall silent after. Default 10 000. */
  timeoutMs?: number;
}

/** A proxy over one mock: the forwarder the node server calls for every path outside the control API, and what it saw. */
export interface MockProxy {
  readonly forward: Forwarder;
  readonly report: ProxyReport;
}

/** Tells the journal's readers of each proxied exchange, once per API (the stream merges repeats of one object). */
const JOURNAL_DETAILS = { wukongim: Object.freeze({ api: 'wukongim' }), smile: Object.freeze({ api: 'smile' }) };

/**
 * Creates the proxy. The mock gives the edge, the specs, the journal and the clock; its own state is
 * never touched by proxied traffic.
 * @example const proxy = createProxy(mock, { upstreams: { smile: new URL('https://sandbox.test/v1') } }); await serve(mock, { api: 'smile', forward: proxy.forward });
 */
export function createProxy(mock: Mock, options: ProxyOptions): MockProxy {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const report = createProxyReport();
  const keep = mock.options.maxBodyBytes;

  const answerFailure = (outgoing: ServerResponse, api: Exclude<ApiName, 'admin'>, status: 502 | 504, reason: string, headers?: Record<string, string>) => {
    const wire = toWire(mock.contract.errors(api).injected(status));
    // The reason in a header too, so a client sees why without the journal; a header value must be Latin-1.
    Object.assign(wire.headers, headers, { 'x-token-mock-upstream-error': reason.replace(/[^\x20-\x7e]/g, '?') });
    writeWire(wire, outgoing);
    return wire;
  };

  const forwardOne: Forwarder = async (incoming, outgoing, api, headers) => {
    const started = performance.now();
    const time = mock.clock.now();
    const path = incoming.url ?? '/';
    const target = upstreamUrl(options.upstreams, api, path);
    let forwarded: Forwarded | undefined;
    let status: number;
    let answered: { headers: Record<string, string>; body: string | null };
    let error: string | null = null;
    if (!target) {
      error = `no upstream for ${api}: start the proxy with --${api}-upstream <url>`;
      // The request body is not wanted; it is read and dropped so the connection stays usable.
      incoming.resume();
      const wire = answerFailure(outgoing, api, 502, error, headers);
      status = wire.status;
      answered = { headers: wire.headers, body: wire.body };
    } else {
      forwarded = await forward(incoming, outgoing, target, { timeoutMs, keep, extraHeaders: headers });
      error = forwarded.failure?.message ?? (forwarded.clientGone ? 'the client went away; the upstream request was aborted' : null);
      if (forwarded.response) {
        status = forwarded.response.status;
        answered = { headers: forwarded.response.headers, body: bodyText(forwarded.responseBody, forwarded.response.headers['content-encoding'], keep) };
      } else if (forwarded.clientGone) {
        status = 0;
        answered = { headers: {}, body: null };
      } else {
        const wire = answerFailure(outgoing, api, forwarded.failure?.kind === 'timeout' ? 504 : 502, error ?? 'no answer', headers);
        status = wire.status;
        answered = { headers: wire.headers, body: wire.body };
      }
    }
    const requestHeaders = headersOf(incoming);
    const requestBody = forwarded && forwarded.requestBody.length > 0 ? forwarded.requestBody.toString('utf8') : null;
    // A body cut at the limit cannot be checked: what is missing would read as a violation.
    const checkable = forwarded?.response !== undefined && !forwarded.responseCut;
    const inspection = mock.contract.inspect(
      {
        method: incoming.method ?? 'GET',
        url: `http://localhost${path}`,
        headers: { get: (name) => requestHeaders[name.toLowerCase()] ?? null },
        body: forwarded?.requestCut ? null : requestBody,
        response: checkable ? { status, contentType: answered.headers['content-type'] ?? null, body: answered.body } : undefined,
      },
      api,
    );
    const violations = inspection.violations.map(reported);
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    mock.journal.record({
      time,
      api,
      operationId: inspection.operation?.id ?? null,
      method: incoming.method ?? 'GET',
      path,
      status,
      durationMs,
      request: { headers: withoutCredentials(requestHeaders), body: requestBody },
      response: answered,
      fault: null,
      violations,
      error,
      proxied: true,
    });
    report.add(api, inspection.operation?.id ?? null, violations, durationMs);
    if (mock.changes.subscribers > 0) mock.changes.publish('journal', JOURNAL_DETAILS[api]);
  };

  return { forward: forwardOne, report };
}

/** The answer's body as text, decoded from its content encoding (at most `limit` bytes of it), as the spec describes it; null for none. */
function bodyText(body: Buffer, encoding: string | undefined, limit: number): string | null {
  if (body.length === 0) return null;
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === 'identity') return body.toString('utf8');
  try {
    const options = { maxOutputLength: limit };
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body, options).toString('utf8');
    if (coding === 'deflate') return inflateSync(body, options).toString('utf8');
    if (coding === 'br') return brotliDecompressSync(body, options).toString('utf8');
  } catch {
    // Undecodable (or past the limit once decoded): the journal shows that rather than bytes.
  }
  return `(a ${coding} body of ${body.length} bytes that could not be decoded)`;
}

/** The request's headers, one string each, as the journal keeps them. */
function headersOf(incoming: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
