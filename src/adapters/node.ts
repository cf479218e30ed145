/** The standalone server: node:http in front of the mock's fetch entry, one port per API. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchOptions, Mock } from '../mock.js';
import { IncomingRequest, writeFailure, writeWire } from './node-bridge.js';
import { inTurn } from './pipelining.js';

export { nodeHmacSha256 } from './node-crypto.js';

/** Where and what to serve. */
export interface ServeOptions extends FetchOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1: loopback only, unless told otherwise. */
  host?: string;
  /** Real ms a client has to send its headers (default 10 s) and its whole request (default 30 s): slow clients cannot hold the server. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
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

/**
 * A node:http request listener that answers from the mock. Pipelined requests of one connection are
 * answered one at a time, each once the answer before it has gone to the socket (`pipelining.ts`).
 * @example http.createServer(createRequestListener(mock, { api: 'wukongim' })).listen(5001)
 */
export function createRequestListener(mock: Mock, options: FetchOptions = {}) {
  return (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    inTurn(incoming.socket, outgoing, () => {
      const request = new IncomingRequest(incoming, mock.options.maxBodyBytes);
      // A reply node:http refuses to write (a header it rejects) is a failure too: left unanswered,
      // it would hold up every later request of its socket.
      return mock
        .handle(request, options)
        .then((wire) => writeWire(wire, outgoing))
        .catch(() => writeFailure(outgoing));
    });
  };
}

/**
 * Serves the mock on a port.
 * @example const wukongim = await serve(mock, { api: 'wukongim', port: 5001 }); await wukongim.close();
 */
export function serve(mock: Mock, options: ServeOptions = {}): Promise<RunningServer> {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout),
      maxHeaderSize: 16 * 1024,
      // Node checks those timeouts on this interval (30 s by default, which would let a slow client linger).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    createRequestListener(mock, options),
  );
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        port,
        url: `http://${shownHost}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
