import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let im: TestServer;
beforeAll(async () => {
  im = await startServer({ journalSize: 5 });
});
afterAll(() => im.close());

describe('POST /__mock/reset', () => {
  it('returns devices, connections, the journal and the clock to the seeded start', async () => {
    await im.post('/user/token', { uid: 'alice', token: 'tk', device_flag: 1 });
    await im.post('/__mock/wukongim/connect', { uid: 'alice', token: 'tk', device_flag: 1, device_id: 'a' });
    await im.post('/__mock/clock', { advance: '1h' });
    const reset = await im.post('/__mock/reset', {});
    expect(reset.body).toEqual({ reset: true, now: '2026-01-01T00:00:00.000Z' });
    expect((await im.get('/__mock/wukongim/devices')).body).toEqual({ items: [], nextCursor: null, total: 0 });
    expect((await im.get('/__mock/wukongim/connections')).body).toEqual({ items: [], nextCursor: null, total: 0 });
    expect((await im.post('/__mock/wukongim/connect', { uid: 'alice', token: 'tk', device_flag: 1, device_id: 'a' })).body).toEqual({
      reason_code: 2,
      connection_id: 1,
    });
  });
});

describe('/__mock/clock', () => {
  it('reads, advances, sets, freezes and unfreezes the clock that stamps every record', async () => {
    await im.post('/__mock/reset', {});
    expect((await im.get('/__mock/clock')).body).toEqual({ now: '2026-01-01T00:00:00.000Z', frozen: true });
    expect((await im.post('/__mock/clock', { advance: '5h' })).body).toEqual({ now: '2026-01-01T05:00:00.000Z', frozen: true });
    expect((await im.post('/__mock/clock', { advance: 1500 })).body.now).toBe('2026-01-01T05:00:01.500Z');
    expect((await im.post('/__mock/clock', { set: '2030-06-01T12:00:00Z' })).body.now).toBe('2030-06-01T12:00:00.000Z');
    await im.post('/user/token', { uid: 'bob', token: 'tk', device_flag: 1 });
    expect(im.mock.wukongim.devices({ uid: 'bob' })[0]?.updated_at).toBe('2030-06-01T12:00:00.000Z');
    expect((await im.post('/__mock/clock', { freeze: false })).body.frozen).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const running = Date.parse((await im.get('/__mock/clock')).body.now);
    expect(running).toBeGreaterThan(Date.parse('2030-06-01T12:00:00.020Z'));
    expect(running).toBeLessThan(Date.parse('2030-06-01T12:00:05Z'));
    expect((await im.post('/__mock/clock', { freeze: true })).body.frozen).toBe(true);
  });

  it.each([
    ['an unknown field', { jump: 1 }, 'body must NOT have additional properties'],
    ['two changes at once', { advance: 1, freeze: true }, 'body must NOT have more than 1 properties'],
    ['a bad duration', { advance: '5 hours' }, 'body/advance must match pattern'],
    ['a bad instant', { set: 'tomorrow' }, 'body/set must match format "date-time"'],
    ['an instant past the year 9899', { set: '9950-01-01T00:00:00Z' }, 'body/set would take the clock outside the years 0000 to 9899'],
    ['an advance past the year 9899', { advance: '3000000d' }, 'body/advance would take the clock outside the years 0000 to 9899'],
  ])('refuses %s with a problem that names the field, and leaves the clock as it was', async (_name, body, detail) => {
    const before = (await im.get('/__mock/clock')).body;
    const answer = await im.post('/__mock/clock', body);
    expect((await im.get('/__mock/clock')).body).toEqual(before);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(answer.body).toMatchObject({ type: 'urn:token-mock:problem:invalid-request', title: 'Invalid request', status: 400 });
    expect(answer.body.detail).toContain(detail);
  });

  it('refuses malformed JSON and a non-JSON content type', async () => {
    expect((await im.post('/__mock/clock', '{"advance":')).body).toMatchObject({ status: 400, title: 'Malformed JSON' });
    const form = await im.post('/__mock/clock', 'advance=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body.detail).toBe('send application/json, not application/x-www-form-urlencoded');
  });

  it('answers an unknown control path with a 404 problem', async () => {
    const answer = await im.get('/__mock/nothing');
    expect(answer.status).toBe(404);
    expect(answer.body.detail).toBe('GET /__mock/nothing is not part of the control API');
  });
});

describe('GET /__mock/journal', () => {
  it('keeps the newest requests only, newest first, and counts every one', async () => {
    await im.post('/__mock/reset', {});
    for (let i = 0; i < 7; i++) await im.post('/user/token', { uid: `u${i}`, token: 't', device_flag: 1 });
    await im.get('/user/token');
    const journal = (await im.get('/__mock/journal?api=wukongim')).body;
    expect(journal.capacity).toBe(5);
    expect(journal.recorded).toBe(9); // the reset call itself, 7 updates and the 405
    expect(journal.total).toBe(5);
    expect(journal.items.map((e: { path: string; status: number }) => e.status)).toEqual([405, 200, 200, 200, 200]);
    const last = journal.items[0];
    expect(last).toMatchObject({ api: 'wukongim', operationId: null, method: 'GET', path: '/user/token', status: 405, time: '2026-01-01T00:00:00.000Z' });
    const token = journal.items.at(-1);
    expect(token.operationId).toBe('updateToken');
    expect(JSON.parse(token.request.body)).toEqual({ uid: 'u3', token: 't', device_flag: 1 });
    expect(token.request.headers['content-type']).toBe('application/json');
    expect(token.response.body).toBe('{"status":"ok"}');
    expect((await im.get('/__mock/journal?limit=2')).body.items).toHaveLength(2);
  });

  it('refuses a limit that is not a positive integer', async () => {
    const answer = await im.get('/__mock/journal?limit=abc');
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toBe('query/limit must be integer');
  });
});
