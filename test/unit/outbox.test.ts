/** The outbox with an in-process fetch: concurrency, bounded answers, and a clear that forgets. */
import { describe, expect, it } from 'vitest';
import { createClock } from '../../src/core/clock.js';
import { createDeliveryLog } from '../../src/core/delivery-log.js';
import { createOutbox, type Message, type OutboxOptions } from '../../src/core/outbox.js';

/** An outbox and the log it writes to. */
function setup(options: Omit<OutboxOptions, 'log'>) {
  const log = createDeliveryLog();
  return { outbox: createOutbox({ ...options, log }), log };
}

const event = (id: string) => ({ api: 'smile' as const, type: 'USER_CREATED', id, createdAt: '2026-01-01T00:00:00Z', body: {} });
const message = (overrides: Partial<Message> = {}): Message => ({
  subscriptionId: 'w1',
  url: 'http://receiver.test/hook',
  body: '{}',
  headers: { 'content-type': 'application/json' },
  retryDelays: [30_000, 60_000],
  accepts: (status) => status >= 200 && status < 300,
  ...overrides,
});

describe('outbox', () => {
  it('never has more than `concurrency` attempts on the wire', async () => {
    let open = 0;
    let most = 0;
    const fetch = (async () => {
      open++;
      most = Math.max(most, open);
      await new Promise((resolve) => setTimeout(resolve, 5));
      open--;
      return new Response('ok');
    }) as typeof globalThis.fetch;
    const { outbox, log } = setup({ clock: createClock({ start: 0 }), fetch, concurrency: 3, perReceiver: 3 });
    for (let i = 0; i < 20; i++) outbox.publish(event(`e${i}`), [message()]);
    await outbox.idle();
    expect(most).toBe(3);
    expect(log.stats()).toMatchObject({ events: 20, attempts: 20, delivered: 20, pending: 0 });
  });

  it('keeps only the start of a long answer', async () => {
    const fetch = (async () => new Response('x'.repeat(100_000), { status: 500 })) as typeof globalThis.fetch;
    const { outbox, log } = setup({ clock: createClock({ start: 0 }), fetch });
    outbox.publish(event('e1'), [message({ retryDelays: [] })]);
    const attempt = await log.waitFor('USER_CREATED', undefined, { outcome: 'failed' });
    expect(attempt.response.body).toHaveLength(1024);
  });

  it('clear() forgets queued work, scheduled retries and answers still on the wire', async () => {
    const clock = createClock({ start: 0 });
    let calls = 0;
    const fetch = (async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return new Response('', { status: 500 });
    }) as typeof globalThis.fetch;
    const { outbox, log } = setup({ clock, fetch, concurrency: 1 });
    outbox.publish(event('e1'), [message(), message()]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    outbox.clear();
    await new Promise((resolve) => setTimeout(resolve, 40));
    clock.advance(120_000);
    await outbox.idle();
    expect(calls).toBe(1);
    expect(log.attempts()).toEqual([]);
    expect(log.stats()).toEqual({ events: 0, attempts: 0, delivered: 0, failed: 0, pending: 0 });
  });

  it('clear() aborts attempts on the wire, so they do not hold the concurrency', async () => {
    const urls: string[] = [];
    // A receiver that never answers: only an abort ends the attempt.
    const fetch = ((url: string, init: RequestInit) => {
      urls.push(url);
      if (url.endsWith('/fast')) return Promise.resolve(new Response('ok'));
      return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }) as typeof globalThis.fetch;
    const { outbox, log } = setup({ clock: createClock({ start: 0 }), fetch, concurrency: 1, timeout: 60_000 });
    outbox.publish(event('stuck'), [message({ url: 'http://receiver.test/stuck' })]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    outbox.clear();
    outbox.publish(event('next'), [message({ url: 'http://receiver.test/fast' })]);
    expect((await log.waitFor('USER_CREATED', undefined, { timeout: 1000 })).eventId).toBe('next');
    expect(urls).toEqual(['http://receiver.test/stuck', 'http://receiver.test/fast']);
  });

  it('a listener that throws does not stop the event', async () => {
    const fetch = (async () => new Response('ok')) as typeof globalThis.fetch;
    const { outbox, log } = setup({ clock: createClock({ start: 0 }), fetch });
    log.on('USER_CREATED', () => {
      throw new Error('listener bug');
    });
    outbox.publish(event('e1'), [message()]);
    expect((await log.waitFor('USER_CREATED')).outcome).toBe('delivered');
  });
});
