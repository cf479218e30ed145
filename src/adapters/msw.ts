/**
 * `token-mock/msw`: request handlers for Mock Service Worker, in Node (`setupServer`) and in the
 * browser (`setupWorker`). They forward what the mock serves to `mock.fetch` and let everything else
 * pass through untouched.
 */
import { type HttpHandler, http, passthrough } from 'msw';
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
export function createHandlers(mock: Mock, options: MswOptions = {}): HttpHandler[] {
  const trim = (url: string) => url.replace(/\/+$/, '');
  const mounts: Mount[] = [
    { api: 'wukongim', base: trim(options.wukongimUrl ?? 'http://localhost:5001'), target: 'http://wukongim.mock' },
    // Each Smile base maps to its real host's /v1, so that the mock knows which mode the host serves.
    { api: 'smile', base: trim(options.smileSandboxUrl ?? `${SMILE_ORIGINS.sandbox}/v1`), target: `${SMILE_ORIGINS.sandbox}/v1` },
    { api: 'smile', base: trim(options.smileProductionUrl ?? `${SMILE_ORIGINS.production}/v1`), target: `${SMILE_ORIGINS.production}/v1` },
  ];
  const handlers: HttpHandler[] = [];
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

async function forward(mock: Mock, mount: Mount, from: string, to: string, request: Request): Promise<Response> {
  const url = to + request.url.slice(from.length);
  const wire = await mock.handle({ method: request.method, url, headers: request.headers, text: () => request.text() }, { api: mount.api, passUnowned: true });
  return wire ? toResponse(wire) : passthrough();
}
