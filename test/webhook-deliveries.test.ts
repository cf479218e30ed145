/** Smile webhook deliveries, end to end: a real mock server, real local receivers, the mock's clock. */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, refusingUrl, startReceiver } from './support/receiver.js';
import { type SmileServer, startSmile } from './support/smile.js';

let smile: SmileServer | undefined;
const receivers: Receiver[] = [];
afterEach(async () => {
  await smile?.close();
  smile = undefined;
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

async function subscribe(server: SmileServer, url: string, overrides: Record<string, unknown> = {}) {
  const created = await server.call('POST', '/v1/webhooks', {
    body: { name: 'Postback', url, eventTypes: ['ALL_EVENTS'], active: true, secret: 'shh', ...overrides },
  });
  expect(created.status).toBe(200);
  return created.body.data as { id: string; secret: string };
}

const sign = (secret: string, body: string) => createHmac('sha512', secret).update(body).digest('hex');
const deliveries = async (server: SmileServer, query = '') => (await server.call('GET', `/__mock/webhooks/deliveries${query}`, { auth: null })).body;
const advance = (server: SmileServer, by: string) => server.call('POST', '/__mock/clock', { body: { advance: by }, auth: null });

describe('Smile deliveries', () => {
  it('POST /users sends USER_CREATED, signed with HMAC-SHA512 of the exact body', async () => {
    smile = await startSmile();
    const target = await receiver();
    const webhook = await subscribe(smile, target.url, { eventTypes: ['USER_CREATED'] });
    const created = await smile.call('POST', '/v1/users');
    const [request] = await target.waitForCount(1);
    const event = JSON.parse(request?.body ?? '');
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      version: 1,
      type: 'USER_CREATED',
      createdAt: '2026-01-01T00:00:00Z',
      data: { userId: created.body.data.user.id },
    });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['smile-signature']).toBe(sign(webhook.secret, request?.body ?? ''));
    expect(request?.headers['smile-signature']).toMatch(/^[0-9a-f]{128}$/);
    const attempt = await smile.mock.webhooks.waitFor('USER_CREATED');
    expect(attempt).toMatchObject({
      eventId: event.id,
      subscriptionId: webhook.id,
      attempt: 1,
      maxAttempts: 3,
      status: 200,
      outcome: 'delivered',
      error: null,
    });
    expect(attempt.response.body).toBe('ok');
  });

  it('sends USER_SESSION_RESET on resetSession, and filters by event type', async () => {
    smile = await startSmile();
    const resets = await receiver();
    const creations = await receiver();
    await subscribe(smile, resets.url, { eventTypes: ['USER_SESSION_RESET'] });
    await subscribe(smile, creations.url, { eventTypes: ['USER_CREATED'] });
    const user = (await smile.call('POST', '/v1/users')).body.data.user;
    expect((await smile.call('POST', `/v1/users/${user.id}/resetSession`)).status).toBe(200);
    const [reset] = await resets.waitForCount(1);
    expect(JSON.parse(reset?.body ?? '')).toMatchObject({ type: 'USER_SESSION_RESET', data: { session: { userId: user.id, status: 'IN_PROGRESS' } } });
    await creations.waitForCount(1);
    await smile.mock.webhooks.idle();
    expect(resets.received).toHaveLength(1);
    expect(creations.received.map((r) => JSON.parse(r.body).type)).toEqual(['USER_CREATED']);
  });

  it('puts datapoint payloads only into deliveries for subscriptions with includePayload', async () => {
    smile = await startSmile();
    const lean = await receiver();
    const full = await receiver();
    const leanHook = await subscribe(smile, lean.url, { eventTypes: ['TASK_FINISHED'] });
    await subscribe(smile, full.url, { eventTypes: ['TASK_FINISHED'], includePayload: true });
    await smile.call('POST', '/__mock/webhooks/emit', { body: { api: 'smile', type: 'TASK_FINISHED' }, auth: null });
    const [leanRequest] = await lean.waitForCount(1);
    const [fullRequest] = await full.waitForCount(1);
    const leanEvent = JSON.parse(leanRequest?.body ?? '');
    const fullEvent = JSON.parse(fullRequest?.body ?? '');
    expect(fullEvent.data.payload).toEqual(expect.objectContaining({ identities: expect.any(Array) }));
    expect(leanEvent.data).not.toHaveProperty('payload');
    expect(leanEvent.id).toBe(fullEvent.id);
    expect(leanRequest?.headers['smile-signature']).toBe(sign(leanHook.secret, leanRequest?.body ?? ''));
  });

  it('never fires an inactive subscription', async () => {
    smile = await startSmile();
    const target = await receiver();
    await subscribe(smile, target.url, { active: false });
    await smile.call('POST', '/v1/users');
    await smile.mock.webhooks.idle();
    expect(target.received).toHaveLength(0);
    expect((await deliveries(smile)).stats).toMatchObject({ events: 1, attempts: 0, pending: 0 });
  });

  it('answers the API call without waiting for a slow receiver', async () => {
    smile = await startSmile();
    const target = await receiver(() => ({ delayMs: 1500 }));
    await subscribe(smile, target.url);
    const started = performance.now();
    const created = await smile.call('POST', '/v1/users');
    const took = performance.now() - started;
    expect(created.status).toBe(201);
    expect(took).toBeLessThan(1000);
    expect((await smile.mock.webhooks.waitFor('USER_CREATED', undefined, { timeout: 5000 })).latencyMs).toBeGreaterThanOrEqual(1400);
  });

  it('retries a 500 after 30 s and 60 s on the mock clock, with the same id, body and signature', async () => {
    smile = await startSmile();
    const target = await receiver((n) => ({ status: n < 3 ? 500 : 200, body: n < 3 ? 'try later' : 'ok' }));
    await subscribe(smile, target.url);
    await smile.call('POST', '/v1/users');
    await target.waitForCount(1);
    await smile.mock.webhooks.waitFor('USER_CREATED', undefined, { outcome: 'retrying' });
    const first = (await deliveries(smile)).items;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      attempt: 1,
      status: 500,
      outcome: 'retrying',
      nextAttemptAt: '2026-01-01T00:00:30.000Z',
      error: 'the receiver answered 500',
    });
    expect(first[0].response.body).toBe('try later');

    await advance(smile, '29s');
    await smile.mock.webhooks.idle();
    expect(target.received).toHaveLength(1);
    await advance(smile, '1s');
    await target.waitForCount(2);
    await advance(smile, '60s');
    await target.waitForCount(3);
    const attempt = await smile.mock.webhooks.waitFor('USER_CREATED');
    expect(attempt).toMatchObject({ attempt: 3, status: 200, outcome: 'delivered', time: '2026-01-01T00:01:30.000Z' });
    const bodies = new Set(target.received.map((r) => r.body));
    const signatures = new Set(target.received.map((r) => r.headers['smile-signature']));
    expect(bodies.size).toBe(1);
    expect(signatures.size).toBe(1);
    expect((await deliveries(smile)).stats).toMatchObject({ events: 1, attempts: 3, delivered: 1, failed: 0, pending: 0 });
  });

  it('gives up after three refused connections, and says why', async () => {
    smile = await startSmile();
    await subscribe(smile, await refusingUrl());
    await smile.call('POST', '/v1/users');
    for (const [attempt, by] of [
      [1, '30s'],
      [2, '60s'],
    ] as const) {
      await smile.mock.webhooks.waitFor('USER_CREATED', (a) => a.attempt === attempt, { outcome: 'retrying' });
      await advance(smile, by);
    }
    const last = await smile.mock.webhooks.waitFor('USER_CREATED', undefined, { outcome: 'failed' });
    expect(last).toMatchObject({ attempt: 3, status: null, outcome: 'failed', nextAttemptAt: null });
    expect(last.error).toContain('ECONNREFUSED');
    expect((await deliveries(smile, '?outcome=retrying')).items).toHaveLength(2);
    expect((await deliveries(smile)).stats).toMatchObject({ attempts: 3, delivered: 0, failed: 1, pending: 0 });
  });

  it('counts a receiver that does not answer in time as failed, and retries it', async () => {
    smile = await startSmile({ webhooks: { timeout: 200 } });
    const target = await receiver((n) => ({ delayMs: n === 1 ? 2000 : 0 }));
    await subscribe(smile, target.url);
    await smile.call('POST', '/v1/users');
    const slow = await smile.mock.webhooks.waitFor('USER_CREATED', undefined, { outcome: 'retrying' });
    expect(slow.error).toBe('no answer within 200 ms');
    await advance(smile, '30s');
    expect(await smile.mock.webhooks.waitFor('USER_CREATED')).toMatchObject({ attempt: 2, status: 200 });
  });

  it('takes its retry delays from the options', async () => {
    smile = await startSmile({ smile: { webhookRetryDelays: ['5s', '10s'] } });
    await subscribe(smile, await refusingUrl());
    await smile.call('POST', '/v1/users');
    expect((await smile.mock.webhooks.waitFor('USER_CREATED', undefined, { outcome: 'retrying' })).nextAttemptAt).toBe('2026-01-01T00:00:05.000Z');
  });

  it('loses nothing: every event of a flaky receiver ends delivered, and the journal accounts for each', async () => {
    smile = await startSmile();
    // Every third request fails, and a retry fails once more when it lands on a third too.
    const seen = new Map<string, number>();
    const target = await receiver((n, request) => {
      const id = JSON.parse(request.body).id as string;
      const tries = (seen.get(id) ?? 0) + 1;
      seen.set(id, tries);
      return { status: n % 3 === 0 && tries < 3 ? 503 : 200 };
    });
    await subscribe(smile, target.url);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await smile.call('POST', '/v1/users')).body.data.user.id);
    for (const by of ['30s', '60s']) {
      await smile.mock.webhooks.idle();
      await advance(smile, by);
    }
    await smile.mock.webhooks.idle();
    const journal = await deliveries(smile, '?outcome=delivered');
    expect(journal.stats).toMatchObject({ events: 40, delivered: 40, failed: 0, pending: 0 });
    expect(journal.total).toBe(40);
    expect(new Set(journal.items.map((a: { eventId: string }) => a.eventId)).size).toBe(40);
    const users = new Set(target.received.map((r) => JSON.parse(r.body).data.userId));
    expect([...users].sort()).toEqual([...ids].sort());
  });

  it('keeps the journal bounded', async () => {
    smile = await startSmile({ webhooks: { journalSize: 5 } });
    const target = await receiver();
    await subscribe(smile, target.url);
    for (let i = 0; i < 12; i++) await smile.call('POST', '/v1/users');
    await target.waitForCount(12);
    await smile.mock.webhooks.idle();
    const journal = await deliveries(smile);
    expect(journal.capacity).toBe(5);
    expect(journal.items).toHaveLength(5);
    expect(journal.total).toBe(5);
    expect(journal.items.map((a: { id: number }) => a.id)).toEqual([12, 11, 10, 9, 8]);
    expect(journal.stats).toMatchObject({ events: 12, attempts: 12, delivered: 12 });
  });
});
