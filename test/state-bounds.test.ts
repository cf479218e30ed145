/**
 * State that stays bounded: past its bound each kind of state forgets its oldest, the mock says so once
 * per kind, used and expired link tokens are forgotten after the retention period, and
 * `GET /__mock/state` shows every count with its bound.
 */
import { createMock, isMockError, type Notice } from 'token-mock';
import { afterEach, describe, expect, it } from 'vitest';
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

const kinds = (notices: Notice[]) => notices.map((notice) => notice.kind);

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
    expect(createMock({ smile: { users: 3 } }).smile.counts().users).toEqual({ count: 3, bound: 50_000, evicted: 0 });
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
