/**
 * The unmodified WuKongIM SDK against the standalone server's IM port: connected, refused in both
 * profiles, kicked by every path with reason 12, and messages relayed to a second SDK.
 */
import { createMock, type Mock, type MockOptions } from 'token-mock';
import { type RunningImServer, type RunningServer, serve, serveIm } from 'token-mock/node';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { provideWebSocket, SdkClient, Status } from './support/sdk.js';

let mock: Mock;
let http: RunningServer;
let im: RunningImServer;
const clients: SdkClient[] = [];

beforeAll(() => {
  provideWebSocket();
  // The SDK logs every step with console.log.
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await im?.close();
  await http?.close();
});

async function start(options: MockOptions = {}): Promise<void> {
  mock = createMock(options);
  http = await serve(mock, { api: 'wukongim' });
  im = await serveIm(mock);
  mock.wukongim.im.route.ws_addr = im.url;
}

async function post(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${http.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

async function client(uid: string, token: string, deviceFlag = 1): Promise<SdkClient> {
  const sdk = await SdkClient.create();
  clients.push(sdk);
  sdk.connect(im.url, uid, token, deviceFlag);
  return sdk;
}

async function online(uid: string, token: string, level = 1): Promise<SdkClient> {
  await post('/user/token', { uid, token, device_flag: 1, device_level: level });
  const sdk = await client(uid, token);
  await sdk.until((c) => c.saw(Status.connected, 1), `${uid} connected`);
  return sdk;
}

/** Waits until the SDK's socket is gone (it reports Disconnect after the kick). */
const closedAfterKick = (sdk: SdkClient) => sdk.until((c) => c.statuses.some(([status]) => status === Status.disconnect), 'the socket to close');

describe('the IM port with the real SDK', () => {
  it('connects on the right token; the connection is in the registry, online status and the webhook batch', async () => {
    await start({ wukongim: { webhookUrl: 'http://127.0.0.1:9/hook' } });
    const alice = await online('alice', 't1');
    expect(alice.statuses).toContainEqual([Status.connected, 1]);
    const list = (await (await fetch(`${http.url}/__mock/wukongim/connections?state=online`)).json()) as { items: { uid: string; device_id: string }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.uid).toBe('alice');
    expect(list.items[0]?.device_id).toMatch(/^[0-9a-f]{32}W$/);
    expect(await post('/user/onlinestatus', ['alice'])).toEqual([{ uid: 'alice', device_flag: 1, online: 1 }]);
    const events = mock.webhooks.events();
    expect(JSON.stringify(events.at(-1))).toContain('alice-1-1-1-1-1');
    const journal = mock.journal.entries().filter((entry) => entry.operationId === 'im.connect');
    expect(journal).toHaveLength(1);
    expect(journal[0]?.request.body).not.toContain('t1');
  });

  it('answers a wrong token with CONNACK 2 under docs: the SDK reports ConnectFail 2', async () => {
    await start();
    await post('/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
    const sdk = await client('alice', 'WRONG');
    await sdk.until((c) => c.saw(Status.connectFail, 2), 'ConnectFail 2');
    const refused = mock.wukongim.connections({ state: 'closed' });
    expect(refused.map((c) => c.reason_code)).toEqual([2]);
  });

  it('refuses an empty token, an unknown slot, a cleared slot and an expired token alike', async () => {
    await start({ wukongim: { tokenTtl: '1m' } });
    await post('/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
    await post('/user/token', { uid: 'carol', token: 'c1', device_flag: 1, device_level: 1 });
    await post('/user/device_quit', { uid: 'carol', device_flag: 1 });
    const empty = await client('alice', '');
    const unknown = await client('nobody', 'x');
    const cleared = await client('carol', 'c1');
    for (const sdk of [empty, unknown, cleared]) await sdk.until((c) => c.saw(Status.connectFail, 2), 'ConnectFail 2');
    mock.clock.advance(61_000);
    const expired = await client('alice', 't1');
    await expired.until((c) => c.saw(Status.connectFail, 2), 'ConnectFail 2 after the TTL');
  });

  it('sends no CONNACK under server-v2, and closes the socket at the 4 s idle limit on the mock clock', async () => {
    // A frozen clock: the idle limit runs on it alone, whatever real time the machine takes.
    await start({ startTime: '2026-01-01T00:00:00Z', wukongim: { profile: 'server-v2' } });
    await post('/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
    const sdk = await client('alice', 'WRONG');
    await vi.waitFor(() => expect(mock.wukongim.connections({ state: 'closed' }).map((c) => c.reason_code)).toEqual([2]));
    mock.clock.advance(3_999);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sdk.statuses).toEqual([]);
    mock.clock.advance(1);
    await sdk.until((c) => c.saw(Status.disconnect, 0), 'Disconnect');
    expect(sdk.statuses.some(([status]) => status === Status.connectFail)).toBe(false);
    expect(mock.journal.entries().some((entry) => entry.operationId === 'im.idle-timeout')).toBe(true);
  });

  it('kicks with DISCONNECT 12 on a master POST /user/token, and closes 10 s later on the mock clock', async () => {
    await start({ startTime: '2026-01-01T00:00:00Z' });
    const sdk = await online('alice', 't1');
    await post('/user/token', { uid: 'alice', token: 't2', device_flag: 1, device_level: 1 });
    await sdk.until((c) => c.saw(Status.connectKick, 12), 'ConnectKick 12');
    mock.clock.advance(9_999);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sdk.statuses.some(([status]) => status === Status.disconnect)).toBe(false);
    mock.clock.advance(1);
    await closedAfterKick(sdk);
    expect(mock.wukongim.connections({ uid: 'alice' }).map((c) => [c.state, c.reason_code])).toEqual([['kicked', 12]]);
  });

  it('kicks the older master of the same slot when a master connects on another device', async () => {
    await start();
    const phoneA = await online('alice', 't1');
    const phoneB = await client('alice', 't1');
    await phoneB.until((c) => c.saw(Status.connected, 1), 'B connected');
    await phoneA.until((c) => c.saw(Status.connectKick, 12), 'A kicked');
    mock.clock.advance(2_000);
    await closedAfterKick(phoneA);
    expect(phoneB.statuses).toEqual([[Status.connected, 1]]);
  });

  it.each([
    ['POST /user/device_quit', () => post('/user/device_quit', { uid: 'alice', device_flag: 1 })],
    [
      'a ban',
      () =>
        fetch(`${http.url}/__mock/wukongim/users/alice`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'banned' }),
        }),
    ],
    ['the control API kick', async () => mock.wukongim.kick('alice', 1)],
    ['the control API close', () => fetch(`${http.url}/__mock/wukongim/connections/1/close`, { method: 'POST' })],
  ])('kicks with DISCONNECT 12 on %s, and closes 2 s later', async (_name, act) => {
    await start();
    const sdk = await online('alice', 't1');
    await act();
    await sdk.until((c) => c.saw(Status.connectKick, 12), 'ConnectKick 12');
    mock.clock.advance(2_000);
    await closedAfterKick(sdk);
    expect(mock.wukongim.connections({ state: 'online' })).toEqual([]);
  });

  it('keeps the simulated connect working beside real sockets', async () => {
    await start();
    const sdk = await online('alice', 't1');
    const simulated = mock.wukongim.connect({ uid: 'alice', token: 't1', device_flag: 1, device_id: 'sim' });
    expect(simulated.reason_code).toBe(1);
    await sdk.until((c) => c.saw(Status.connectKick, 12), 'the SDK kicked by the simulated master');
  });

  it('relays a person message: SENDACK 1 to the sender, RECV to every socket of the recipient, a log entry', async () => {
    await start();
    const alice = await online('alice', 'a1');
    const bob = await online('bob', 'b1', 0);
    alice.send('bob', 'hi bob');
    await alice.until((c) => c.acks.length === 1, 'SENDACK');
    expect(alice.acks[0]?.reasonCode).toBe(1);
    await bob.until((c) => c.received.length === 1, 'the message at bob');
    const received = bob.received[0];
    expect(received?.content.text).toBe('hi bob');
    expect(received?.fromUID).toBe('alice');
    expect(received?.channel).toMatchObject({ channelID: 'alice', channelType: 1 });
    alice.send('bob', 'second');
    await bob.until((c) => c.received.length === 2, 'the second message');
    expect(alice.acks[1]?.messageSeq).toBe(2);
    expect(BigInt(alice.acks[1]?.messageID.toString() ?? 0)).toBeGreaterThan(BigInt(alice.acks[0]?.messageID.toString() ?? 0));
    const log = (await (await fetch(`${http.url}/__mock/wukongim/messages?uid=bob`)).json()) as { items: { payload: string; delivered_to: number[] }[] };
    expect(log.items.map((m) => JSON.parse(m.payload).content)).toEqual(['hi bob', 'second']);
    expect(log.items[0]?.delivered_to).toEqual([2]);
  });

  it('answers GET /route and POST /route/batch with the IM port as ws_addr', async () => {
    await start();
    const route = await (await fetch(`${http.url}/route?uid=alice`)).json();
    expect(route).toEqual({ tcp_addr: '127.0.0.1:5100', ws_addr: im.url, wss_addr: '' });
    expect(await (await fetch(`${http.url}/route?intranet=1`)).json()).toEqual({ tcp_addr: '127.0.0.1:5100', ws_addr: '', wss_addr: '' });
    expect(await post('/route/batch', ['a', 'b'])).toEqual([{ uids: ['a', 'b'], tcp_addr: '127.0.0.1:5100', ws_addr: im.url, wss_addr: '' }]);
  });
});
