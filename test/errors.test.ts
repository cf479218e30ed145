/** The one error model, seen from outside: domain errors in each API's shape, unexpected failures journaled and reported. */
import { createMock, type Mock, MockError } from 'token-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let im: TestServer | undefined;
afterEach(async () => {
  await im?.close();
  im = undefined;
});

describe('domain errors', () => {
  it('answers a fault rule that makes no sense with a named problem that points at the field', async () => {
    im = await startServer();
    const refused = await im.post('/__mock/faults', { latency: ['2s', '1s'] });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(refused.body).toEqual({
      type: 'urn:token-mock:problem:invalid-fault',
      title: 'Invalid fault rule',
      status: 400,
      detail: 'latency [min, max] must have min ≤ max',
      errors: [{ path: '/body/latency', message: 'latency [min, max] must have min ≤ max' }],
    });
  });

  it('throws the same error in code, with the path inside the rule', () => {
    const add = () => createMock().faults.add({ status: 503, drop: true });
    expect(add).toThrow(MockError);
    expect(add).toThrow(expect.objectContaining({ kind: 'invalid-fault', errors: [{ path: '/drop', message: expect.stringContaining('not both') }] }));
  });

  it("answers a refused link token on the control API with Smile's own INVALID_TOKEN envelope", async () => {
    im = await startServer();
    const refused = await im.post('/__mock/smile/tokens/consume', { accessToken: 'not.a.token' });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      code: 'INVALID_TOKEN',
      message: 'The token you provided is invalid or has expired (its signature does not verify)',
      data: {},
    });
    expect(refused.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers what does not exist with the not-found problem', async () => {
    im = await startServer();
    const missing = await im.post('/__mock/wukongim/connections/99/close', {});
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'urn:token-mock:problem:not-found', detail: 'connection 99 does not exist' });
  });
});

describe('unexpected failures', () => {
  it('answer a 500 in the API shape without a stack, are written into the journal entry and reported through onError', async () => {
    const reported: { error: unknown; where: unknown }[] = [];
    im = await startServer({ onError: (error, where) => reported.push({ error, where }) });
    breakDevices(im.mock);
    const failed = await im.get('/__mock/wukongim/devices?uid=ana');
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({
      type: 'urn:token-mock:problem:internal-error',
      title: 'Internal error',
      status: 500,
      detail: 'the mock failed to answer this request',
    });
    expect(failed.text).not.toContain('at ');
    const entry = im.mock.journal.entries().at(-1);
    expect(entry).toMatchObject({ operationId: 'listDevices', status: 500, error: 'TypeError: the device store is gone' });
    expect(reported).toHaveLength(1);
    expect(reported[0]?.error).toBeInstanceOf(TypeError);
    expect(reported[0]?.where).toEqual({ api: 'admin', method: 'GET', path: '/__mock/wukongim/devices', operationId: 'listDevices' });
    // The journal as the control API shows it carries the message too.
    const journal = await im.get('/__mock/journal?limit=1');
    expect(journal.body.items[0].error).toBe('TypeError: the device store is gone');
  });

  it('leave ordinary entries with error null', async () => {
    im = await startServer();
    await im.get('/health');
    expect(im.mock.journal.entries().at(-1)?.error).toBeNull();
  });
});

/** Makes the device listing fail as a bug would. */
function breakDevices(mock: Mock): void {
  (mock.wukongim as unknown as { devicePage: () => never }).devicePage = () => {
    throw new TypeError('the device store is gone');
  };
}
