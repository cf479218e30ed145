import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PRODUCTION, type SmileServer, startSmile } from './support/smile.js';

let smile: SmileServer;
beforeAll(async () => {
  smile = await startSmile();
});
afterAll(() => smile.close());
beforeEach(() => smile.call('POST', '/__mock/reset', { auth: null }));

const envelope = { code: 'OK', message: 'Success', requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) };

describe('seeded users', () => {
  it('has 25 realistic users created before the clock start, newest first, with sessions in every status', async () => {
    const page = await smile.call('GET', '/v1/users?size=150');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject(envelope);
    const users = page.body.data.items;
    expect(users).toHaveLength(25);
    expect(page.body.data.nextCursor).toBeUndefined();
    for (const user of users) {
      expect(user.id).toMatch(/^tenant-[0-9a-f]{32}$/);
      expect(user.providers).toEqual([]);
      expect(Date.parse(user.createdAt)).toBeLessThan(Date.parse('2026-01-01T00:00:00Z'));
      expect(user.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const times = users.map((u: { createdAt: string }) => Date.parse(u.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(users.map((u: { session?: { status: string } }) => u.session?.status))).toEqual(new Set(['IN_PROGRESS', 'COMPLETED', 'REVOKED', undefined]));
    expect(users.some((u: { externalMetadata: object }) => Object.keys(u.externalMetadata).length === 0)).toBe(true);
  });

  it('pages with an opaque cursor that keeps the first page filters, and never repeats or skips a user', async () => {
    const all = (await smile.call('GET', '/v1/users?size=150')).body.data.items.map((u: { id: string }) => u.id);
    const seen: string[] = [];
    let path = '/v1/users?size=7';
    for (;;) {
      const page = await smile.call('GET', path);
      seen.push(...page.body.data.items.map((u: { id: string }) => u.id));
      if (!page.body.data.nextCursor) break;
      path = `/v1/users?size=7&cursor=${page.body.data.nextCursor}`;
    }
    expect(seen).toEqual(all);
  });

  it('filters by startDate and endDate, inclusive, in UTC days', async () => {
    const all = (await smile.call('GET', '/v1/users?size=150')).body.data.items;
    const day = (u: { createdAt: string }) => u.createdAt.slice(0, 10);
    const [from, to] = [day(all[15]), day(all[5])];
    const filtered = (await smile.call('GET', `/v1/users?size=150&startDate=${from}&endDate=${to}`)).body.data.items;
    expect(filtered).toEqual(all.filter((u: { createdAt: string }) => day(u) >= from && day(u) <= to));
    const first = await smile.call('GET', `/v1/users?size=2&startDate=${from}&endDate=${to}`);
    const second = await smile.call('GET', `/v1/users?size=150&cursor=${first.body.data.nextCursor}`);
    expect([...first.body.data.items, ...second.body.data.items]).toEqual(filtered);
  });

  it.each([
    ['size=0', 'query/size must be >= 1'],
    ['size=151', 'query/size must be <= 150'],
    ['size=ten', 'query/size must be integer'],
    ['startDate=2026-13-01', 'query/startDate must match format "date"'],
    ['startDate=2026-02-01&endDate=2026-01-01', 'query/startDate must not be after endDate'],
    ['cursor=bm90LWEtY3Vyc29y', 'query/cursor is not a cursor this API issued'],
  ])('refuses %s with 400 INVALID_PARAMETERS naming the parameter', async (query, message) => {
    const answer = await smile.call('GET', `/v1/users?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'INVALID_PARAMETERS', message, data: {} });
  });
});

describe('POST /users', () => {
  it('answers 201 with the user and its first token, in the mode of the credentials', async () => {
    const created = await smile.call('POST', '/v1/users', { body: { externalMetadata: { crmId: '42' } } });
    expect(created.status).toBe(201);
    const { user, token } = created.body.data;
    expect(user).toEqual({
      id: expect.stringMatching(/^tenant-[0-9a-f]{32}$/),
      externalMetadata: { crmId: '42' },
      createdAt: '2026-01-01T00:00:00Z',
      providers: [],
    });
    expect(token).toMatchObject({ id: expect.stringMatching(/^tk-[0-9a-f]{32}$/), mode: 'SANDBOX', expiresAt: '2026-01-01T05:00:00Z' });
    expect((await smile.call('GET', `/v1/users/${user.id}`)).body.data).toEqual(user);
    expect(smile.mock.smile.user(user.id)).toEqual(user);
    expect(smile.mock.smile.userCount).toBe(26);
    expect((await smile.call('GET', '/v1/users?size=1')).body.data.items[0]).toEqual(user);
    const live = await smile.call('POST', '/v1/users', { auth: PRODUCTION });
    expect(live.body.data.token.mode).toBe('PRODUCTION');
    expect(live.body.data.user.externalMetadata).toEqual({});
  });

  it.each([
    [
      'six metadata pairs',
      { externalMetadata: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } },
      'body/externalMetadata must NOT have more than 5 properties',
    ],
    ['a non-ASCII value', { externalMetadata: { name: 'Zoë' } }, 'body/externalMetadata/name must match pattern'],
    ['a non-ASCII key', { externalMetadata: { näme: 'x' } }, 'body/externalMetadata key "näme" must match pattern'],
    ['a key over 50 characters', { externalMetadata: { ['k'.repeat(51)]: 'x' } }, 'must NOT have more than 50 characters'],
    ['a value over 500 characters', { externalMetadata: { k: 'v'.repeat(501) } }, 'body/externalMetadata/k must NOT have more than 500 characters'],
    ['a nested value', { externalMetadata: { k: { deep: 1 } } }, 'body/externalMetadata/k must be string'],
    ['a __proto__ key', '{"externalMetadata":{"__proto__":"x"}}', 'body/externalMetadata key "__proto__" is not allowed'],
    ['a constructor key', { externalMetadata: { constructor: 'x' } }, 'body/externalMetadata key "constructor" is not allowed'],
    ['malformed JSON', '{"externalMetadata":', 'The body is not valid JSON'],
  ])('refuses %s with 400 INVALID_PARAMETERS and a precise message', async (_name, body, message) => {
    const answer = await smile.call('POST', '/v1/users', { body });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'INVALID_PARAMETERS', data: {} });
    expect(answer.body.message).toContain(message);
  });

  it('shows a new user first on the next page read, however often that page was read before', async () => {
    const first = (await smile.call('GET', '/v1/users?size=3')).body;
    expect((await smile.call('GET', '/v1/users?size=3')).body.data).toEqual(first.data);
    const created = (await smile.call('POST', '/v1/users')).body.data.user;
    const again = (await smile.call('GET', '/v1/users?size=3')).body.data.items;
    expect(again[0]).toEqual(created);
    expect(again.slice(1)).toEqual(first.data.items.slice(0, 2));
  });

  it('refuses a body over the size cap with 413 in the envelope', async () => {
    const small = await startSmile({ maxBodyBytes: 256 });
    try {
      const answer = await small.call('POST', '/v1/users', { body: { externalMetadata: { k: 'v'.repeat(400) } } });
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ code: 'INVALID_PARAMETERS', message: 'The body exceeds the 256-byte limit', data: {} });
    } finally {
      await small.close();
    }
  });

  it('keeps the control API to its own cap, so a small --max-body still lets a link token be consumed', async () => {
    const small = await startSmile({ maxBodyBytes: 200, adminMaxBodyBytes: 1000 });
    try {
      const { accessToken } = (await small.call('POST', '/v1/users')).body.data.token;
      expect(JSON.stringify({ accessToken }).length).toBeGreaterThan(200);
      const consumed = await small.consume(accessToken);
      expect(consumed.status).toBe(200);
      expect(consumed.body.mode).toBe('SANDBOX');
      const tooLarge = await small.call('POST', '/__mock/smile/tokens/consume', { body: { accessToken: 'x'.repeat(1000) }, auth: null });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body).toMatchObject({ title: 'Payload too large', detail: 'the body exceeds the 1000-byte limit' });
      const smileTooLarge = await small.call('POST', '/v1/users', { body: { externalMetadata: { k: 'v'.repeat(200) } } });
      expect(smileTooLarge.body.message).toBe('The body exceeds the 200-byte limit');
    } finally {
      await small.close();
    }
  });

  it('refuses a body that is not JSON with 415 UNSUPPORTED_TYPE', async () => {
    const answer = await smile.call('POST', '/v1/users', { body: 'crmId=42', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ code: 'UNSUPPORTED_TYPE', message: 'Send application/json, not application/x-www-form-urlencoded' });
  });
});

describe('GET /users/{id} and resetSession', () => {
  it('answers 404 MISSING_RESOURCE for an unknown user', async () => {
    const answer = await smile.call('GET', '/v1/users/tenant-00000000000000000000000000000000');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'MISSING_RESOURCE', message: 'User tenant-00000000000000000000000000000000 does not exist', data: {} });
    expect((await smile.call('POST', '/v1/users/nobody/resetSession')).status).toBe(404);
  });

  it('puts the session back to IN_PROGRESS on the Default channel', async () => {
    const users = (await smile.call('GET', '/v1/users?size=150')).body.data.items;
    const done = users.find((u: { session?: { status: string } }) => u.session?.status === 'COMPLETED');
    const reset = await smile.call('POST', `/v1/users/${done.id}/resetSession`);
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ ...envelope, requestId: expect.any(String) });
    expect((await smile.call('GET', `/v1/users/${done.id}`)).body.data.session).toEqual({ userId: done.id, channel: 'Default', status: 'IN_PROGRESS' });
    const listed = (await smile.call('GET', '/v1/users?size=150')).body.data.items.find((u: { id: string }) => u.id === done.id);
    expect(listed.session.status).toBe('IN_PROGRESS');
  });
});

describe('GET /users/{id}/payload', () => {
  it('answers what the session holds, and follows a reset', async () => {
    const users = (await smile.call('GET', '/v1/users?size=150')).body.data.items;
    const site = users.find((u: { session?: { channel: string; status: string } }) => u.session?.channel === 'WinkSite' && u.session.status === 'COMPLETED');
    const payload = await smile.call('GET', `/v1/users/${site.id}/payload`);
    expect(payload.status).toBe(200);
    expect(payload.body).toEqual({ ...envelope, requestId: expect.any(String), data: { metadata: site.session, forms: [], accounts: [], archives: [] } });
    await smile.call('POST', `/v1/users/${site.id}/resetSession`);
    const reset = (await smile.call('GET', `/v1/users/${site.id}/payload`)).body.data;
    expect(reset.metadata).toEqual({ userId: site.id, channel: 'Default', status: 'IN_PROGRESS' });
  });

  it('has no metadata for a user without a session, and 404 for an unknown user', async () => {
    const created = (await smile.call('POST', '/v1/users')).body.data.user;
    expect(created.session).toBeUndefined();
    expect((await smile.call('GET', `/v1/users/${created.id}/payload`)).body.data).toEqual({ forms: [], accounts: [], archives: [] });
    const unknown = await smile.call('GET', '/v1/users/tenant-00000000000000000000000000000000/payload');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'MISSING_RESOURCE', data: {} });
  });
});

describe('auth, routing and limits', () => {
  it('answers 401 INVALID_CREDENTIALS to missing or wrong credentials on every endpoint', async () => {
    for (const auth of [null, `Basic ${btoa('test_key:wrong')}`, 'Bearer abc', 'Basic !!!']) {
      for (const [method, path] of [
        ['GET', '/v1/users'],
        ['POST', '/v1/tokens?userId=x'],
        ['GET', '/v1/webhooks'],
        ['DELETE', '/v1/webhooks/x'],
      ]) {
        const answer = await smile.call(method as string, path as string, { auth });
        expect(answer.status).toBe(401);
        expect(answer.body.code).toBe('INVALID_CREDENTIALS');
      }
    }
  });

  it('answers an unknown path with 404 and an unsupported method with 501 UNSUPPORTED_METHOD, in the envelope', async () => {
    const missing = await smile.call('GET', '/v1/accounts');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'MISSING_RESOURCE', message: 'GET /v1/accounts does not exist' });
    const method = await smile.call('PUT', '/v1/users');
    expect(method.status).toBe(501);
    expect(method.headers.get('allow')).toBe('GET, POST');
    expect(method.body.code).toBe('UNSUPPORTED_METHOD');
  });

  it('limits requests per client address per second when asked, with 429 REQUEST_LIMIT_EXCEEDED', async () => {
    const limited = await startSmile({ smile: { rateLimit: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.call('GET', '/v1/users?size=1')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const refused = await limited.call('GET', '/v1/users');
      expect(refused.body).toMatchObject({
        code: 'REQUEST_LIMIT_EXCEEDED',
        message: 'Too many requests: the limit is 3 per second per client address; retry after 1 s',
      });
      expect(refused.headers.get('retry-after')).toBe('1');
      limited.mock.clock.advance(1000);
      expect((await limited.call('GET', '/v1/users?size=1')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('lets a client on a frozen clock go on after a second of real time', async () => {
    const limited = await startSmile({ smile: { rateLimit: 1 } });
    try {
      expect((await limited.call('GET', '/v1/users?size=1')).status).toBe(200);
      expect((await limited.call('GET', '/v1/users?size=1')).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect((await limited.call('GET', '/v1/users?size=1')).status).toBe(200);
      expect(limited.mock.clock.frozen).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
