/** Violations: named in the API's own error, listed in a header, and kept by GET /__mock/violations. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';
import { SANDBOX, type SmileServer, startSmile } from './support/smile.js';

let im: TestServer;
let lenient: TestServer;
let smile: SmileServer;
beforeAll(async () => {
  im = await startServer();
  lenient = await startServer({ wukongim: { profile: 'server-v2' } });
  smile = await startSmile();
});
afterAll(async () => {
  await Promise.all([im.close(), lenient.close(), smile.close()]);
});
beforeEach(async () => {
  await Promise.all([im.post('/__mock/reset', {}), lenient.post('/__mock/reset', {}), smile.call('POST', '/__mock/reset', { auth: null })]);
});

const listed = (headers: Headers) => JSON.parse(headers.get('x-token-mock-violations') ?? 'null');

describe('violations', () => {
  it('a refused WuKongIM body names the field in the header, in machine-readable form', async () => {
    const refused = await im.post('/user/token', { uid: 'a', token: 't', device_flag: 'web' });
    expect(refused.status).toBe(400);
    expect(refused.body.msg).toContain('UpdateTokenReq.device_flag');
    expect(listed(refused.headers)).toEqual([{ in: 'body', path: '/device_flag', keyword: 'type', message: 'must be integer' }]);
    const kept = (await im.get('/__mock/violations')).body.items;
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ operationId: 'updateToken', status: 400, violations: listed(refused.headers) });
  });

  it('a violation the v2 server tolerates is still listed, on its 200', async () => {
    const tolerated = await lenient.post('/user/token', { uid: 'a', token: 't' });
    expect(tolerated.status).toBe(200);
    expect(listed(tolerated.headers)).toEqual([{ in: 'body', path: '/device_flag', keyword: 'required', message: 'is required' }]);
  });

  it('lists query violations and malformed JSON for Smile, and nothing for a good request', async () => {
    const small = await smile.call('GET', '/v1/users?size=0');
    expect(small.body.code).toBe('INVALID_PARAMETERS');
    expect(listed(small.headers)).toEqual([{ in: 'query', path: '/size', keyword: 'minimum', message: 'must be >= 1' }]);
    const malformed = await smile.call('POST', '/v1/users', { body: '{"externalMetadata":' });
    expect(listed(malformed.headers)).toEqual([{ in: 'body', path: '', keyword: 'json', message: expect.stringMatching(/^is not JSON: /) }]);
    const good = await smile.call('GET', '/v1/users?size=1');
    expect(good.headers.get('x-token-mock-violations')).toBeNull();
    const kept = (await smile.call('GET', '/__mock/violations?api=smile&limit=1', { auth: null })).body.items;
    expect(kept).toHaveLength(1);
    expect(kept[0].request.body).toBe('{"externalMetadata":');
  });

  it('keeps the header ASCII whatever the message', async () => {
    const refused = await im.post('/user/token', { uid: 'a@b', token: 't', device_flag: 1 });
    expect(refused.body.msg).toBe('uid不能包含特殊字符！');
    const header = refused.headers.get('x-token-mock-violations') ?? '';
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(header)[0]).toMatchObject({ in: 'body', path: '/uid', keyword: 'pattern' });
  });

  it('caps the header at 4 KiB: a 200 KB key is cut in its violation, and the answer still reaches the client', async () => {
    const key = 'k'.repeat(200_000);
    const refused = await smile.call('POST', '/v1/users', { body: { externalMetadata: { [key]: 'v' } } });
    expect(refused.status).toBe(400);
    const header = refused.headers.get('x-token-mock-violations') ?? '';
    expect(header.length).toBeLessThanOrEqual(4096);
    const [only, ...rest] = JSON.parse(header);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ in: 'body', path: '/externalMetadata', keyword: 'maxLength' });
    expect(only.message).toMatch(/^key "k+…$/);
    // The journal keeps more of it than the header: 512 characters of the message, not 256.
    const [kept] = (await smile.call('GET', '/__mock/violations?limit=1', { auth: null })).body.items;
    expect(kept.violations[0].message).toHaveLength(513);
    expect(only.message).toHaveLength(257);
  });

  it('ends a list too long for the header with a marker that counts the violations left out', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`${'x'.repeat(60)}${i}`, 'v']));
    const refused = await smile.call('POST', '/v1/users', { body: { externalMetadata: metadata } });
    const header = refused.headers.get('x-token-mock-violations') ?? '';
    expect(header.length).toBeLessThanOrEqual(4096);
    const listed = JSON.parse(header) as { in: string; path: string; keyword: string; message: string }[];
    const marker = listed.at(-1);
    expect(marker).toMatchObject({ in: 'body', path: '', keyword: 'truncated' });
    const left = Number(/^(\d+) more violations left out$/.exec(marker?.message ?? '')?.[1]);
    // Each of the 300 keys is too long, and there are too many of them: 301 in all, listed or counted.
    expect(listed.length - 1 + left).toBe(301);
    expect(listed.slice(0, -1).every((violation) => violation.keyword !== 'truncated')).toBe(true);
  });

  it('ordinary traffic cannot push violations out of their list', async () => {
    // A journal of 5: the good requests push the refused one out of it, but not out of the violations.
    const small = await startSmile({ journalSize: 5 });
    try {
      const refused = await small.call('GET', '/v1/users?size=500');
      expect(refused.status).toBe(400);
      for (let i = 0; i < 30; i++) expect((await small.call('GET', '/v1/users?size=1', { auth: SANDBOX })).status).toBe(200);
      const journal = (await small.call('GET', '/__mock/journal', { auth: null })).body.items;
      expect(journal).toHaveLength(5);
      expect(journal.some((entry: { violations: unknown[] }) => entry.violations.length > 0)).toBe(false);
      const kept = (await small.call('GET', '/__mock/violations', { auth: null })).body.items;
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ path: '/v1/users?size=500', status: 400, violations: [{ in: 'query', path: '/size', keyword: 'maximum' }] });
    } finally {
      await small.close();
    }
  });
});
