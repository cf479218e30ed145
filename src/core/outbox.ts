/**
 * The webhook outbox, the delivery engine: every event an API emits is POSTed to each receiver at
 * least once, a bounded number at a time, retried on the mock's clock. API answers never wait for it:
 * publishing only queues work. What became of each attempt goes to the delivery log.
 */

import type { ApiName } from './api.js';
import type { Clock } from './clock.js';
import type { DeliveryLog, Outcome, WebhookEvent } from './delivery-log.js';

export type WebhookApi = Exclude<ApiName, 'admin'>;

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

export interface OutboxOptions {
  clock: Clock;
  /** Where events and attempts are recorded. */
  log: DeliveryLog;
  /** The fetch deliveries use. Default: the global one at the time of each attempt. */
  fetch?: typeof fetch;
  /** Real milliseconds an attempt may take before it counts as failed. Default 10 000. */
  timeout?: number;
  /** Attempts on the wire at once; the rest queue. Default 32. */
  concurrency?: number;
}

export interface Outbox {
  /** Records an event, tells its listeners, and queues its messages. */
  publish(event: Omit<WebhookEvent, 'deliveries'>, messages: Message[]): WebhookEvent;
  /** Resolves when nothing is queued or on the wire (retries waiting on the mock's clock do not count). */
  idle(): Promise<void>;
  /** Drops queued work, scheduled retries and the log, and aborts attempts on the wire. */
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

/**
 * Creates an outbox over the mock's clock.
 * @example const outbox = createOutbox({ clock, log: createDeliveryLog() }); outbox.publish(event, [message]); await outbox.idle();
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { clock, log } = options;
  const timeout = options.timeout ?? 10_000;
  const concurrency = options.concurrency ?? 32;
  let idleWaiters: (() => void)[] = [];
  let ready: Job[] = [];
  let cancels = new Set<() => void>();
  // Aborting these frees the concurrency slots of attempts a clear() made stale.
  const onTheWire = new Set<AbortController>();
  let inFlight = 0;
  let generation = 0;

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
    const delay = message.retryDelays[job.attempt - 1];
    const outcome: Outcome = result.error === null ? 'delivered' : delay === undefined ? 'failed' : 'retrying';
    const nextAt = outcome === 'retrying' ? clock.now() + (delay as number) : null;
    log.recordAttempt({
      eventId: event.id,
      api: event.api,
      type: event.type,
      subscriptionId: message.subscriptionId,
      url: message.url,
      attempt: job.attempt,
      maxAttempts: message.retryDelays.length + 1,
      time: new Date(result.time).toISOString(),
      request: { headers: result.headers, body: message.body },
      status: result.status,
      response: { body: result.answer },
      latencyMs: Math.round(result.latencyMs * 1000) / 1000,
      error: result.error,
      outcome,
      nextAttemptAt: nextAt === null ? null : new Date(nextAt).toISOString(),
    });
    if (nextAt !== null) {
      const retry = { ...job, attempt: job.attempt + 1 };
      const cancel = clock.schedule(nextAt, () => {
        cancels.delete(cancel);
        ready.push(retry);
        pump();
      });
      cancels.add(cancel);
    }
  };

  return {
    publish(emitted, messages) {
      const event: WebhookEvent = { ...emitted, deliveries: messages.length };
      log.recordEvent(event);
      for (const message of messages) ready.push({ event, message, attempt: 1, generation });
      // Attempts start after the caller's answer is on its way.
      if (messages.length > 0) queueMicrotask(pump);
      return event;
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
      log.clear();
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
