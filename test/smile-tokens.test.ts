import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PRODUCTION, type SmileServer, startSmile } from './support/smile.js';

let smile: SmileServer;
let userId: string;
beforeAll(async () => {
  smile = await startSmile();
});
afterAll(() => smile.close());
beforeEach(async () => {
  await smile.call('POST', '/__mock/reset', { auth: null });
  userId = (await smile.call('GET', '/v1/users?size=1')).body.data.items[0].id;
});

const refresh = (id = userId, auth?: string) => smile.call('POST', `/v1/tokens?userId=${encodeURIComponent(id)}`, auth ? { auth } : {});
const claims = (jwt: string) => JSON.parse(atob(jwt.split('.')[1] as string));

describe('POST /tokens', () => {
  it('answers 201 with a signed JWT for the user, expiring 5 hours later on the mock clock', async () => {
    const answer = await refresh();
    expect(answer.status).toBe(201);
    const token = answer.body.data;
    expect(token).toMatchObject({ id: expect.stringMatching(/^tk-[0-9a-f]{32}$/), expiresAt: '2026-01-01T05:00:00Z', mode: 'SANDBOX' });
    expect(token.accessToken.split('.')).toHaveLength(3);
    expect(claims(token.accessToken)).toEqual({ mode: 'SANDBOX', iss: 'token-mock', sub: userId, jti: token.id, iat: 1767225600, exp: 1767243600 });
  });

  it('gives the mode of the credentials that asked', async () => {
    expect((await refresh(userId, PRODUCTION)).body.data.mode).toBe('PRODUCTION');
  });

  it('takes the lifetime from the configuration', async () => {
    const short = await startSmile({ smile: { tokenTtl: '90s' } });
    try {
      const id = (await short.call('GET', '/v1/users?size=1')).body.data.items[0].id;
      expect((await short.call('POST', `/v1/tokens?userId=${id}`)).body.data.expiresAt).toBe('2026-01-01T00:01:30Z');
    } finally {
      await short.close();
    }
  });

  it.each([
    ['', 'query/userId is required'],
    ['?userId=', 'query/userId must NOT have fewer than 1 characters'],
    [`?userId=${'x'.repeat(201)}`, 'query/userId must NOT have more than 200 characters'],
  ])('refuses POST /tokens%s with 400 INVALID_PARAMETERS', async (query, message) => {
    const answer = await smile.call('POST', `/v1/tokens${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'INVALID_PARAMETERS', message, data: {} });
  });

  it('answers 404 MISSING_RESOURCE for an unknown user', async () => {
    const answer = await refresh('tenant-ffffffffffffffffffffffffffffffff');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('MISSING_RESOURCE');
  });
});

describe('one-time use and expiry', () => {
  it('accepts a token once, then answers 401 INVALID_TOKEN', async () => {
    const { accessToken } = (await refresh()).body.data;
    const first = await smile.consume(accessToken);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ userId, mode: 'SANDBOX' });
    const again = await smile.consume(accessToken);
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: 'INVALID_TOKEN', data: {} });
    expect(again.body.message).toContain('it was already used');
  });

  it('refuses a token once the clock passes expiresAt, and accepts it a second before', async () => {
    const [early, late] = [(await refresh()).body.data, (await refresh()).body.data];
    await smile.call('POST', '/__mock/clock', { body: { advance: '4h59m59s' }, auth: null });
    expect((await smile.consume(early.accessToken)).status).toBe(200);
    await smile.call('POST', '/__mock/clock', { body: { advance: '1s' }, auth: null });
    const expired = await smile.consume(late.accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toContain('it expired');
  });

  it('refuses forged and unknown tokens', async () => {
    const { accessToken } = (await refresh()).body.data;
    const [header] = accessToken.split('.');
    const tampered = `${header}.${btoa(JSON.stringify({ ...claims(accessToken), sub: 'someone-else' })).replace(/=+$/, '')}.${accessToken.split('.')[2]}`;
    expect((await smile.consume(tampered)).body.message).toContain('its signature does not verify');
    expect((await smile.consume('not-a-jwt')).status).toBe(401);
    const stranger = await startSmile({ seed: 99 });
    try {
      const strangerUser = (await stranger.call('GET', '/v1/users?size=1')).body.data.items[0].id;
      const foreign = (await stranger.call('POST', `/v1/tokens?userId=${strangerUser}`)).body.data.accessToken;
      expect((await smile.consume(foreign)).body.message).toContain('its signature does not verify');
    } finally {
      await stranger.close();
    }
    await smile.call('POST', '/__mock/reset', { auth: null });
    expect((await smile.consume(accessToken)).body.message).toContain('this mock never issued it');
  });

  it('keeps older tokens valid after a refresh by default, and revokes them when configured', async () => {
    const older = (await refresh()).body.data.accessToken;
    await refresh();
    expect((await smile.consume(older)).status).toBe(200);
    const revoking = await startSmile({ smile: { revokeOnRefresh: true } });
    try {
      const id = (await revoking.call('GET', '/v1/users?size=1')).body.data.items[0].id;
      const first = (await revoking.call('POST', `/v1/tokens?userId=${id}`)).body.data.accessToken;
      const second = (await revoking.call('POST', `/v1/tokens?userId=${id}`)).body.data.accessToken;
      expect((await revoking.consume(first)).body.message).toContain('a newer token revoked it');
      expect((await revoking.consume(second)).status).toBe(200);
    } finally {
      await revoking.close();
    }
  });

  it('refuses a consume call without an accessToken as a problem', async () => {
    const answer = await smile.call('POST', '/__mock/smile/tokens/consume', { body: {}, auth: null });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toBe('body/accessToken is required');
  });
});
