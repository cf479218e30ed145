/**
 * The IM WebSocket port in Node: a thin `ws` adapter in front of the core's IM engine. `attachIm`
 * adds the IM upgrade to any node:http server (its own port, or one shared with the HTTP APIs);
 * `serveIm` opens a port of its own, as the real server's 5200.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { WireReply } from '../core/reply.js';
import type { Mock } from '../mock.js';
import { createEdge, type EdgeOptions } from './edge.js';
import { listenOn } from './listen.js';

/** A listening IM port. */
export interface RunningImServer {
  readonly server: Server;
  readonly port: number;
  /** The address clients connect to, for example `ws://127.0.0.1:5200`. */
  readonly url: string;
  /** Closes every IM socket and the port. */
  close(): Promise<void>;
}

/** WebSocket messages larger than this are refused by `ws` (close 1009); a frame's own cap, 1 MiB, is checked by the engine. */
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/** The IM upgrade on a server: its open sockets end with `close()`. */
export interface AttachedIm {
  /** Closes every IM socket (upgraded sockets would otherwise hold the server's own close). */
  close(): Promise<void>;
}

/**
 * Handles WebSocket upgrades on `server` as IM sockets, whatever the path. The Host rule of the
 * server's edge applies first: an upgrade from a rebound name gets the same 403 as a request.
 * @example const http = createServer(listener); const im = attachIm(mock, http); http.listen(5001);
 */
export function attachIm(mock: Mock, server: Server, options: EdgeOptions = {}): AttachedIm {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const decide = createEdge(mock, { api: 'wukongim' }, options, false);
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const decision = decide(request);
    if (decision.answer) {
      refuse(socket, decision.answer);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => accept(mock, ws));
  });
  return {
    close: () =>
      new Promise<void>((done) => {
        for (const ws of sockets.clients) ws.terminate();
        sockets.close(() => done());
      }),
  };
}

/** Answers an upgrade the edge refused, on the raw socket (no HTTP response object exists for an upgrade). */
function refuse(socket: Duplex, answer: WireReply): void {
  const body = answer.body ?? '';
  const headers = Object.entries({ ...answer.headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${answer.status} Forbidden\r\n${headers}\r\n\r\n${body}`);
}

/** Feeds one socket to the engine. */
function accept(mock: Mock, ws: WebSocket): void {
  const session = mock.wukongim.im.open({
    send: (bytes) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true });
    },
    close: () => ws.close(),
  });
  ws.on('message', (data: RawData) => session.receive(toBytes(data)));
  ws.on('close', () => session.closed());
  // An oversized message or a broken frame: `ws` closes the socket, and the close above tells the engine.
  ws.on('error', () => ws.terminate());
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Opens the IM WebSocket port. Plain HTTP requests to it get 426 Upgrade Required.
 * @example const im = await serveIm(mock, { port: 5200 }); mock.wukongim.im.route.ws_addr = im.url;
 */
export async function serveIm(
  mock: Mock,
  options: { port?: number; host?: string; headersTimeoutMs?: number; requestTimeoutMs?: number } & EdgeOptions = {},
): Promise<RunningImServer> {
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket', connection: 'close' });
    response.end('the WuKongIM IM port speaks WebSocket');
  });
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.requestTimeout = Math.max(options.requestTimeoutMs ?? 30_000, server.headersTimeout);
  const sockets = attachIm(mock, server, options);
  const { port, url } = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1', 'ws');
  return {
    server,
    port,
    url,
    close: () =>
      new Promise<void>((done) => {
        // Upgraded sockets still count as the server's connections: they go first, or the close would wait on them.
        void sockets.close();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
