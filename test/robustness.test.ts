import { createMock } from 'token-mock';
import { serve } from 'token-mock/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SANDBOX = `Basic ${btoa('test_key:test_secret')}`;
const mock = createMock({ strict: true, startTime: '2026-01-01T00:00:00Z' });
let wukongim: string;
let smile: string;
let close: () => Promise<unknown>;

beforeAll(async () => {
  const [a, b] = [await serve(mock, { api: 'wukongim' }), await serve(mock, { api: 'smile' })];
  wukongim = a.url;
  smile = b.url;
  close = () => Promise.all([a.close(), b.close()]);
});
afterAll(() => close());

const nasty: [string, string][] = [
  ['500,000 unclosed arrays', '['.repeat(500_000)],
  ['200,000 nested arrays', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
  ['100,000 nested objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
  ['a 900 KB string', JSON.stringify({ uid: 'x'.repeat(900_000), token: 't', device_flag: 1, externalMetadata: { k: 'v'.repeat(900_000) } })],
  ['unicode and control characters', JSON.stringify({ uid: '用户\u0000\u202e😀', token: '\ud800', device_flag: 1, externalMetadata: { ключ: 'значение' } })],
  ['prototype keys', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"uid":"a","token":"t","device_flag":1}'],
  ['a number where an object goes', '42'],
  ['null', 'null'],
];

describe('bad input never breaks the mock', () => {
  it.each(nasty)('answers %s in each API shape, without a 5xx', async (_name, body) => {
    const targets: [string, Record<string, string>, (json: Record<string, unknown>) => void][] = [
      [`${wukongim}/user/token`, {}, (json) => expect(json).toHaveProperty('status')],
      [`${smile}/v1/users`, { authorization: SANDBOX }, (json) => expect(Object.keys(json)).toEqual(['code', 'message', 'requestId', 'data'])],
      [`${smile}/v1/webhooks`, { authorization: SANDBOX }, (json) => expect(json.code).toBeTypeOf('string')],
      [`${wukongim}/__mock/wukongim/connect`, {}, (json) => expect(json).toMatchObject({ status: expect.any(Number), title: expect.any(String) })],
    ];
    for (const [url, headers, shape] of targets) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect(response.status, url).toBeLessThan(500);
      shape(await response.json());
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps serving after all of it', async () => {
    const health = await fetch(`${wukongim}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const users = await fetch(`${smile}/v1/users?size=1`, { headers: { authorization: SANDBOX } });
    expect(users.status).toBe(200);
  });
});
