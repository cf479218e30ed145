/**
 * The standalone server: node:http in front of the mock's fetch entry, one port per API, or every API
 * on one port (no `api`). The edge (`edge.ts`) answers CORS and refuses hostile pages first.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiName } from '../core/api.js';
import type { FetchOptions, Mock } from '../mock.js';
import { createEdge, type EdgeOptions } from './edge.js';
import { listenOn } from './listen.js';
import { IncomingRequest, writeFailure, writeWire } from './node-bridge.js';
import { inTurn } from './pipelining.js';

export type { AesCbc, AesCbcCipher } from '../apis/wukongim/im/handshake.js';
export type { EdgeEvent, EdgeOptions } from './edge.js';
export { attachIm, type RunningImServer, serveIm } from './im-socket.js';
export { nodeAesCbc, nodeHmacSha256 } from './node-crypto.js';

/**
 * Where and what to serve. Without `api`, one port serves everything: WuKongIM at `/`, Smile at
 * `/v1`, the control API at `/__mock`; attach an `upgrade` listener to `server` for WebSockets.
 */
export interface ServeOptions extends ListenerOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1: loopback only, unless told otherwise. */
  host?: string;
  /** Real ms a client has to send its headers (default 10 s) and its whole request (default 30 s): slow clients cannot hold the server. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Open TCP connections at most; further ones are closed at once. Default 1024. */
  maxConnections?: number;
}

/**
 * Answers a request the mock does not, behind the same edge: `token-mock proxy` forwards it to the
 * real provider. It gets the API the path belongs to and the edge's headers for the answer (CORS).
 */
export type Forwarder = (
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  api: Exclude<ApiName, 'admin'>,
  headers?: Record<string, string>,
) => Promise<void>;

/** What the request listener takes: the API it is limited to, the edge's rules, and a forwarder for every path outside the control API. */
export interface ListenerOptions extends FetchOptions, EdgeOptions {
  forward?: Forwarder;
}

/** A listening server. */
export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** The base URL, for example `http://127.0.0.1:5001`. */
  readonly url: string;
  /** Stops accepting connections, lets requests in flight finish, then closes idle keep-alive sockets. */
  close(): Promise<void>;
}

/** Header fields a request may carry; more get 431. */
const HEADER_FIELDS = 100;

/**
 * A node:http request listener that answers from the mock. Pipelined requests of one connection are
 * answered one at a time, each once the answer before it has gone to the socket (`pipelining.ts`).
 * @example http.createServer(createRequestListener(mock, { api: 'wukongim' })).listen(5001)
 */
export function createRequestListener(mock: Mock, options: ListenerOptions = {}) {
  const scope: FetchOptions = { api: options.api };
  const decide = createEdge(mock, scope, options, true);
  const { forward } = options;
  return (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    // node:http keeps one field over the limit (see serve), so a request that had more shows it.
    if (incoming.rawHeaders.length > 2 * HEADER_FIELDS) {
      outgoing.shouldKeepAlive = false;
      outgoing.writeHead(431, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      outgoing.end(`more than ${HEADER_FIELDS} header fields`);
      return;
    }
    inTurn(incoming.socket, outgoing, () => {
      const decision = decide(incoming);
      if (decision.answer) {
        writeWire(decision.answer, outgoing, incoming);
        return Promise.resolve();
      }
      const { headers } = decision;
      if (forward) {
        const api = mock.owner(incoming.url ?? '/', scope);
        if (api !== 'admin') return forward(incoming, outgoing, api, headers).catch(() => writeFailure(outgoing));
      }
      const request = new IncomingRequest(incoming, mock.options.maxBodyBytes);
      // A reply node:http refuses to write (a header it rejects) is a failure too: left unanswered,
      // it would hold up every later request of its socket.
      return mock
        .handle(request, scope)
        .then((wire) => {
          if (headers) Object.assign(wire.headers, headers);
          return writeWire(wire, outgoing, incoming);
        })
        .catch(() => writeFailure(outgoing));
    });
  };
}

/** Answers a request node:http hands over without a response object (CONNECT) with the API's 400, and closes. */
function answerRaw(mock: Mock, options: FetchOptions, incoming: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  mock.handle(new IncomingRequest(incoming, 0, '/'), options).then(
    (wire) => {
      const body = wire.body ?? '';
      const headers = { ...wire.headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.end(`HTTP/1.1 ${wire.status} ${STATUS_CODES[wire.status] ?? ''}\r\n${lines.join('')}\r\n${body}`);
    },
    () => socket.destroy(),
  );
}

/**
 * Serves the mock on a port.
 * @example const wukongim = await serve(mock, { api: 'wukongim', port: 5001 }); await wukongim.close();
 */
export async function serve(mock: Mock, options: ServeOptions = {}): Promise<RunningServer> {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout),
      maxHeaderSize: 16 * 1024,
      // Two Host headers then read as one with a comma, which the bridge answers with a 400.
      joinDuplicateHeaders: true,
      // Node checks those timeouts on this interval (30 s by default, which would let a slow client linger).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    createRequestListener(mock, options),
  );
  server.keepAliveTimeout = 5_000;
  // One over the limit: node:http drops the rest silently, and the listener answers 431 on seeing it.
  server.maxHeadersCount = HEADER_FIELDS + 1;
  server.maxConnections = options.maxConnections ?? 1024;
  // node:http drops a CONNECT request's socket without a word unless someone answers it.
  server.on('connect', (incoming: IncomingMessage, socket: Duplex) => answerRaw(mock, options, incoming, socket));
  const { port, url } = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1', 'http');
  return {
    server,
    port,
    url,
    close: () =>
      new Promise<void>((done) => {
        // Open event streams end first (node-bridge.ts), so the close is not held by a dashboard.
        server.close(() => done());
        server.closeIdleConnections();
      }),
  };
}
