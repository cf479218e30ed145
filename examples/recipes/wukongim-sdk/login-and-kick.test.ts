/**
 * Recipe: the real WuKongIM JavaScript SDK (`wukongimjssdk`) logging in against the mock, and being
 * kicked when the app server stores a master token for another device, under MSW's setupServer
 * (no port at all). The same SDK connects to the standalone server at the `ws_addr` that
 * `GET /route` answers (`ws://127.0.0.1:5200` under `npx token-mock serve`).
 *
 * Two things a project needs for it:
 * - vitest must transform the SDK (its ES modules import without file extensions, which Node alone
 *   cannot load): `test: { server: { deps: { inline: ['wukongimjssdk'] } } }` in vitest.config.ts.
 * - Node 20 has no WebSocket global, and MSW intercepts only one that exists when `listen()` runs:
 *   set it first (`ws`'s), as below. Node 22 has its own.
 */
import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import WKSDK from 'wukongimjssdk';

(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/** The SDK's ConnectStatus values (its package exports only the WKSDK class). */
const ConnectStatus = { Connected: 1, ConnectFail: 3, ConnectKick: 4 } as const;

const mock = createMock({ seed: 1, startTime: '2026-01-01T09:00:00Z' });
const server = setupServer(...createHandlers(mock)); // the IM socket at ws://localhost:5200, the API at http://localhost:5001
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => {
  WKSDK.shared().disconnect();
  mock.reset();
});
afterAll(() => server.close());

/** What the app server does at login: store the user's token for a device (1: web). */
function storeToken(uid: string, token: string, deviceFlag: number, deviceLevel: 0 | 1) {
  return fetch('http://localhost:5001/user/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid, token, device_flag: deviceFlag, device_level: deviceLevel }),
  });
}

/** The connect statuses the SDK reports, as `[status, reasonCode]`. */
function watchStatuses(): [number, number][] {
  const seen: [number, number][] = [];
  WKSDK.shared().connectManager.addConnectStatusListener((status: number, reasonCode?: number) => seen.push([status, reasonCode ?? 0]));
  return seen;
}

it('logs in with the token the app server stored, and is kicked (reason 12) when a master logs in elsewhere', async () => {
  await storeToken('alice', 'web-token', 1, 1);
  const { ws_addr } = await (await fetch('http://localhost:5001/route?uid=alice')).json();
  const statuses = watchStatuses();
  const sdk = WKSDK.shared();
  sdk.config.addr = ws_addr;
  sdk.config.uid = 'alice';
  sdk.config.token = 'web-token';
  sdk.connect();
  await expect.poll(() => statuses).toContainEqual([ConnectStatus.Connected, 1]);
  expect(mock.wukongim.connections({ state: 'online' }).map((connection) => connection.uid)).toEqual(['alice']);

  // A master token for the same device flag: the server kicks the session that used the old one.
  await storeToken('alice', 'new-token', 1, 1);
  await expect.poll(() => statuses).toContainEqual([ConnectStatus.ConnectKick, 12]);
});

it('is refused a token the app server never stored (ConnectFail, reason 2)', async () => {
  const statuses = watchStatuses();
  const sdk = WKSDK.shared();
  sdk.config.addr = 'ws://localhost:5200';
  sdk.config.uid = 'mallory';
  sdk.config.token = 'guessed';
  sdk.connect();
  await expect.poll(() => statuses).toContainEqual([ConnectStatus.ConnectFail, 2]);
});
