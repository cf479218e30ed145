/**
 * `token-mock/msw`: request handlers for Mock Service Worker, in Node (`setupServer`) and in the
 * browser (`setupWorker`). They forward what the mock serves to `mock.fetch` and let everything else
 * pass through untouched. A `ws.link` handler takes the IM client's WebSocket to the mock's IM engine.
 */
import { type HttpHandler, http, passthrough, type WebSocketData, type WebSocketHandler, ws } from 'msw';
import { toResponse } from '../core/reply.js';
import type { Mock } from '../mock.js';

/** Where the APIs live, as the app under test calls them. */
export interface MswOptions {
  /** Default `http://localhost:5001`. */
  wukongimUrl?: string;
  /** Default `https://sandbox.smileapi.io/v1`: SANDBOX keys only, as on the real host. */
  smileSandboxUrl?: string;
  /** Default `https://open.smileapi.io/v1`: PRODUCTION keys only. */
  smileProductionUrl?: string;
  /**
   * The IM WebSocket address the app's IM client connects to (the SDK's `addr`, or what its
   * `connectAddrCallback` gets from `GET /route`, which answers it). Default `ws://localhost:5200`;
   * `false` leaves WebSockets alone. In Node 20 the WebSocket global must exist before `listen()`.
   */
  imUrl?: string | false;
}

/** The origins the Smile mock treats as the sandbox and production hosts. */
const SMILE_ORIGINS = { sandbox: 'https://sandbox.smileapi.io', production: 'https://open.smileapi.io' } as const;

interface Mount {
  api: 'wukongim' | 'smile';
  /** The URL the app calls, without a trailing slash. */
  base: string;
  /** What replaces `base` before the mock sees the URL. */
  target: string;
}

/**
 * Creates the handlers. Put them first in `setupServer(...)` or `setupWorker(...)`.
 * @example const server = setupServer(...createHandlers(createMock({ seed: 7 }))); server.listen();
 */
export function createHandlers(mock: Mock, options: MswOptions = {}): (HttpHandler | WebSocketHandler)[] {
  const trim = (url: string) => url.replace(/\/+$/, '');
  const mounts: Mount[] = [
    { api: 'wukongim', base: trim(options.wukongimUrl ?? 'http://localhost:5001'), target: 'http://wukongim.mock' },
    // Each Smile base maps to its real host's /v1, so that the mock knows which mode the host serves.
    { api: 'smile', base: trim(options.smileSandboxUrl ?? `${SMILE_ORIGINS.sandbox}/v1`), target: `${SMILE_ORIGINS.sandbox}/v1` },
    { api: 'smile', base: trim(options.smileProductionUrl ?? `${SMILE_ORIGINS.production}/v1`), target: `${SMILE_ORIGINS.production}/v1` },
  ];
  const handlers: (HttpHandler | WebSocketHandler)[] = [];
  const imUrl = options.imUrl ?? 'ws://localhost:5200';
  if (imUrl !== false) {
    mock.wukongim.im.route.ws_addr = imUrl;
    handlers.push(imHandler(mock, imUrl));
  }
  for (const mount of mounts) {
    handlers.push(http.all(`${mount.base}/*`, ({ request }) => forward(mock, mount, mount.base, mount.target, request)));
    // The control API sits beside Smile's /v1, at the origin's /__mock (WuKongIM's is under its base).
    if (mount.api === 'smile') {
      const origin = new URL(mount.base).origin;
      handlers.push(http.all(`${origin}/__mock/*`, ({ request }) => forward(mock, mount, origin, new URL(mount.target).origin, request)));
    }
  }
  return handlers;
}

/** Each intercepted WebSocket becomes an IM socket of the mock; its messages are read in order, Blobs included. */
function imHandler(mock: Mock, url: string): WebSocketHandler {
  return ws.link(url).addEventListener('connection', ({ client }) => {
    // The interceptor delivers a sent message a task later but a close at once: the close waits its turn, so a CONNACK comes first.
    const close = () => {
      try {
        client.close();
      } catch {
        // Closed from the page's side in the meantime.
      }
    };
    const session = mock.wukongim.im.open({ send: (bytes) => client.send(bytes), close: () => setTimeout(close, 0) });
    let turn: Promise<void> = Promise.resolve();
    client.addEventListener('message', (event: MessageEvent<WebSocketData>) => {
      const data = event.data;
      if (typeof Blob !== 'undefined' && data instanceof Blob) {
        turn = turn.then(async () => session.receive(new Uint8Array(await data.arrayBuffer())));
        return;
      }
      const bytes = toBytes(data as Exclude<WebSocketData, Blob>);
      turn = turn.then(() => session.receive(bytes));
    });
    client.addEventListener('close', () => {
      turn = turn.then(() => session.closed());
    });
  });
}

function toBytes(data: string | ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return new Uint8Array(data).slice();
}

async function forward(mock: Mock, mount: Mount, from: string, to: string, request: Request): Promise<Response> {
  const url = to + request.url.slice(from.length);
  const wire = await mock.handle({ method: request.method, url, headers: request.headers, text: () => request.text() }, { api: mount.api, passUnowned: true });
  // Under setupServer, cancelling the response's body never reaches the stream: @mswjs/interceptors'
  // fetch interceptor tees the body for its "response" event (FetchResponse.clone), and the clone that
  // nobody reads keeps the source open, so `body.cancel()` waits for the stream's next chunk (up to the
  // keep-alive). An aborted request ends the stream at once instead (EventSource.close aborts too).
  const stream = wire?.stream;
  if (stream) request.signal.addEventListener('abort', () => stream.close(), { once: true });
  return wire ? toResponse(wire) : passthrough();
}
