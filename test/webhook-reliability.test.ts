/** Webhook deliveries cannot stall: hung receivers time out (garbage collection or not), cannot starve others, and the queue is bounded. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClock } from '../src/core/clock.js';
import { createDeliveryLog } from '../src/core/delivery-log.js';
import { createOutbox, type Message } from '../src/core/outbox.js';

const event = (id: string) => ({ api: 'smile' as const, type: 'USER_CREATED', id, createdAt: '2026-01-01T00:00:00Z', body: {} });
const message = (url: string, retryDelays: number[] = []): Message => ({
  subscriptionId: 'w1',
  url,
  body: '{}',
  headers: { 'content-type': 'application/json' },
  retryDelays,
  accepts: (status) => status >= 200 && status < 300,
});
/** A fetch that never settles and ignores its abort signal, as the worst receiver and client would. */
const forever = (() => new Promise<Response>(() => {})) as typeof fetch;

describe('a receiver that never answers', () => {
  it('times out after --webhook-timeout with garbage collected meanwhile, is retried as documented, and does not hold back a healthy receiver', () => {
    const script = fileURLToPath(new URL('./fixtures/hung-receiver.mjs', import.meta.url));
    const run = spawnSync(process.execPath, ['--expose-gc', script], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, HUNG: '40', TIMEOUT_MS: '150' },
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.settled).toBe(true);
    // 40 hung subscriptions × 3 attempts (the first, then 30 s and 60 s later), each cut off at the timeout.
    expect(result.outcomes).toEqual({ retrying: 80, failed: 40 });
    expect(result.errors).toEqual(['no answer within 150 ms']);
    expect(result.stats).toMatchObject({ failed: 40, pending: 0, queued: 0, onTheWire: 0, retrying: 0 });
    // The healthy receiver was sent to while the hung ones held their share (8 of 32 slots), not after:
    // an outbox that sent first come, first served would have waited for 32 attempts to end.
    expect(result.healthyDelivered).toBe(true);
    expect(result.attemptsBeforeHealthy).toBeLessThan(32);
  });

  it('counts an attempt as failed at the deadline even when the fetch ignores its abort signal', async () => {
    const log = createDeliveryLog();
    const outbox = createOutbox({ clock: createClock({ start: 0 }), log, fetch: forever, timeout: 50 });
    outbox.publish(event('e1'), [message('http://hung.test/hook')]);
    const attempt = await log.waitFor('USER_CREATED', undefined, { outcome: 'failed', timeout: 2000 });
    expect(attempt).toMatchObject({ error: 'no answer within 50 ms', status: null, outcome: 'failed' });
    await outbox.idle();
  });
});

describe('fairness and bounds', () => {
  it('keeps a slow receiver to its share of the slots, so another receiver is served meanwhile', async () => {
    const log = createDeliveryLog();
    const fetch = ((url: string) =>
      url.startsWith('http://hung.test') ? new Promise<Response>(() => {}) : Promise.resolve(new Response('ok'))) as typeof globalThis.fetch;
    const outbox = createOutbox({ clock: createClock({ start: 0 }), log, fetch, timeout: 10_000, concurrency: 4, perReceiver: 2 });
    for (let i = 0; i < 10; i++) outbox.publish(event(`slow${i}`), [message('http://hung.test/hook')]);
    for (let i = 0; i < 10; i++) outbox.publish(event(`fast${i}`), [message('http://fast.test/hook')]);
    await expect.poll(() => log.stats().delivered, { timeout: 2000 }).toBe(10);
    expect(log.attempts().every((attempt) => attempt.url === 'http://fast.test/hook')).toBe(true);
    outbox.clear();
  });

  it('journals what it cannot queue as failed, never dropping it silently, and keeps the count bounded', async () => {
    const log = createDeliveryLog();
    const outbox = createOutbox({ clock: createClock({ start: 0 }), log, fetch: forever, timeout: 60_000, maxPending: 5 });
    for (let i = 0; i < 12; i++) outbox.publish(event(`e${i}`), [message('http://hung.test/hook')]);
    expect(log.stats()).toMatchObject({ events: 12, failed: 7, pending: 5 });
    const refused = log.attempts().filter((attempt) => attempt.outcome === 'failed');
    expect(refused.map((attempt) => attempt.eventId)).toEqual(['e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11']);
    expect(refused[0]?.error).toBe("not sent: 5 deliveries were already outstanding (the outbox's bound)");
    outbox.clear();
  });

  it('drains within a grace period and says what is left', async () => {
    const log = createDeliveryLog();
    const clock = createClock({ start: 0 });
    const fetch = ((url: string) =>
      url.includes('hung') ? new Promise<Response>(() => {}) : Promise.resolve(new Response('no', { status: 500 }))) as typeof globalThis.fetch;
    const outbox = createOutbox({ clock, log, fetch, timeout: 60_000 });
    outbox.publish(event('e1'), [message('http://hung.test/hook'), message('http://failing.test/hook', [30_000])]);
    const started = performance.now();
    expect(await outbox.drain(100)).toEqual({ queued: 0, onTheWire: 1, retrying: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
    outbox.clear();
  });
});
