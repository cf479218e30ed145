/**
 * The webhook outbox, the delivery engine: every event an API emits is POSTed to each receiver at
 * least once, a bounded number at a time, retried on the mock's clock. API answers never wait for it:
 * publishing only queues work. What became of each attempt goes to the delivery log.
 */

import type { ApiName } from './api.js';
import type { Clock } from './clock.js';
import { type AttemptRequest, type AttemptResult, attemptDelivery } from './delivery-attempt.js';
import type { DeliveryLog, Outcome, WebhookEvent } from './delivery-log.js';
import { createReceiverQueue } from './receiver-queue.js';

export type WebhookApi = Exclude<ApiName, 'admin'>;

/** One delivery of an event to one receiver, as an API hands it over. */
export interface Message extends AttemptRequest {
  /** Whom it goes to: a Smile webhook id, or `wukongim` for the server's configured address. */
  subscriptionId: string;
  /** The exact bytes sent (and signed). */
  body: string;
  /** Delays before the second, third… attempt, in ms of the mock's clock; one attempt more than delays. */
  retryDelays: readonly number[];
}

export interface OutboxOptions {
  clock: Clock;
  /** Where events and attempts are recorded. */
  log: DeliveryLog;
  /** The fetch deliveries use. Default: the global one at the time of each attempt. */
  fetch?: typeof fetch;
  /** Real milliseconds an attempt may take, answer included, before it counts as failed. Default 10 000. */
  timeout?: number;
  /** Attempts on the wire at once; the rest queue. Default 32. */
  concurrency?: number;
  /** Attempts on the wire at once to one receiver (one origin), so a slow one cannot hold every slot. Default: a quarter of `concurrency`. */
  perReceiver?: number;
  /**
   * Deliveries outstanding at most: queued, on the wire, or waiting on the clock for a retry. Beyond
   * it a new delivery is not queued but journaled at once as failed, so memory stays bounded and
   * nothing is dropped without a record. Default 10 000.
   */
  maxPending?: number;
}

/** What was still outstanding when the outbox stopped waiting. */
export interface Leftover {
  queued: number;
  onTheWire: number;
  /** Retries waiting for the mock's clock. */
  retrying: number;
}

export interface Outbox {
  /** Records an event, tells its listeners, and queues its messages. */
  publish(event: Omit<WebhookEvent, 'deliveries'>, messages: Message[]): WebhookEvent;
  /** Resolves when nothing is queued or on the wire (retries waiting on the mock's clock do not count). */
  idle(): Promise<void>;
  /** Waits at most `ms` real milliseconds for the outbox to be idle; resolves with what is still outstanding. */
  drain(ms: number): Promise<Leftover>;
  /** What is outstanding now. */
  outstanding(): Leftover;
  /** Drops queued work, scheduled retries and the log, and aborts attempts on the wire. */
  clear(): void;
}

interface Job {
  event: WebhookEvent;
  message: Message;
  attempt: number;
  generation: number;
}

/**
 * Creates an outbox over the mock's clock.
 * @example const outbox = createOutbox({ clock, log: createDeliveryLog() }); outbox.publish(event, [message]); await outbox.idle();
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { clock, log } = options;
  const timeout = options.timeout ?? 10_000;
  const concurrency = options.concurrency ?? 32;
  const queue = createReceiverQueue<Job>({ concurrency, perReceiver: options.perReceiver ?? Math.max(1, Math.floor(concurrency / 4)) });
  const maxPending = options.maxPending ?? 10_000;
  let idleWaiters: (() => void)[] = [];
  let cancels = new Set<() => void>();
  // Aborting these frees the concurrency slots of attempts a clear() made stale.
  const onTheWire = new Set<AbortController>();
  let generation = 0;

  const isIdle = () => queue.onTheWire === 0 && queue.queued === 0;

  /** Starts attempts while slots are free, and tells the waiters once nothing is left to send. */
  const pump = () => {
    for (let next = queue.take(); next; next = queue.take()) void run(next.receiver, next.item);
    if (isIdle()) {
      const waiting = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiting) resolve();
    }
  };

  const run = async (receiver: string, job: Job) => {
    const abort = new AbortController();
    onTheWire.add(abort);
    const result = await attemptDelivery(job.message, { fetch: options.fetch, timeout, abort, now: clock.now() });
    queue.finished(receiver);
    onTheWire.delete(abort);
    if (job.generation === generation) settle(job, result);
    pump();
  };

  const record = (job: Job, result: AttemptResult, outcome: Outcome, nextAt: number | null) =>
    log.recordAttempt({
      eventId: job.event.id,
      api: job.event.api,
      type: job.event.type,
      subscriptionId: job.message.subscriptionId,
      url: job.message.url,
      attempt: job.attempt,
      maxAttempts: job.message.retryDelays.length + 1,
      time: new Date(result.time).toISOString(),
      request: { headers: result.headers, body: job.message.body },
      status: result.status,
      response: { body: result.answer },
      latencyMs: Math.round(result.latencyMs * 1000) / 1000,
      error: result.error,
      outcome,
      nextAttemptAt: nextAt === null ? null : new Date(nextAt).toISOString(),
    });

  /** Records an attempt, and schedules the next one on the mock's clock when it failed and one is left. */
  const settle = (job: Job, result: AttemptResult) => {
    const delay = job.message.retryDelays[job.attempt - 1];
    const outcome: Outcome = result.error === null ? 'delivered' : delay === undefined ? 'failed' : 'retrying';
    const nextAt = outcome === 'retrying' ? clock.now() + (delay as number) : null;
    record(job, result, outcome, nextAt);
    if (nextAt !== null) {
      const retry = { ...job, attempt: job.attempt + 1 };
      const cancel = clock.schedule(nextAt, () => {
        cancels.delete(cancel);
        queue.push(originOf(retry.message.url), retry);
        pump();
      });
      cancels.add(cancel);
    }
  };

  const outstanding = (): Leftover => ({ queued: queue.queued, onTheWire: queue.onTheWire, retrying: cancels.size });
  const outstandingCount = () => queue.queued + queue.onTheWire + cancels.size;
  const idle = (): Promise<void> => (isIdle() ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)));

  return {
    publish(emitted, messages) {
      const event: WebhookEvent = { ...emitted, deliveries: messages.length };
      log.recordEvent(event);
      for (const message of messages) {
        const job: Job = { event, message, attempt: 1, generation };
        if (outstandingCount() < maxPending) queue.push(originOf(message.url), job);
        else {
          const error = `not sent: ${maxPending} deliveries were already outstanding (the outbox's bound)`;
          record(job, { time: clock.now(), headers: {}, status: null, answer: null, error, latencyMs: 0 }, 'failed', null);
        }
      }
      // Attempts start after the caller's answer is on its way.
      if (messages.length > 0) queueMicrotask(pump);
      return event;
    },
    idle,
    async drain(ms) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([idle(), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
      return outstanding();
    },
    outstanding,
    clear() {
      generation += 1;
      for (const abort of onTheWire) abort.abort();
      onTheWire.clear();
      for (const cancel of cancels) cancel();
      cancels = new Set();
      queue.clear();
      log.clear();
      pump();
    },
  };
}

/** The origin of a receiver's URL, which its attempts share a limit by. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
