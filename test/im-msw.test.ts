/**
 * The unmodified WuKongIM SDK under MSW's setupServer in Node: no port at all, the SDK's WebSocket is
 * intercepted at the IM URL. Node 20 has no WebSocket global, and MSW patches only one that exists
 * when `listen()` runs, so the `ws` one is put in place first.
 */
import { setupServer } from 'msw/node';
import { createMock, type Mock, type MockOptions } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { provideWebSocket, SdkClient, Status } from './support/sdk.js';

const IM_URL = 'ws://im.mock.test:5200';
const API = 'http://im.mock.test:5001';
let mock: Mock;
let stop: (() => void) | undefined;
const clients: SdkClient[] = [];

beforeAll(() => {
  provideWebSocket();
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
  stop?.();
  stop = undefined;
});

function start(options: MockOptions = {}): void {
  mock = createMock(options);
  const server = setupServer(...createHandlers(mock, { wukongimUrl: API, imUrl: IM_URL }));
  server.listen({ onUnhandledRequest: 'bypass' });
  stop = () => server.close();
}

async function post(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${API}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

async function client(uid: string, token: string): Promise<SdkClient> {
  const sdk = await SdkClient.create();
  clients.push(sdk);
  sdk.connect(IM_URL, uid, token);
  return sdk;
}

describe('the IM engine under MSW setupServer', () => {
  it('connects on the right token, and GET /route points at the intercepted address', async () => {
    start();
    expect(await (await fetch(`${API}/route?uid=alice`)).json()).toMatchObject({ ws_addr: IM_URL });
    await post('/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
    const sdk = await client('alice', 't1');
    await sdk.until((c) => c.saw(Status.connected, 1), 'Connected');
    expect(mock.wukongim.connections({ state: 'online' }).map((c) => c.uid)).toEqual(['alice']);
  });

  it('refuses a wrong token with CONNACK 2 under docs', async () => {
    start();
    await post('/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
    const sdk = await client('alice', 'WRONG');
    await sdk.until((c) => c.saw(Status.connectFail, 2), 'ConnectFail 2');
  });

  it('refuses a wrong token under server-v2 without a CONNACK, closing at the idle limit', async () => {
    start({ startTime: '2026-01-01T00:00:00Z', wukongim: { profile: 'server-v2' } });
    await post('/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
    const sdk = await client('alice', 'WRONG');
    await vi.waitFor(() => expect(mock.wukongim.connections({ state: 'closed' })).toHaveLength(1));
    mock.clock.advance(3_999);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sdk.statuses).toEqual([]);
    mock.clock.advance(1);
    await sdk.until((c) => c.saw(Status.disconnect, 0), 'Disconnect');
    expect(sdk.statuses.some(([status]) => status === Status.connectFail)).toBe(false);
  });

  it('kicks with reason 12 on a master token update and on a master connect elsewhere', async () => {
    start();
    await post('/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
    const phoneA = await client('alice', 't1');
    await phoneA.until((c) => c.saw(Status.connected, 1), 'A connected');
    const phoneB = await client('alice', 't1');
    await phoneB.until((c) => c.saw(Status.connected, 1), 'B connected');
    await phoneA.until((c) => c.saw(Status.connectKick, 12), 'A kicked by B');
    await post('/user/token', { uid: 'alice', token: 't2', device_flag: 1, device_level: 1 });
    await phoneB.until((c) => c.saw(Status.connectKick, 12), 'B kicked by the token update');
    mock.clock.advance(10_000);
    await phoneB.until((c) => c.saw(Status.disconnect, 0), 'B closed 10 s later');
  });

  it('kicks with reason 12 on device_quit, a ban, and the control API', async () => {
    start();
    for (const uid of ['u1', 'u2', 'u3']) await post('/user/token', { uid, token: 't', device_flag: 1, device_level: 1 });
    const [u1, u2, u3] = [await client('u1', 't'), await client('u2', 't'), await client('u3', 't')];
    for (const sdk of [u1, u2, u3]) await sdk?.until((c) => c.saw(Status.connected, 1), 'Connected');
    await post('/user/device_quit', { uid: 'u1', device_flag: 1 });
    await fetch(`${API}/__mock/wukongim/users/u2`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"status":"banned"}' });
    const [online] = mock.wukongim.connections({ uid: 'u3', state: 'online' });
    await fetch(`${API}/__mock/wukongim/connections/${online?.connection_id}/close`, { method: 'POST' });
    for (const sdk of [u1, u2, u3]) await sdk?.until((c) => c.saw(Status.connectKick, 12), 'ConnectKick 12');
  });

  it('relays a message from one SDK to another', async () => {
    start();
    await post('/user/token', { uid: 'alice', token: 'a', device_flag: 1, device_level: 1 });
    await post('/user/token', { uid: 'bob', token: 'b', device_flag: 1, device_level: 1 });
    const alice = await client('alice', 'a');
    const bob = await client('bob', 'b');
    for (const sdk of [alice, bob]) await sdk.until((c) => c.saw(Status.connected, 1), 'Connected');
    alice.send('bob', 'hello over msw');
    await alice.until((c) => c.acks.length === 1, 'SENDACK');
    expect(alice.acks[0]?.reasonCode).toBe(1);
    await bob.until((c) => c.received.length === 1, 'RECV');
    expect(bob.received[0]?.content.text).toBe('hello over msw');
  });
});
