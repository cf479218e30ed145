/** Fault injection through the control API, against the real server: latency, statuses, drops, counts, odds. */
import { createMock, type Faults } from 'token-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';
import { type SmileServer, startSmile } from './support/smile.js';

let smile: SmileServer;
let im: TestServer;
beforeAll(async () => {
  smile = await startSmile();
  im = await startServer();
});
afterAll(async () => {
  await smile.close();
  await im.close();
});
beforeEach(async () => {
  await smile.call('POST', '/__mock/reset', { auth: null });
  await im.post('/__mock/reset', {});
});

const addFault = (rule: Record<string, unknown>) => smile.call('POST', '/__mock/faults', { body: rule, auth: null });

describe('faults', () => {
  it('answers a status in the API’s own error shape, the next N times only, and journals it', async () => {
    const added = await addFault({ id: 'tokens-down', operationId: 'createToken', status: 503, times: 2 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: 'tokens-down', applied: 0, remaining: 2 });
    const user = (await smile.call('GET', '/v1/users?size=1')).body.data.items[0];
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await smile.call('POST', `/v1/tokens?userId=${user.id}`));
    expect(answers.map((a) => a.status)).toEqual([503, 503, 201]);
    expect(answers[0]?.body).toEqual({ code: 'SERVER_UNAVAILABLE', message: 'The server is unavailable', requestId: expect.any(String), data: {} });
    expect(answers[0]?.headers.get('x-token-mock-fault')).toBe('tokens-down');
    expect((await smile.call('GET', '/__mock/faults', { auth: null })).body.items).toEqual([]);
    const journal = (await smile.call('GET', '/__mock/journal?api=smile', { auth: null })).body.items;
    expect(journal.filter((e: { fault: string | null }) => e.fault === 'tokens-down')).toHaveLength(2);
  });

  it('answers WuKongIM faults in its shape, and a 401 with no body as its server does', async () => {
    await im.post('/__mock/faults', { api: 'wukongim', path: '/user/*', status: 500 });
    const failed = await im.post('/user/token', { uid: 'a', token: 't', device_flag: 1 });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ msg: 'internal server error', status: 500 });
    expect((await im.get('/health')).status).toBe(200);
    await im.post('/__mock/faults', { id: 'fault-1', path: '/user/*', status: 401 });
    const refused = await im.post('/user/token', { uid: 'a', token: 't', device_flag: 1 });
    expect(refused.status).toBe(401);
    expect(refused.text).toBe('');
  });

  it('adds latency, and a range is drawn from the seed', async () => {
    await addFault({ operationId: 'getUser', latency: '150ms' });
    const user = (await smile.call('GET', '/v1/users?size=1')).body.data.items[0];
    const started = performance.now();
    expect((await smile.call('GET', `/v1/users/${user.id}`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    // A range: every matching request draws its own latency from the seed, within [min, max].
    const range = { operationId: 'getUser', latency: ['50ms', '250ms'] };
    const target = { api: 'smile', method: 'GET', path: `/v1/users/${user.id}`, operationId: 'getUser' } as const;
    const draw = (faults: Faults) => Array.from({ length: 20 }, () => faults.pick(target)?.latencyMs);
    const drawnAfterReset = async () => {
      await smile.call('POST', '/__mock/reset', { auth: null });
      expect((await addFault(range)).status).toBe(201);
      return draw(smile.mock.faults);
    };
    const drawn = await drawnAfterReset();
    for (const latency of drawn) {
      expect(Number.isInteger(latency)).toBe(true);
      expect(latency).toBeGreaterThanOrEqual(50);
      expect(latency).toBeLessThanOrEqual(250);
    }
    expect(new Set(drawn).size).toBeGreaterThan(10);
    expect(Math.max(...(drawn as number[])) - Math.min(...(drawn as number[]))).toBeGreaterThan(100);
    expect(await drawnAfterReset()).toEqual(drawn);
    expect(draw(createMock({ seed: 2, faults: [range] }).faults)).not.toEqual(drawn);

    // The request after a reset waits the first latency of that sequence.
    await smile.call('POST', '/__mock/reset', { auth: null });
    await addFault(range);
    const waited = performance.now();
    expect((await smile.call('GET', `/v1/users/${user.id}`)).status).toBe(200);
    expect(performance.now() - waited).toBeGreaterThanOrEqual((drawn[0] as number) - 5);
    const [entry] = smile.mock.journal.entries().filter((e) => e.operationId === 'getUser');
    expect(entry?.durationMs).toBeGreaterThanOrEqual((drawn[0] as number) - 5);
  });

  it('drops the connection without an answer', async () => {
    await addFault({ method: 'post', path: '/v1/users', drop: true, times: 1 });
    await expect(smile.call('POST', '/v1/users')).rejects.toThrow('fetch failed');
    expect((await smile.call('POST', '/v1/users')).status).toBe(201);
  });

  it.each([
    ['a status', { status: 503 }, 503],
    ['a drop', { drop: true }, 0],
  ])('journals the operation and the body of a request answered by %s, through the server', async (_name, effect, status) => {
    await addFault({ operationId: 'createUser', times: 1, ...effect });
    const body = { externalMetadata: { crmId: 'faulted' } };
    const asked = smile.call('POST', '/v1/users', { body });
    if (status === 0) await expect(asked).rejects.toThrow('fetch failed');
    else expect((await asked).status).toBe(status);
    const entry = smile.mock.journal.entries().find((e) => e.fault !== null);
    expect(entry).toMatchObject({ operationId: 'createUser', status, request: { body: JSON.stringify(body) } });
  });

  it.each([
    ['a status', { status: 500 }, 500],
    ['a drop', { drop: true }, 0],
  ])('journals the operation and the body of a request answered by %s, through mock.handle', async (_name, effect, status) => {
    const mock = createMock({ faults: [{ api: 'wukongim', operationId: 'updateToken', ...effect }] });
    const text = '{"uid":"ana","token":"t1","device_flag":1}';
    const wire = await mock.handle(new Request('http://localhost:5001/user/token', { method: 'POST', body: text }));
    expect(wire.status).toBe(status);
    expect(mock.journal.entries()).toMatchObject([{ operationId: 'updateToken', status, request: { body: text } }]);
  });

  it('fires with the seeded probability, the same way on every run', async () => {
    const run = async () => {
      await smile.call('POST', '/__mock/reset', { auth: null });
      await addFault({ path: '/v1/users', method: 'GET', status: 429, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await smile.call('GET', '/v1/users?size=1')).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const limited = first.filter((status) => status === 429).length;
    expect(limited).toBeGreaterThan(8);
    expect(limited).toBeLessThan(32);
  });

  it.each([
    [{ path: '/v1/users' }, 'a fault needs an effect: latency, status or drop'],
    [{ status: 503, drop: true }, 'not both'],
    [{ latency: ['2s', '1s'] }, 'min ≤ max'],
  ])('refuses the rule %j', async (rule, detail) => {
    const refused = await addFault(rule);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain(detail);
  });

  it.each([
    [{ id: 'héllo✓', api: 'wukongim', status: 503 }, '/body/id', 'id "héllo✓" cannot travel in the x-token-mock-fault header'],
    [{ id: 'two words', status: 503 }, '/body/id', 'cannot travel in the x-token-mock-fault header'],
    [{ method: 'BREW', path: '/nowhere', status: 503 }, '/body/method', 'method "BREW" is not served by any mocked API'],
    [{ path: '/nowhere', status: 503 }, '/body/path', 'path "/nowhere" reaches no operation of any mocked API'],
    [
      { api: 'wukongim', path: '/v1/users', status: 503 },
      '/body/path',
      'path "/v1/users" reaches no operation of wukongim: its paths are /health, /user/token',
    ],
    [{ operationId: 'getUser', method: 'POST', status: 503 }, '/body/method', 'method "POST" is not served by getUser: the methods it serves are GET'],
    [{ api: 'smile', method: 'DELETE', path: '/v1/users', status: 503 }, '/body/path', 'path "/v1/users" reaches no operation of smile on DELETE'],
  ])('refuses the rule %j, which could never apply or be sent', async (rule, path, message) => {
    const refused = await addFault(rule);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path, message: expect.stringContaining(message) }]);
    expect((await smile.call('GET', '/__mock/faults', { auth: null })).body.items).toEqual([]);
    // Nothing else changed: the API still answers in its own shape.
    const answer = await im.post('/user/token', { uid: 'a', token: 't', device_flag: 1 });
    expect(answer.status).toBe(200);
  });

  it.each([
    { path: '/v1/users/*', status: 503 },
    { path: '/v1/users/u-1', method: 'get', status: 503 },
    { path: '/v1/us*', status: 503 },
    { api: 'wukongim', path: '/health', method: 'HEAD', status: 503 },
    { path: '/health', method: 'OPTIONS', latency: '1ms' },
  ])('takes the rule %j, which can apply', async (rule) => {
    expect((await addFault(rule)).status).toBe(201);
  });

  it('refuses a rule naming an operationId no spec has, listing the known ids', async () => {
    const refused = await addFault({ operationId: 'createTokens', status: 503 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: '/body/operationId', message: expect.stringContaining('"createTokens" is not an operation') }]);
    expect(refused.body.detail).toContain('wukongim: health, updateToken, deviceQuit, onlineStatus, route, routeBatch; smile: listUsers, createUser, getUser,');
    const elsewhere = await addFault({ api: 'wukongim', operationId: 'createToken', status: 503 });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.detail).toBe(
      'operationId "createToken" is not an operation of wukongim: the known ids are wukongim: health, updateToken, deviceQuit, onlineStatus, route, routeBatch',
    );
    const unknownApi = await addFault({ api: 'im', status: 503 });
    expect(unknownApi.status).toBe(400);
    expect(unknownApi.body.errors).toEqual([{ path: '/body/api', message: 'must be one of "wukongim", "smile"' }]);
    expect((await smile.call('GET', '/__mock/faults', { auth: null })).body.items).toEqual([]);
  });

  it('refuses an unknown api or operationId in the options and in scenarios alike, before anything runs', async () => {
    expect(() => createMock({ faults: [{ api: 'im' as 'smile', status: 500 }] })).toThrow('api "im" is not a mocked API: the known ones are wukongim, smile');
    expect(() => createMock({ faults: [{ status: 500 }, { operationId: 'nope', drop: true }] })).toThrow(
      expect.objectContaining({ kind: 'invalid-fault', errors: [{ path: '/1/operationId', message: expect.stringContaining('createUser') }] }),
    );
    const scenario = { steps: [{ at: '1m', faults: { rules: [{ operationId: 'listUser', status: 503 }] } }] };
    const refused = await smile.call('POST', '/__mock/scenarios', { body: scenario, auth: null });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: '/body/steps/0/faults/rules/0/operationId', message: expect.stringContaining('listUsers') }]);
    expect((await smile.call('GET', '/__mock/scenarios', { auth: null })).body.items).toEqual([]);
  });

  it('refuses a rule that breaks the spec, naming the field', async () => {
    const refused = await addFault({ status: 200 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: '/body/status', message: 'must be >= 400' }]);
  });

  it('removes one rule, or all, and never touches the control API', async () => {
    await addFault({ id: 'everything', status: 500 });
    expect((await smile.call('GET', '/__mock/journal', { auth: null })).status).toBe(200);
    expect((await smile.call('DELETE', '/__mock/faults/everything', { auth: null })).status).toBe(204);
    expect((await smile.call('DELETE', '/__mock/faults/everything', { auth: null })).status).toBe(404);
    await addFault({ status: 500 });
    expect((await smile.call('DELETE', '/__mock/faults', { auth: null })).status).toBe(204);
    expect((await smile.call('GET', '/v1/users?size=1')).status).toBe(200);
  });

  it('a scenario step changes the rules on the mock clock', async () => {
    const scenario = {
      steps: [
        { at: '1m', faults: { rules: [{ operationId: 'listUsers', status: 503 }] } },
        { at: '2m', faults: { rules: [] } },
      ],
    };
    expect((await smile.call('POST', '/__mock/scenarios', { body: scenario, auth: null })).status).toBe(201);
    const status = async () => (await smile.call('GET', '/v1/users?size=1')).status;
    expect(await status()).toBe(200);
    smile.mock.clock.advance(60_000);
    expect(await status()).toBe(503);
    smile.mock.clock.advance(60_000);
    expect(await status()).toBe(200);
  });
});
