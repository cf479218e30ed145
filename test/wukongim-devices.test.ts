import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let im: TestServer;
beforeAll(async () => {
  im = await startServer();
});
afterAll(() => im.close());
beforeEach(() => im.post('/__mock/reset', {}));

const setToken = (uid: string, token: string, device_flag: number, device_level?: number) =>
  im.post('/user/token', device_level === undefined ? { uid, token, device_flag } : { uid, token, device_flag, device_level });
const connect = async (uid: string, token: string, device_flag: number, device_id: string, device_level?: number) =>
  (await im.post('/__mock/wukongim/connect', { uid, token, device_flag, device_id, ...(device_level === undefined ? {} : { device_level }) })).body;
const connections = async (uid: string) => (await im.get(`/__mock/wukongim/connections?uid=${uid}`)).body.items;
const stateOf = async (uid: string) =>
  Object.fromEntries((await connections(uid)).map((c: { device_id: string; state: string; reason_code: number }) => [c.device_id, [c.state, c.reason_code]]));

describe('device slots and the simulated IM client', () => {
  it('connects with the token of the slot, and refuses a wrong token or an unknown slot with AuthFail', async () => {
    await setToken('alice', 'tk1', 1);
    expect(await connect('alice', 'tk1', 1, 'browser-a')).toEqual({ reason_code: 1, connection_id: 1 });
    expect(await connect('alice', 'wrong', 1, 'browser-b')).toEqual({ reason_code: 2, connection_id: 2 });
    expect(await connect('alice', 'tk1', 0, 'phone')).toEqual({ reason_code: 2, connection_id: 3 });
    expect(await connect('nobody', 'tk1', 1, 'x')).toMatchObject({ reason_code: 2 });
    expect(await stateOf('alice')).toEqual({ 'browser-a': ['online', 1], 'browser-b': ['closed', 2], phone: ['closed', 2] });
  });

  it('overwrites the token of a slot: the old token no longer connects', async () => {
    await setToken('alice', 'old', 1);
    await setToken('alice', 'new', 1);
    expect((await connect('alice', 'old', 1, 'a')).reason_code).toBe(2);
    expect((await connect('alice', 'new', 1, 'a')).reason_code).toBe(1);
    expect(im.mock.wukongim.devices({ uid: 'alice' })).toMatchObject([{ device_flag: 1, token: 'new', device_level: 0 }]);
  });

  it('kicks the older master session of the same uid and device_flag when a master token is set', async () => {
    await setToken('alice', 'tk1', 1, 1);
    await connect('alice', 'tk1', 1, 'browser-a');
    await setToken('alice', 'app', 0, 1);
    await connect('alice', 'app', 0, 'phone');
    await setToken('alice', 'tk2', 1, 1);
    expect(await stateOf('alice')).toEqual({ 'browser-a': ['kicked', 12], phone: ['online', 1] });
    expect((await connect('alice', 'tk2', 1, 'browser-b')).reason_code).toBe(1);
  });

  it('touches no connection when a slave token is set: slaves coexist', async () => {
    await setToken('bob', 'tk', 1, 0);
    await connect('bob', 'tk', 1, 'tab-1');
    await connect('bob', 'tk', 1, 'tab-2');
    await setToken('bob', 'tk', 1, 0);
    expect(await stateOf('bob')).toEqual({ 'tab-1': ['online', 1], 'tab-2': ['online', 1] });
  });

  it('has a connecting master close older connections of the slot that have another device_id', async () => {
    await setToken('carol', 'tk', 2, 1);
    await connect('carol', 'tk', 2, 'desktop-a');
    await connect('carol', 'tk', 2, 'desktop-b');
    expect(await stateOf('carol')).toEqual({ 'desktop-a': ['kicked', 12], 'desktop-b': ['online', 1] });
  });

  it('has a connecting slave close only an older connection with the same device_id', async () => {
    await setToken('dave', 'tk', 1, 0);
    await connect('dave', 'tk', 1, 'tab');
    await connect('dave', 'tk', 1, 'other');
    await connect('dave', 'tk', 1, 'tab');
    const list = await connections('dave');
    expect(list.map((c: { device_id: string; state: string }) => [c.device_id, c.state])).toEqual([
      ['tab', 'closed'],
      ['other', 'online'],
      ['tab', 'online'],
    ]);
  });

  it('lets a slave connect override the stored level with device_level', async () => {
    await setToken('erin', 'tk', 1, 0);
    await connect('erin', 'tk', 1, 'a');
    await connect('erin', 'tk', 1, 'b', 1);
    expect(await stateOf('erin')).toEqual({ a: ['kicked', 12], b: ['online', 1] });
  });

  it('closes a connection on the client side', async () => {
    await setToken('fay', 'tk', 1);
    const { connection_id } = await connect('fay', 'tk', 1, 'a');
    const closed = await im.post(`/__mock/wukongim/connections/${connection_id}/close`, {});
    expect(closed.body).toMatchObject({ state: 'closed', reason_code: 1, closed_at: '2026-01-01T00:00:00.000Z' });
    const missing = await im.post('/__mock/wukongim/connections/999/close', {});
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  });
});

describe('POST /user/device_quit', () => {
  it('clears the token of one slot and kicks its connections, leaving other slots alone', async () => {
    await setToken('alice', 'web', 1);
    await setToken('alice', 'app', 0);
    await connect('alice', 'web', 1, 'browser');
    await connect('alice', 'app', 0, 'phone');
    expect((await im.post('/user/device_quit', { uid: 'alice', device_flag: 1 })).body).toEqual({ status: 'ok' });
    expect(await stateOf('alice')).toEqual({ browser: ['kicked', 12], phone: ['online', 1] });
    expect((await connect('alice', 'web', 1, 'browser')).reason_code).toBe(2);
    expect(im.mock.wukongim.devices({ uid: 'alice' }).map((d) => [d.device_flag, d.token])).toEqual([
      [0, 'app'],
      [1, ''],
    ]);
  });

  it('quits app, web and PC at once with device_flag -1, and no other slot', async () => {
    for (const flag of [0, 1, 2, 3]) {
      await setToken('bob', `t${flag}`, flag);
      await connect('bob', `t${flag}`, flag, `d${flag}`);
    }
    await im.post('/user/device_quit', { uid: 'bob', device_flag: -1 });
    expect(await stateOf('bob')).toEqual({ d0: ['kicked', 12], d1: ['kicked', 12], d2: ['kicked', 12], d3: ['online', 1] });
  });

  it('quits the app slot when device_flag is omitted, and succeeds for an unknown uid', async () => {
    await setToken('carol', 'tk', 0);
    await connect('carol', 'tk', 0, 'phone');
    await im.post('/user/device_quit', { uid: 'carol' });
    expect(await stateOf('carol')).toEqual({ phone: ['kicked', 12] });
    expect((await im.post('/user/device_quit', { uid: 'ghost', device_flag: -1 })).body).toEqual({ status: 'ok' });
  });
});

describe('POST /user/onlinestatus', () => {
  it('lists one entry per online connection and leaves offline uids out', async () => {
    await setToken('alice', 'tk', 1);
    await setToken('alice', 'app', 0);
    await connect('alice', 'tk', 1, 'tab-1');
    await connect('alice', 'tk', 1, 'tab-2');
    await connect('alice', 'app', 0, 'phone');
    await setToken('bob', 'tk', 1);
    const answer = await im.post('/user/onlinestatus', ['alice', 'bob', 'nobody']);
    expect(answer.body).toEqual([
      { uid: 'alice', device_flag: 1, online: 1 },
      { uid: 'alice', device_flag: 1, online: 1 },
      { uid: 'alice', device_flag: 0, online: 1 },
    ]);
    expect((await im.post('/user/onlinestatus', [])).body).toEqual([]);
  });
});

describe('banned and disbanded users', () => {
  it('answers 200 {status:19} to a banned user and refuses its connects with reason 19', async () => {
    await setToken('mallory', 'tk', 1);
    const put = await fetch(`${im.url}/__mock/wukongim/users/mallory`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"status":"banned"}',
    });
    expect(await put.json()).toEqual({ status: 'banned' });
    expect((await setToken('mallory', 'tk2', 1)).body).toEqual({ status: 19 });
    expect((await connect('mallory', 'tk', 1, 'a')).reason_code).toBe(19);
    im.mock.wukongim.setUserStatus('mallory', 'disbanded');
    expect((await setToken('mallory', 'tk2', 1)).body).toEqual({ status: 24 });
    expect((await connect('mallory', 'tk', 1, 'a')).reason_code).toBe(24);
    im.mock.wukongim.setUserStatus('mallory', 'active');
    expect((await connect('mallory', 'tk', 1, 'a')).reason_code).toBe(1);
  });
});

describe('token lifetime', () => {
  it('has no expiry by default', async () => {
    await setToken('alice', 'tk', 1);
    im.mock.clock.advance(365 * 86_400_000);
    expect((await connect('alice', 'tk', 1, 'a')).reason_code).toBe(1);
  });

  it('refuses a connect with AuthFail once the configured lifetime has passed on the mock clock', async () => {
    const ttl = await startServer({ wukongim: { tokenTtl: '15m' } });
    try {
      await ttl.post('/user/token', { uid: 'alice', token: 'tk', device_flag: 1 });
      expect(ttl.mock.wukongim.devices()).toMatchObject([{ expires_at: '2026-01-01T00:15:00.000Z' }]);
      await ttl.post('/__mock/clock', { advance: '14m59s' });
      expect((await ttl.post('/__mock/wukongim/connect', { uid: 'alice', token: 'tk', device_flag: 1, device_id: 'a' })).body.reason_code).toBe(1);
      await ttl.post('/__mock/clock', { advance: 1000 });
      expect((await ttl.post('/__mock/wukongim/connect', { uid: 'alice', token: 'tk', device_flag: 1, device_id: 'b' })).body.reason_code).toBe(2);
    } finally {
      await ttl.close();
    }
  });
});
