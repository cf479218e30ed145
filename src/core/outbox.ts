/**
 * The webhook outbox: every event an API emits is POSTed to each receiver at least once, retried on
 * the mock's clock, and every attempt is written to a bounded journal. API answers never wait for it:
 * publishing only queues work.
 */

import type { components } from '../generated/admin.types.js';
import type { ApiName } from './api.js';
import type { Clock } from './clock.js';
import { createRing } from './ring.js';

export type WebhookApi = Exclude<ApiName, 'admin'>;

type Schemas = components['schemas'];

/** An event an API emitted, whether or not anyone subscribed to it (the control API's `WebhookEvent`). */
export type WebhookEvent = Schemas['WebhookEvent'];

/** One delivery of an event to one receiver, as an API hands it over. */
export interface Message {
  /** Whom it goes to: a Smile webhook id, or `wukongim` for the server's configured address. */
  subscriptionId: string;
  url: string;
  /** The exact bytes sent (and signed). */
  body: string;
  /** The request headers, or their promise while a signature is computed. */
  headers: Record<string, string> | Promise<Record<string, string>>;
  /** Delays before the second, third… attempt, in ms of the mock's clock; one attempt more than delays. */
  retryDelays: readonly number[];
  /** Whether a receiver's status counts as delivered. */
  accepts(status: number): boolean;
}

/** An event that breaks its schema in the spec is not sent; this names the broken fields. */
export class EventRejected extends Error {
  constructor(readonly violations: string[]) {
    super(`the event breaks the spec: ${violations.join('; ')}`);
  }
}

/** What became of an attempt: delivered, failed with a retry scheduled, or failed for good. */
export type Outcome = Schemas['Outcome'];

/** One attempt to deliver one event to one receiver, as the control API shows it. */
export type DeliveryAttempt = Schemas['DeliveryAttempt'];

/** Counters since the last reset; they keep counting when the journal drops old attempts. */
export type DeliveryStats = Schemas['DeliveryStats'];

export interface WaitOptions {
  /** Real milliseconds to wait. Default 5000. */
  timeout?: number;
  /** Which attempts count: `delivered` (default), `failed` (given up), `retrying`, or `any`. */
  outcome?: Outcome | 'any';
}

export interface OutboxOptions {
  clock: Clock;
  /** The fetch deliveries use. Default: the global one at the time of each attempt. */
  fetch?: typeof fetch;
  /** Real milliseconds an attempt may take before it counts as failed. Default 10 000. */
  timeout?: number;
  /** Attempts on the wire at once; the rest queue. Default 32. */
  concurrency?: number;
  /** Attempts the journal holds. Default 1000. */
  journalSize?: number;
}

export interface Outbox {
  /** Records an event, tells its listeners, and queues its messages. */
  publish(event: Omit<WebhookEvent, 'deliveries'>, messages: Message[]): WebhookEvent;
  /** Held attempts, oldest first. */
  attempts(): DeliveryAttempt[];
  /** Held events, oldest first. */
  events(): WebhookEvent[];
  stats(): DeliveryStats;
  readonly capacity: number;
  /**
   * Resolves with the first attempt, already journaled or still to come, of this event type that
   * has the wanted outcome and passes `predicate`; rejects after the timeout.
   */
  waitFor(type: string, predicate?: (attempt: DeliveryAttempt) => boolean, options?: WaitOptions): Promise<DeliveryAttempt>;
  /** Calls `listener` with every event of this type (`*` for all) as it is emitted, delivered or not. */
  on(type: string, listener: (event: WebhookEvent) => void): () => void;
  /** Resolves when nothing is queued or on the wire (retries waiting on the mock's clock do not count). */
  idle(): Promise<void>;
  /** Drops the journal, queued work, scheduled retries and counters, and aborts attempts on the wire. */
  clear(): void;
}

/** Receivers' answers are kept for debugging; this many bytes of each. */
export const RESPONSE_LIMIT = 1024;

interface Job {
  event: WebhookEvent;
  message: Message;
  attempt: number;
  generation: number;
}

interface AttemptResult {
  time: number;
  headers: Record<string, string>;
  status: number | null;
  answer: string | null;
  error: string | null;
  latencyMs: number;
}

interface Waiter {
  type: string;
  matches(attempt: DeliveryAttempt): boolean;
  resolve(attempt: DeliveryAttempt): void;
}

/**
 * Creates an outbox over the mock's clock.
 * @example const outbox = createOutbox({ clock }); outbox.publish(event, [message]); await outbox.idle();
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { clock } = options;
  const timeout = options.timeout ?? 10_000;
  const concurrency = options.concurrency ?? 32;
  const journal = createRing<DeliveryAttempt>(options.journalSize ?? 1000);
  const eventLog = createRing<WebhookEvent>(options.journalSize ?? 1000);
  const listeners = new Map<string, Set<(event: WebhookEvent) => void>>();
  const waiters = new Set<Waiter>();
  let idleWaiters: (() => void)[] = [];
  let ready: Job[] = [];
  let cancels = new Set<() => void>();
  // Aborting these frees the concurrency slots of attempts a clear() made stale.
  const onTheWire = new Set<AbortController>();
  let inFlight = 0;
  let generation = 0;
  let counts = { delivered: 0, failed: 0, pending: 0 };

  const pump = () => {
    while (inFlight < concurrency && ready.length > 0) void run(ready.shift() as Job);
    if (inFlight === 0 && ready.length === 0) {
      const waiting = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiting) resolve();
    }
  };

  const run = async (job: Job) => {
    inFlight += 1;
    const { message } = job;
    const abort = new AbortController();
    onTheWire.add(abort);
    const time = clock.now();
    let started = performance.now();
    let headers: Record<string, string> = {};
    let status: number | null = null;
    let answer: string | null = null;
    let error: string | null = null;
    try {
      headers = await message.headers;
      started = performance.now(); // the receiver's time, not the signature's
      const send = options.fetch ?? fetch;
      const response = await send(message.url, {
        method: 'POST',
        headers,
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeout)]),
      });
      status = response.status;
      answer = await readStart(response, RESPONSE_LIMIT);
      if (!message.accepts(status)) error = `the receiver answered ${status}`;
    } catch (failure) {
      error = describeFailure(failure, timeout);
    }
    inFlight -= 1;
    onTheWire.delete(abort);
    if (job.generation === generation) settle(job, { time, headers, status, answer, error, latencyMs: performance.now() - started });
    pump();
  };

  const settle = (job: Job, result: AttemptResult) => {
    const { message, event } = job;
    const maxAttempts = message.retryDelays.length + 1;
    const delay = message.retryDelays[job.attempt - 1];
    const outcome: Outcome = result.error === null ? 'delivered' : delay === undefined ? 'failed' : 'retrying';
    const nextAt = outcome === 'retrying' ? clock.now() + (delay as number) : null;
    const attempt: DeliveryAttempt = {
      id: journal.total + 1,
      eventId: event.id,
      api: event.api,
      type: event.type,
      subscriptionId: message.subscriptionId,
      url: message.url,
      attempt: job.attempt,
      maxAttempts,
      time: new Date(result.time).toISOString(),
      request: { headers: result.headers, body: message.body },
      status: result.status,
      response: { body: result.answer },
      latencyMs: Math.round(result.latencyMs * 1000) / 1000,
      error: result.error,
      outcome,
      nextAttemptAt: nextAt === null ? null : new Date(nextAt).toISOString(),
    };
    journal.push(attempt);
    if (outcome === 'delivered') counts.delivered += 1;
    if (outcome === 'failed') counts.failed += 1;
    if (outcome !== 'retrying') counts.pending -= 1;
    if (nextAt !== null) {
      const retry = { ...job, attempt: job.attempt + 1 };
      const cancel = clock.schedule(nextAt, () => {
        cancels.delete(cancel);
        ready.push(retry);
        pump();
      });
      cancels.add(cancel);
    }
    for (const waiter of waiters) {
      if (waiter.type === attempt.type && waiter.matches(attempt)) {
        waiters.delete(waiter);
        waiter.resolve(attempt);
      }
    }
  };

  const wanted = (outcome: Outcome | 'any', predicate: (attempt: DeliveryAttempt) => boolean) => (attempt: DeliveryAttempt) =>
    (outcome === 'any' || attempt.outcome === outcome) && predicate(attempt);

  return {
    publish(emitted, messages) {
      const event: WebhookEvent = { ...emitted, deliveries: messages.length };
      eventLog.push(event);
      for (const type of [event.type, '*']) {
        for (const listener of listeners.get(type) ?? []) {
          try {
            listener(event);
          } catch {
            // A listener's failure is its own; the event still goes out.
          }
        }
      }
      counts.pending += messages.length;
      for (const message of messages) ready.push({ event, message, attempt: 1, generation });
      // Attempts start after the caller's answer is on its way.
      if (messages.length > 0) queueMicrotask(pump);
      return event;
    },
    attempts: () => journal.items(),
    events: () => eventLog.items(),
    stats: () => ({ events: eventLog.total, attempts: journal.total, ...counts }),
    capacity: journal.capacity,
    waitFor(type, predicate = () => true, waitOptions = {}) {
      const matches = wanted(waitOptions.outcome ?? 'delivered', predicate);
      const seen = journal.items().find((attempt) => attempt.type === type && matches(attempt));
      if (seen) return Promise.resolve(seen);
      const limit = waitOptions.timeout ?? 5000;
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          type,
          matches,
          resolve(attempt) {
            clearTimeout(timer);
            resolve(attempt);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const tried = journal.items().filter((attempt) => attempt.type === type).length;
          reject(new Error(`no ${type} delivery matched within ${limit} ms (${tried} attempt(s) of that type in the journal)`));
        }, limit);
        waiters.add(waiter);
      });
    },
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      set.add(listener);
      listeners.set(type, set);
      return () => set.delete(listener);
    },
    idle() {
      if (inFlight === 0 && ready.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    clear() {
      generation += 1;
      for (const abort of onTheWire) abort.abort();
      onTheWire.clear();
      for (const cancel of cancels) cancel();
      cancels = new Set();
      ready = [];
      journal.clear();
      eventLog.clear();
      counts = { delivered: 0, failed: 0, pending: 0 };
      pump();
    },
  };
}

/** Reads at most `limit` bytes of an answer and lets the rest go. */
async function readStart(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= limit) await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return new TextDecoder().decode(bytes);
}

/** Says why no answer came, in the terms of the network rather than of the fetch implementation. */
function describeFailure(failure: unknown, timeout: number): string {
  const error = failure as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeout} ms`;
  const cause = error.cause;
  if (cause?.code) return `${cause.code}: ${cause.message ?? error.message}`;
  return error.message ?? String(failure);
}
