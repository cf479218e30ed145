/** Webhook figures: signed deliveries per second, and API throughput while deliveries are pending. */
import { call, SANDBOX } from './processes.js';

interface Stats {
  delivered: number;
  pending: number;
  failed: number;
}

const statsOf = async (smile: string) => ((await call(`${smile}/__mock/webhooks/deliveries?limit=1`, 'GET')) as { stats: Stats }).stats;

/** Emits `count` events at once: a scenario with that many steps at 1 s, then the clock moved 1 s. */
async function emitBurst(smile: string, count: number): Promise<void> {
  const steps = Array.from({ length: count }, () => ({ at: '1s', emit: { api: 'smile', type: 'LINK_ADDED' } }));
  await call(`${smile}/__mock/scenarios`, 'POST', { name: 'burst', steps });
  await call(`${smile}/__mock/clock`, 'POST', { advance: '1s' });
}

/**
 * Signed deliveries per second: a burst of events, each HMAC-SHA512 signed and POSTed to a local
 * receiver in another process, timed from the emission to the last delivery the mock records.
 */
export async function deliveryRate(smile: string, receiver: string, count: number): Promise<number> {
  const burst = async (size: number) => {
    await call(`${smile}/__mock/reset`, 'POST');
    const subscription = { name: 'bench', url: receiver, eventTypes: ['ALL_EVENTS'], active: true, secret: 'bench-secret' };
    await call(`${smile}/v1/webhooks`, 'POST', subscription, { authorization: SANDBOX });
    const started = performance.now();
    await emitBurst(smile, size);
    for (;;) {
      const stats = await statsOf(smile);
      if (stats.failed > 0) throw new Error(`${stats.failed} deliveries failed during the benchmark`);
      if (stats.delivered >= size) return size / ((performance.now() - started) / 1000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await burst(count / 5); // warm-up: the delivery path compiled, the receiver's sockets open
  return burst(count);
}

/** Leaves `count` deliveries pending: the receiver holds every answer for a minute, beyond the measure. */
export async function makePending(smile: string, receiver: string, count: number): Promise<Stats> {
  await call(`${smile}/__mock/reset`, 'POST');
  const subscription = { name: 'slow', url: `${receiver}?delay=60000`, eventTypes: ['ALL_EVENTS'], active: true, secret: 's' };
  await call(`${smile}/v1/webhooks`, 'POST', subscription, { authorization: SANDBOX });
  await emitBurst(smile, count);
  return statsOf(smile);
}
