/**
 * State that refuses past its bound instead of forgetting (Smile webhook subscriptions, WuKongIM
 * users banned or disbanded), and the longest WuKongIM fields the mock takes: each refusal in the
 * API's own shape, each count with its bound in GET /__mock/state, nothing held lost. Strict mode
 * holds every answer to the specs.
 */
import { createMock, type Mock } from 'token-mock';
import { describe, expect, it } from 'vitest';
import { SANDBOX } from './support/smile.js';

const START = '2026-01-01T00:00:00Z';

async function call(mock: Mock, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await mock.fetch(
    new Request(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }),
  );
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}

const smile = 'https://sandbox.smileapi.io/v1';
const wukongim = 'http://localhost:5001';
const control = `${wukongim}/__mock`;
const subscription = (name: string) => ({ name, url: `https://hooks.example.test/${name}`, eventTypes: ['USER_CREATED'], active: true, secret: 's' });

describe('Smile webhook subscriptions', () => {
  it('refuse a new one at the bound with 400 INVALID_PARAMETERS naming the flag, and take one again once one is deleted', async () => {
    const mock = createMock({ startTime: START, strict: true, smile: { maxWebhooks: 2 } });
    const ids: string[] = [];
    for (const name of ['a', 'b']) {
      const made = await call(mock, 'POST', `${smile}/webhooks`, subscription(name), { authorization: SANDBOX });
      expect(made.status).toBe(200);
      ids.push(made.body.data.id);
    }
    const refused = await call(mock, 'POST', `${smile}/webhooks`, subscription('c'), { authorization: SANDBOX });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_PARAMETERS', message: expect.stringContaining('at most 2 webhook subscriptions (--max-webhooks') });
    expect((await call(mock, 'GET', `${control}/state`)).body.smile.webhooks).toEqual({ count: 2, bound: 2 });
    expect((await call(mock, 'DELETE', `${smile}/webhooks/${ids[0]}`, undefined, { authorization: SANDBOX })).status).toBe(200);
    expect((await call(mock, 'POST', `${smile}/webhooks`, subscription('c'), { authorization: SANDBOX })).status).toBe(200);
    expect((await call(mock, 'GET', `${smile}/webhooks`, undefined, { authorization: SANDBOX })).body.data.items.map((w: { name: string }) => w.name)).toEqual([
      'b',
      'c',
    ]);
  });

  it('default to 1000 (and user states to 100,000); a bound that is not a whole number of at least 1 is refused', async () => {
    const { body } = await call(createMock({ startTime: START }), 'GET', `${control}/state`);
    expect(body.smile.webhooks).toEqual({ count: 0, bound: 1000 });
    expect(body.wukongim.userStates).toEqual({ count: 0, bound: 100_000 });
    expect(() => createMock({ smile: { maxWebhooks: 0 } })).toThrow('smile.maxWebhooks must be a whole number of at least 1, not 0');
    expect(() => createMock({ wukongim: { maxUidLength: 1.5 } })).toThrow('wukongim.maxUidLength must be a whole number of at least 1, not 1.5');
  });
});

describe('WuKongIM users banned or disbanded', () => {
  it('refuse a further ban at the bound with a 409 problem, while the banned stay banned and may change state', async () => {
    const mock = createMock({ startTime: START, strict: true, wukongim: { maxUserStates: 1 } });
    const state = (uid: string, status: string) => call(mock, 'PUT', `${control}/wukongim/users/${uid}`, { status });
    expect((await state('ada', 'banned')).status).toBe(200);
    const refused = await state('bob', 'disbanded');
    expect(refused.status).toBe(409);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: 'urn:token-mock:problem:bound-reached', status: 409, detail: expect.stringContaining('--max-user-states') });
    // Ada is still banned: her token update answers the ban reason, and she may move between states.
    expect((await call(mock, 'POST', `${wukongim}/user/token`, { uid: 'ada', token: 't', device_flag: 1, device_level: 1 })).body).toEqual({ status: 19 });
    expect((await state('ada', 'disbanded')).status).toBe(200);
    expect((await call(mock, 'GET', `${control}/state`)).body.wukongim.userStates).toEqual({ count: 1, bound: 1 });
    expect((await state('ada', 'active')).status).toBe(200);
    expect((await state('bob', 'banned')).status).toBe(200);
  });
});

describe('a restored snapshot', () => {
  it('that holds more subscriptions or user states than the bounds is refused, naming each, and changes nothing', async () => {
    const wide = createMock({ startTime: START });
    for (const name of ['a', 'b', 'c']) await call(wide, 'POST', `${smile}/webhooks`, subscription(name), { authorization: SANDBOX });
    for (const uid of ['ada', 'bob']) await call(wide, 'PUT', `${control}/wukongim/users/${uid}`, { status: 'banned' });
    const snapshot = wide.snapshot();

    const narrow = createMock({ startTime: START, smile: { maxWebhooks: 2 }, wukongim: { maxUserStates: 1 } });
    const before = JSON.stringify(narrow.snapshot());
    expect(() => narrow.restore(snapshot)).toThrow(/\/smile\/webhooks holds 3 webhook subscriptions; the mock holds at most 2 \(--max-webhooks/);
    expect(() => narrow.restore(snapshot)).toThrow(
      /\/wukongim\/devices\/statuses holds 2 WuKongIM users banned or disbanded; the mock holds at most 1 \(--max-user-states/,
    );
    expect(JSON.stringify(narrow.snapshot())).toBe(before);
    // Within the bounds, the same snapshot goes in whole.
    const fits = createMock({ startTime: START, smile: { maxWebhooks: 3 }, wukongim: { maxUserStates: 2 } });
    fits.restore(snapshot);
    expect((await call(fits, 'GET', `${control}/state`)).body).toMatchObject({
      smile: { webhooks: { count: 3, bound: 3 } },
      wukongim: { userStates: { count: 2, bound: 2 } },
    });
  });
});

describe('WuKongIM field lengths', () => {
  const update = (mock: Mock, uid: string, token: string) => call(mock, 'POST', `${wukongim}/user/token`, { uid, token, device_flag: 1, device_level: 1 });

  it('take a uid and a token at their bounds, and answer one past them with the 400 {msg, status} of the API', async () => {
    const mock = createMock({ startTime: START, strict: true, wukongim: { maxUidLength: 8, maxTokenLength: 16 } });
    expect((await update(mock, 'u'.repeat(8), 't'.repeat(16))).status).toBe(200);
    const longUid = await update(mock, 'u'.repeat(9), 't');
    expect(longUid).toMatchObject({ status: 400, body: { status: 400, msg: expect.stringContaining('uid is longer than 8 characters') } });
    const longToken = await update(mock, 'ada', 't'.repeat(17));
    expect(longToken.body.msg).toContain('token is longer than 16 characters, the most the mock takes (--max-token-length');
    expect((await call(mock, 'GET', `${control}/state`)).body.wukongim.slots.count).toBe(1);
  });

  it('refuse an IM connect with a uid past the bound, keeping only the bound of it', async () => {
    const mock = createMock({ startTime: START, wukongim: { maxUidLength: 8 } });
    const refused = mock.wukongim.connect({ uid: 'x'.repeat(100_000), token: 't', device_flag: 1, device_id: 'd'.repeat(100_000) });
    expect(refused.reason_code).toBe(2);
    const [kept] = mock.wukongim.connections();
    expect(kept?.uid).toBe(`${'x'.repeat(8)}…`);
    expect(kept?.device_id).toBe(`${'d'.repeat(8)}…`);
  });

  it('default to 256 and 1024 characters', async () => {
    const mock = createMock({ startTime: START });
    expect((await update(mock, 'u'.repeat(256), 't'.repeat(1024))).status).toBe(200);
    expect((await update(mock, 'u'.repeat(257), 't')).status).toBe(400);
    expect((await update(mock, 'ada', 't'.repeat(1025))).status).toBe(400);
  });
});
