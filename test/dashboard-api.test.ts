import { createMock, type Mock } from 'token-mock';
import { describe, expect, it } from 'vitest';

const START = '2026-01-01T00:00:00Z';

async function call(mock: Mock, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await mock.fetch(new Request(`http://localhost${path}`, init));
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), text, body: text.startsWith('{') ? JSON.parse(text) : undefined };
}

describe('the control API behind the dashboard', () => {
  it('pages through Smile users newest first, with a total', async () => {
    const mock = createMock({ startTime: START, strict: true, smile: { users: 250 } });
    const first = await call(mock, 'GET', '/__mock/smile/users?limit=100');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.total).toBe(250);
    const second = await call(mock, 'GET', `/__mock/smile/users?limit=100&cursor=${first.body.nextCursor}`);
    const third = await call(mock, 'GET', `/__mock/smile/users?limit=100&cursor=${second.body.nextCursor}`);
    expect(third.body.items).toHaveLength(50);
    expect(third.body.nextCursor).toBeNull();
    const ids = new Set([...first.body.items, ...second.body.items, ...third.body.items].map((user: { id: string }) => user.id));
    expect(ids.size).toBe(250);
    expect((await call(mock, 'GET', '/__mock/smile/users?cursor=bm9wZQ')).status).toBe(400);
  });

  it("shows a user's link tokens with their state on the mock's clock", async () => {
    const mock = createMock({ startTime: START, strict: true, smile: { users: 0, tokenTtl: '1h', tokenRetention: '1d' } });
    const user = (await call(mock, 'POST', '/__mock/smile/users', { externalMetadata: { name: 'ada' } })).body;
    expect(user.externalMetadata).toEqual({ name: 'ada' });
    const issued = await call(mock, 'POST', `/__mock/smile/users/${user.id}/tokens`, { mode: 'SANDBOX' });
    expect(issued.status).toBe(201);
    await call(mock, 'POST', `/__mock/smile/users/${user.id}/tokens`);
    expect((await call(mock, 'POST', `/__mock/smile/users/${user.id}/tokens/use`)).body).toEqual({ used: true });
    const detail = await call(mock, 'GET', `/__mock/smile/users/${user.id}`);
    expect(detail.body.tokens.map((token: { state: string }) => token.state)).toEqual(['valid', 'used']);
    expect(detail.body.tokens[0]).toMatchObject({ id: issued.body.id, mode: 'SANDBOX', expiresAt: '2026-01-01T01:00:00Z' });
    await call(mock, 'POST', '/__mock/clock', { advance: '2h' });
    const later = await call(mock, 'GET', `/__mock/smile/users/${user.id}`);
    expect(later.body.tokens.map((token: { state: string }) => token.state)).toEqual(['expired', 'used']);
  });

  it('answers a problem for an unknown user', async () => {
    const mock = createMock({ startTime: START, strict: true });
    const missing = await call(mock, 'GET', '/__mock/smile/users/tenant-00000000000000000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/problem+json; charset=utf-8');
    expect(missing.body.detail).toBe('Smile user tenant-00000000000000000000000000000000 does not exist');
    expect((await call(mock, 'POST', '/__mock/smile/users/nobody/tokens')).status).toBe(404);
  });

  it('sets a slot token, connects a device with it, and kicks the slot', async () => {
    const mock = createMock({ startTime: START, strict: true });
    expect((await call(mock, 'POST', '/__mock/wukongim/tokens', { uid: 'ada', token: 't1', device_flag: 1, device_level: 1 })).status).toBe(200);
    const connected = await call(mock, 'POST', '/__mock/wukongim/connect', { uid: 'ada', token: 't1', device_flag: 1, device_id: 'phone' });
    expect(connected.body.reason_code).toBe(1);
    const kicked = await call(mock, 'POST', '/__mock/wukongim/kick', { uid: 'ada', device_flag: 1 });
    expect(kicked.body.kicked).toMatchObject([{ uid: 'ada', state: 'kicked', reason_code: 12 }]);
    // Any flag a uint8 holds, as POST /user/token takes; past it, and what POST /user/token refuses, is a 400.
    expect((await call(mock, 'POST', '/__mock/wukongim/kick', { uid: 'ada', device_flag: 7 })).body).toEqual({ kicked: [] });
    expect((await call(mock, 'POST', '/__mock/wukongim/kick', { uid: 'ada', device_flag: 256 })).status).toBe(400);
    expect((await call(mock, 'POST', '/__mock/wukongim/tokens', { uid: 'ada', token: 't2', device_flag: 77 })).status).toBe(200);
    const refused = await call(mock, 'POST', '/__mock/wukongim/tokens', { uid: 'a@b', token: 't', device_flag: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/^POST \/user\/token would refuse it: uid/);
    expect(mock.wukongim.devices({ uid: 'a@b' })).toEqual([]);
  });

  it('lists where webhook events go, for both APIs, without their secrets', async () => {
    const mock = createMock({ startTime: START, strict: true, wukongim: { webhookUrl: 'http://127.0.0.1:9/im' } });
    await mock.fetch(
      new Request('https://sandbox.smileapi.io/v1/webhooks', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${btoa('test_key:test_secret')}` },
        body: JSON.stringify({ name: 'hooks', url: 'https://hooks.example.test/smile', eventTypes: ['USER_CREATED'], active: true, secret: 'shh' }),
      }),
    );
    const page = await call(mock, 'GET', '/__mock/webhooks/subscriptions?limit=1');
    expect(page.body).toMatchObject({
      items: [{ api: 'wukongim', id: 'webhook.httpAddr', url: 'http://127.0.0.1:9/im', eventTypes: ['user.onlinestatus'], active: true }],
      total: 2,
    });
    const rest = await call(mock, 'GET', `/__mock/webhooks/subscriptions?cursor=${page.body.nextCursor}`);
    expect(rest.body.items).toMatchObject([{ api: 'smile', name: 'hooks', url: 'https://hooks.example.test/smile', eventTypes: ['USER_CREATED'] }]);
    expect(rest.text).not.toContain('shh');
    expect(rest.body.nextCursor).toBeNull();
  });

  it('filters the journal by operation and status on the mock side, counting what matches', async () => {
    const mock = createMock({ startTime: START, journalSize: 200 });
    const token = (uid: string, deviceFlag: unknown) =>
      mock.fetch(
        new Request('http://localhost:5001/user/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ uid, token: 't', device_flag: deviceFlag, device_level: 1 }),
        }),
      );
    for (let i = 0; i < 60; i++) await token(`u${i}`, 1);
    await token('bad', 'web');
    for (let i = 0; i < 60; i++) await mock.fetch(new Request('http://localhost:5001/health'));
    const failed = await call(mock, 'GET', '/__mock/journal?status=4&limit=10');
    expect(failed.body.items.map((entry: { status: number; operationId: string }) => [entry.status, entry.operationId])).toEqual([[400, 'updateToken']]);
    expect(failed.body.total).toBe(1);
    const tokens = await call(mock, 'GET', '/__mock/journal?operation=TOKEN&status=200&limit=50');
    expect(tokens.body.items).toHaveLength(50);
    expect(tokens.body.total).toBe(60);
    expect(tokens.body.items.every((entry: { operationId: string }) => entry.operationId === 'updateToken')).toBe(true);
    const after = await call(mock, 'GET', `/__mock/journal?operation=TOKEN&status=200&cursor=${tokens.body.nextCursor}`);
    expect(after.body.items).toHaveLength(10);
    expect((await call(mock, 'GET', '/__mock/journal?status=6')).status).toBe(400);
  });

  it('goes on after a subscription that was deleted while its page was read', async () => {
    const mock = createMock({ startTime: START, strict: true });
    const ids: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      const created = await mock.fetch(
        new Request('https://sandbox.smileapi.io/v1/webhooks', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Basic ${btoa('test_key:test_secret')}` },
          body: JSON.stringify({ name, url: `https://hooks.example.test/${name}`, eventTypes: ['USER_CREATED'], active: true, secret: 'shh' }),
        }),
      );
      ids.push(((await created.json()) as { data: { id: string } }).data.id);
    }
    const page = await call(mock, 'GET', '/__mock/webhooks/subscriptions?limit=2');
    expect(page.body.items.map((item: { name: string }) => item.name)).toEqual(['first', 'second']);
    await mock.fetch(
      new Request(`https://sandbox.smileapi.io/v1/webhooks/${ids[1]}`, {
        method: 'DELETE',
        headers: { authorization: `Basic ${btoa('test_key:test_secret')}` },
      }),
    );
    const rest = await call(mock, 'GET', `/__mock/webhooks/subscriptions?cursor=${page.body.nextCursor}`);
    expect(rest.body.items.map((item: { name: string }) => item.name)).toEqual(['third']);
  });

  it('serves the dashboard without the admin token, and nothing else', async () => {
    const files = async () => ({ 'index.html': { type: 'text/html; charset=utf-8', text: '<!doctype html><title>t</title>' } });
    const mock = createMock({ startTime: START, strict: true, adminToken: 'secret', dashboard: files });
    const page = await call(mock, 'GET', '/__mock/ui');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect((await call(mock, 'GET', '/__mock/ui/missing.js')).status).toBe(404);
    expect((await call(mock, 'GET', '/__mock/ui/../clock')).status).toBe(401);
    expect((await call(mock, 'GET', '/__mock/uix')).status).toBe(401);
    expect((await call(mock, 'GET', '/__mock/smile/users')).status).toBe(401);
  });
});
