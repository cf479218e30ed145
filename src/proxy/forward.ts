/**
 * One exchange forwarded to an upstream over node:http or node:https: the request streamed on as it
 * arrives, the answer streamed back unchanged (status, headers, body bytes, compressed or chunked as
 * they came), with a bounded copy of each body kept aside for validation and the journal.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1), besides those `Connection` names. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

/** Why an upstream gave no answer. */
export type UpstreamFailure = { kind: 'unreachable' | 'reset' | 'timeout'; message: string };

/** What came of a forwarded exchange. */
export interface Forwarded {
  /** The upstream's answer as it was passed on; absent when none came (then `failure` says why). */
  response?: { status: number; headers: Record<string, string> };
  /** The bodies as far as they were kept (up to the limit), and whether they went past it. */
  requestBody: Buffer;
  requestCut: boolean;
  responseBody: Buffer;
  responseCut: boolean;
  /** No answer came, or it broke off after its headers had gone to the client. */
  failure?: UpstreamFailure;
  /** The client went away before the exchange ended; the upstream request was aborted. */
  clientGone: boolean;
}

export interface ForwardOptions {
  /** Real ms the upstream has to start answering, and the longest it may then fall silent. */
  timeoutMs: number;
  /** The most bytes of each body kept aside. */
  keep: number;
  /** Headers to add to the answer where the upstream did not set them (the edge's CORS headers). */
  extraHeaders?: Record<string, string>;
}

// Kept-alive connections to the upstream: a fresh TCP (and TLS) handshake per request would cost more than the rest of the proxy.
const agents = { 'http:': new HttpAgent({ keepAlive: true, maxSockets: 256 }), 'https:': new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };

/**
 * Forwards `incoming` to `target` and streams the answer to `outgoing`. Resolves once the exchange
 * is over, never rejects; when no answer came, nothing has been written and the caller answers.
 * @example const forwarded = await forward(incoming, outgoing, new URL('http://127.0.0.1:5001/user/token'), { timeoutMs: 10_000, keep: 1 << 20 });
 */
export function forward(incoming: IncomingMessage, outgoing: ServerResponse, target: URL, options: ForwardOptions): Promise<Forwarded> {
  const requestKept = keeper(options.keep);
  const responseKept = keeper(options.keep);
  return new Promise((resolve) => {
    const result: Forwarded = { requestBody: Buffer.alloc(0), requestCut: false, responseBody: Buffer.alloc(0), responseCut: false, clientGone: false };
    let settled = false;
    // The upstream must start answering in time, and may not fall silent for longer once it has.
    const timer = setTimeout(() => fail('timeout', `the upstream did not answer within ${options.timeoutMs} ms`), options.timeoutMs);
    const settle = (failure?: UpstreamFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (failure && !result.failure) result.failure = failure;
      Object.assign(result, {
        requestBody: requestKept.bytes(),
        requestCut: requestKept.cut,
        responseBody: responseKept.bytes(),
        responseCut: responseKept.cut,
      });
      resolve(result);
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(target, {
      method: incoming.method,
      headers: forwardedHeaders(incoming.rawHeaders, target.host),
      agent: agents[target.protocol as 'http:' | 'https:'],
    });
    const fail = (kind: UpstreamFailure['kind'], message: string) => {
      upstream.destroy();
      // Headers already sent: the client sees the connection break, as it would have from the upstream.
      if (outgoing.headersSent) outgoing.destroy();
      settle({ kind, message });
    };
    upstream.setTimeout(options.timeoutMs, () => fail('timeout', `the upstream fell silent for ${options.timeoutMs} ms`));
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      const reset = error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.message === 'socket hang up';
      fail(reset ? 'reset' : 'unreachable', `${reset ? 'the upstream closed the connection' : 'cannot reach the upstream'}: ${error.code ?? error.message}`);
    });
    // A client that goes away takes its upstream request with it.
    outgoing.once('close', () => {
      if (settled || outgoing.writableFinished) return;
      result.clientGone = true;
      upstream.destroy();
      settle();
    });
    incoming.on('data', (chunk: Buffer) => requestKept.add(chunk));
    incoming.pipe(upstream);
    upstream.on('response', (answer) => {
      clearTimeout(timer);
      const status = answer.statusCode ?? 502;
      const headers = answeredHeaders(answer.rawHeaders, options.extraHeaders);
      result.response = { status, headers: journalHeaders(answer.headers) };
      // Node adds a Date header of its own unless told not to: the upstream's headers go as they came.
      outgoing.sendDate = false;
      outgoing.writeHead(status, answer.statusMessage, headers);
      answer.on('data', (chunk: Buffer) => {
        responseKept.add(chunk);
        if (!outgoing.write(chunk)) answer.pause();
      });
      outgoing.on('drain', () => answer.resume());
      answer.once('end', () => {
        outgoing.end();
        settle();
      });
      answer.once('aborted', () => fail('reset', 'the upstream broke off its answer'));
      answer.once('error', () => fail('reset', 'the upstream broke off its answer'));
    });
  });
}

/** The request's headers for the upstream, in their order and case: hop-by-hop ones left out, Host the upstream's. */
function forwardedHeaders(raw: string[], host: string): Record<string, string | string[]> {
  const named = connectionNamed(raw);
  const headers: Record<string, string | string[]> = { host };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    const value = raw[i + 1] as string;
    const before = headers[name];
    headers[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return headers;
}

/** The answer's headers for the client as raw pairs, hop-by-hop ones aside (Node frames the body itself), and the edge's where the upstream set none. */
function answeredHeaders(raw: string[], extra: Record<string, string> | undefined): string[] {
  const named = connectionNamed(raw);
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    seen.add(lower);
    out.push(raw[i] as string, raw[i + 1] as string);
  }
  for (const name in extra) if (!seen.has(name)) out.push(name, extra[name] as string);
  return out;
}

/** The headers a `Connection` header names, which are hop-by-hop too. */
function connectionNamed(raw: string[]): Set<string> {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const part of (raw[i + 1] as string).split(',')) named.add(part.trim().toLowerCase());
  }
  return named;
}

/** Node's parsed headers as the journal keeps them: one string each. */
function journalHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Keeps the first `limit` bytes of a stream and says whether there were more. */
function keeper(limit: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  return {
    add(chunk: Buffer) {
      if (size >= limit) {
        cut = true;
        return;
      }
      const room = limit - size;
      if (chunk.length > room) cut = true;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
    },
    bytes: () => (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    get cut() {
      return cut;
    },
  };
}
