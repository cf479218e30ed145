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

/** Receivers' answers are kept for debugging; this many bytes of each. */
export const RESPONSE_LIMIT = 1024;

interface Job {
  event: WebhookEvent;
  message: Message;
  /** The receiver's origin: attempts to one origin share its limit. */
  receiver: string;
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
  const perReceiver = options.perReceiver ?? Math.max(1, Math.floor(concurrency / 4));
  const maxPending = options.maxPending ?? 10_000;
  let idleWaiters: (() => void)[] = [];
  // Jobs waiting for a slot, per receiver; receivers take turns in `rotation`.
  let queues = new Map<string, Job[]>();
  let rotation: string[] = [];
  let queued = 0;
  const busy = new Map<string, number>();
  let cancels = new Set<() => void>();
  // Aborting these frees the concurrency slots of attempts a clear() made stale.
  const onTheWire = new Set<AbortController>();
  let inFlight = 0;
  let generation = 0;

  const enqueue = (job: Job) => {
    const queue = queues.get(job.receiver);
    if (queue) queue.push(job);
    else {
      queues.set(job.receiver, [job]);
      rotation.push(job.receiver);
    }
    queued += 1;
  };

  /** Starts attempts while slots are free: receivers take turns, and none has more than its share on the wire. */
  const pump = () => {
    let index = 0;
    while (inFlight < concurrency && rotation.length > 0 && index < rotation.length) {
      const receiver = rotation[index] as string;
      if ((busy.get(receiver) ?? 0) >= perReceiver) {
        index += 1;
        continue;
      }
      const queue = queues.get(receiver) as Job[];
      const job = queue.shift() as Job;
      queued -= 1;
      // The receiver goes to the back of the line; one with nothing more to send leaves it.
      rotation.splice(index, 1);
      if (queue.length > 0) rotation.push(receiver);
      else queues.delete(receiver);
      void run(job);
    }
    if (inFlight === 0 && queued === 0) {
      const waiting = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiting) resolve();
    }
  };

  const run = async (job: Job) => {
    inFlight += 1;
    busy.set(job.receiver, (busy.get(job.receiver) ?? 0) + 1);
    const { message } = job;
    const abort = new AbortController();
    onTheWire.add(abort);
    const time = clock.now();
    let started = performance.now();
    let headers: Record<string, string> = {};
    let status: number | null = null;
    let answer: string | null = null;
    let error: string | null = null;
    // A plain timer held here, not AbortSignal.timeout(): a garbage collection can drop that signal
    // before it fires, and a receiver that never answers would then hold its slot for good.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const failure = new Error(`no answer within ${timeout} ms`);
        failure.name = 'TimeoutError';
        abort.abort(failure);
        reject(failure);
      }, timeout);
    });
    expired.catch(() => undefined);
    try {
      headers = await message.headers;
      started = performance.now(); // the receiver's time, not the signature's
      const send = options.fetch ?? fetch;
      const response = await Promise.race([
        send(message.url, { method: 'POST', headers, body: message.body, redirect: 'manual', signal: abort.signal }),
        expired,
      ]);
      status = response.status;
      // The answer's body counts against the same deadline: a receiver may send headers and then stall.
      answer = await Promise.race([readStart(response, RESPONSE_LIMIT), expired]);
      if (!message.accepts(status)) error = `the receiver answered ${status}`;
    } catch (failure) {
      error = describeFailure(failure, timeout);
    } finally {
      clearTimeout(timer);
    }
    inFlight -= 1;
    busy.set(job.receiver, (busy.get(job.receiver) ?? 1) - 1);
    if (busy.get(job.receiver) === 0) busy.delete(job.receiver);
    onTheWire.delete(abort);
    if (job.generation === generation) settle(job, { time, headers, status, answer, error, latencyMs: performance.now() - started });
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

  const settle = (job: Job, result: AttemptResult) => {
    const delay = job.message.retryDelays[job.attempt - 1];
    const outcome: Outcome = result.error === null ? 'delivered' : delay === undefined ? 'failed' : 'retrying';
    const nextAt = outcome === 'retrying' ? clock.now() + (delay as number) : null;
    record(job, result, outcome, nextAt);
    if (nextAt !== null) {
      const retry = { ...job, attempt: job.attempt + 1 };
      const cancel = clock.schedule(nextAt, () => {
        cancels.delete(cancel);
        enqueue(retry);
        pump();
      });
      cancels.add(cancel);
    }
  };

  const outstanding = (): Leftover => ({ queued, onTheWire: inFlight, retrying: cancels.size });
  const outstandingCount = () => queued + inFlight + cancels.size;
  const idle = (): Promise<void> => {
    if (inFlight === 0 && queued === 0) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  };

  return {
    publish(emitted, messages) {
      const event: WebhookEvent = { ...emitted, deliveries: messages.length };
      log.recordEvent(event);
      for (const message of messages) {
        const job: Job = { event, message, receiver: originOf(message.url), attempt: 1, generation };
        if (outstandingCount() < maxPending) enqueue(job);
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
      queues = new Map();
      rotation = [];
      queued = 0;
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
