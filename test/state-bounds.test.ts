/**
 * State that stays bounded: past its bound each kind of state forgets its oldest, the mock says so once
 * per kind, used and expired link tokens are forgotten after the retention period, and
 * `GET /__mock/state` shows every count with its bound.
 */
import { createMock, isMockError, type Notice } from 'token-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';
import { type SmileServer, startSmile } from './support/smile.js';

let open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.map((server) => server.close()));
  open = [];
});

async function smileWith(options: Parameters<typeof startSmile>[0]): Promise<SmileServer> {
  const server = await startSmile(options);
  open.push(server);
  return server;
}

async function imWith(options: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(options);
  open.push(server);
  return server;
}

const kinds = (notices: Notice[]) => notices.map((notice) => notice.kind);
const setToken = (im: TestServer, uid: string) => im.post('/user/token', { uid, token: `t-${uid}`, device_flag: 1 });

describe('Smile users past their bound', () => {
  it('keeps the newest maxUsers, forgets the oldest first, and says so once', async () => {
    const notices: Notice[] = [];
    const smile = await smileWith({ smile: { users: 3, maxUsers: 5 }, onNotice: (notice) => notices.push(notice) });
    const seeded: string[] = (await smile.call('GET', '/v1/users?size=10')).body.data.items.map((user: { id: string }) => user.id).reverse();
    const created: string[] = [];
    for (let i = 0; i < 4; i++) created.push((await smile.call('POST', '/v1/users', { body: {} })).body.data.user.id);

    const listed = (await smile.call('GET', '/v1/users?size=10')).body.data.items.map((user: { id: string }) => user.id);
    expect(listed).toEqual([...created].reverse().concat(seeded[2] as string));
    expect((await smile.call('GET', `/v1/users/${seeded[0]}`)).status).toBe(404);
    expect((await smile.call('GET', `/v1/users/${seeded[1]}`)).status).toBe(404);
    expect((await smile.call('GET', `/v1/users/${seeded[2]}`)).status).toBe(200);
    expect((await smile.call('GET', '/__mock/state', { auth: null })).body.smile.users).toEqual({ count: 5, bound: 5, evicted: 2 });
    expect(kinds(notices)).toEqual(['smile-users']);
    expect(notices[0]?.message).toContain('--max-users');
  });

  it('has a default bound, and refuses one below the seeded count', () => {
    expect(createMock({ smile: { users: 3 } }).smile.counts().users).toEqual({ count: 3, bound: 25_000, evicted: 0 });
    expect(() => createMock({ smile: { users: 3, maxUsers: 2 } })).toThrow(/maxUsers \(2\) is below smile\.users \(3\)/);
  });
});

describe('Smile link tokens', () => {
  const issue = async (smile: SmileServer, userId: string) => (await smile.call('POST', `/v1/tokens?userId=${userId}`)).body.data.accessToken as string;
  const firstUser = async (smile: SmileServer) => (await smile.call('GET', '/v1/users?size=1')).body.data.items[0].id as string;
  const advance = (smile: SmileServer, by: string) => smile.call('POST', '/__mock/clock', { body: { advance: by }, auth: null });
  const tokenState = async (smile: SmileServer) => (await smile.call('GET', '/__mock/state', { auth: null })).body.smile.tokens;

  it('keeps the newest maxTokens; an evicted token gets 401 INVALID_TOKEN, and the mock says so once', async () => {
    const notices: Notice[] = [];
    const smile = await smileWith({ smile: { maxTokens: 3 }, onNotice: (notice) => notices.push(notice) });
    const userId = await firstUser(smile);
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) tokens.push(await issue(smile, userId));

    expect(await tokenState(smile)).toMatchObject({ count: 3, bound: 3, evicted: 2 });
    for (const evicted of tokens.slice(0, 2)) {
      const refused = await smile.consume(evicted);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'INVALID_TOKEN', data: {} });
      expect(refused.body.message).toContain('forgotten');
    }
    for (const kept of tokens.slice(2)) expect((await smile.consume(kept)).status).toBe(200);
    expect(kinds(notices)).toEqual(['smile-tokens']);
    expect(notices[0]?.message).toContain('--max-tokens');
  });

  it('forgets a used token an hour after its use, not before; it then gets 401 INVALID_TOKEN', async () => {
    const smile = await smileWith({});
    const userId = await firstUser(smile);
    const [early, used, late] = [await issue(smile, userId), await issue(smile, userId), await issue(smile, userId)];
    expect((await smile.consume(used)).status).toBe(200);
    await advance(smile, '59m59s');
    expect(await tokenState(smile)).toMatchObject({ count: 3, forgotten: 0, retentionMs: 3_600_000 });
    await advance(smile, '1s');
    expect(await tokenState(smile)).toMatchObject({ count: 2, forgotten: 1, evicted: 0 });

    const again = await smile.consume(used);
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: 'INVALID_TOKEN', data: {} });
    const rejection = await smile.mock.smile.consume(used).catch((error: unknown) => error);
    expect(isMockError(rejection) && rejection.kind).toBe('token-refused');
    // The tokens on either side of the forgotten one are still usable.
    expect((await smile.consume(early)).status).toBe(200);
    expect((await smile.consume(late)).status).toBe(200);
  });

  it('forgets an unused token the retention period after it expired', async () => {
    const smile = await smileWith({ smile: { tokenTtl: '90s', tokenRetention: '10m' } });
    const token = await issue(smile, await firstUser(smile));
    await advance(smile, '11m29s');
    expect(await tokenState(smile)).toMatchObject({ count: 1, forgotten: 0, retentionMs: 600_000 });
    await advance(smile, '1s');
    expect(await tokenState(smile)).toMatchObject({ count: 0, forgotten: 1 });
    const refused = await smile.consume(token);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('INVALID_TOKEN');
  });
});

describe('WuKongIM device slots and connections past their bounds', () => {
  const connect = async (im: TestServer, uid: string, device_id: string) =>
    (await im.post('/__mock/wukongim/connect', { uid, token: `t-${uid}`, device_flag: 1, device_id })).body;

  it('forgets the least recently updated slot first; its token then fails with AuthFail', async () => {
    const notices: Notice[] = [];
    const im = await imWith({ wukongim: { maxDeviceSlots: 3 }, onNotice: (notice) => notices.push(notice) });
    for (const uid of ['ana', 'bob', 'cid']) await setToken(im, uid);
    await setToken(im, 'ana');
    await setToken(im, 'dan');
    await setToken(im, 'eve');

    expect((await im.get('/__mock/wukongim/devices')).body.items.map((slot: { uid: string }) => slot.uid)).toEqual(['ana', 'dan', 'eve']);
    expect((await connect(im, 'bob', 'phone')).reason_code).toBe(2);
    expect((await connect(im, 'ana', 'phone')).reason_code).toBe(1);
    expect((await im.get('/__mock/state')).body.wukongim.slots).toEqual({ count: 3, bound: 3, evicted: 2 });
    expect(kinds(notices)).toEqual(['wukongim-device-slots']);
    expect(notices[0]?.message).toContain('--max-device-slots');
  });

  it('kicks the oldest online connection past the bound, with its user.onlinestatus entry', async () => {
    const notices: Notice[] = [];
    const im = await imWith({ wukongim: { maxOnlineConnections: 2 }, onNotice: (notice) => notices.push(notice) });
    const batches: string[][] = [];
    im.mock.webhooks.on('user.onlinestatus', (event) => batches.push(event.body as string[]));
    await setToken(im, 'ana');
    for (const device of ['d1', 'd2', 'd3', 'd4']) await connect(im, 'ana', device);

    const connections = (await im.get('/__mock/wukongim/connections?uid=ana')).body.items;
    expect(connections.map((c: { device_id: string; state: string; reason_code: number }) => [c.device_id, c.state, c.reason_code])).toEqual([
      ['d1', 'kicked', 12],
      ['d2', 'kicked', 12],
      ['d3', 'online', 1],
      ['d4', 'online', 1],
    ]);
    // Room is made first: the oldest goes offline, then the new one comes online, in one batch.
    expect(batches[2]).toEqual(['ana-1-0-1-1-1', 'ana-1-1-3-2-2']);
    expect((await im.get('/__mock/state')).body.wukongim.online).toEqual({ count: 2, bound: 2, evicted: 2 });
    expect(kinds(notices)).toEqual(['wukongim-online-connections']);
    expect(notices[0]?.message).toContain('--max-im-connections');
  });

  it('keeps only the newest maxEndedConnections ended connections', async () => {
    const notices: Notice[] = [];
    const im = await imWith({ wukongim: { maxEndedConnections: 2 }, onNotice: (notice) => notices.push(notice) });
    await setToken(im, 'ana');
    for (let i = 1; i <= 5; i++) await im.post(`/__mock/wukongim/connections/${(await connect(im, 'ana', `d${i}`)).connection_id}/close`, {});
    expect((await im.get('/__mock/wukongim/connections')).body.items.map((c: { connection_id: number }) => c.connection_id)).toEqual([4, 5]);
    expect((await im.get('/__mock/state')).body.wukongim.ended).toEqual({ count: 2, bound: 2, evicted: 3 });
    expect(kinds(notices)).toEqual(['wukongim-ended-connections']);
  });
});

describe('GET /__mock/state', () => {
  it('shows every count with its bound, and a reset clears the evictions and lets the notices come again', async () => {
    const notices: Notice[] = [];
    const im = await imWith({ wukongim: { maxDeviceSlots: 1 }, onNotice: (notice) => notices.push(notice) });
    const defaults = (await im.get('/__mock/state')).body;
    expect(defaults.smile).toEqual({
      users: { count: 25, bound: 25_000, evicted: 0 },
      tokens: { count: 0, bound: 250_000, evicted: 0, forgotten: 0, retentionMs: 3_600_000 },
      webhooks: { count: 0, bound: 1000 },
    });
    expect(defaults.wukongim).toEqual({
      slots: { count: 0, bound: 1, evicted: 0 },
      online: { count: 0, bound: 100_000, evicted: 0 },
      ended: { count: 0, bound: 10_000, evicted: 0 },
      userStates: { count: 0, bound: 100_000 },
    });
    await setToken(im, 'ana');
    await setToken(im, 'bob');
    await setToken(im, 'cid');
    expect((await im.get('/__mock/state')).body.wukongim.slots).toEqual({ count: 1, bound: 1, evicted: 2 });
    await im.post('/__mock/reset', {});
    expect((await im.get('/__mock/state')).body.wukongim.slots).toEqual({ count: 0, bound: 1, evicted: 0 });
    await setToken(im, 'ana');
    await setToken(im, 'bob');
    expect(kinds(notices)).toEqual(['wukongim-device-slots', 'wukongim-device-slots']);
  });
});
