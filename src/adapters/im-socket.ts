/**
 * The IM WebSocket port in Node: a thin `ws` adapter in front of the core's IM engine. `attachIm`
 * adds the IM upgrade to any node:http server (its own port, or one shared with the HTTP APIs);
 * `serveIm` opens a port of its own, as the real server's 5200.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Mock } from '../mock.js';

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

/**
 * Handles WebSocket upgrades on `server` as IM sockets, whatever the path. Returns the `ws` server,
 * whose `clients` are the open sockets (terminate them before closing `server`).
 * @example const http = createServer(listener); attachIm(mock, http); http.listen(5001);
 */
export function attachIm(mock: Mock, server: Server): WebSocketServer {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    sockets.handleUpgrade(request, socket, head, (ws) => accept(mock, ws));
  });
  return sockets;
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
export function serveIm(mock: Mock, options: { port?: number; host?: string } = {}): Promise<RunningImServer> {
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket', connection: 'close' });
    response.end('the WuKongIM IM port speaks WebSocket');
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const sockets = attachIm(mock, server);
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
        url: `ws://${shownHost}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            // Upgraded sockets still count as the server's connections: they go first, or the close would wait on them.
            for (const ws of sockets.clients) ws.terminate();
            sockets.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
