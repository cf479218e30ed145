/**
 * One subscriber of the change feed, as Server-Sent Events text. Its queue is bounded: a client that
 * falls behind (a stuck tab, a socket that stopped reading) has its backlog dropped and gets one
 * `resync` event, so the mock's memory does not grow with it. Events are handed out in batches, at
 * most one every `batchMs`, so a burst of requests costs the client one write, not one per request;
 * and an event that repeats one still queued (same topic, the same detail object) is merged into it
 * and counted, so steady traffic (a load test's thousand token updates a second) queues a handful of
 * events. Publishers of frequent events reuse their detail objects for that (`dispatch.ts`).
 */
import type { ChangeEvent, ChangeFeed } from './changes.js';

/** How a stream buffers and paces. */
export interface EventStreamOptions {
  /** Events queued at most before the backlog is dropped for a `resync`. Default 256. */
  maxQueued?: number;
  /** Real ms between two batches at least. Default 50. */
  batchMs?: number;
  /** Real ms of silence before a comment line keeps the connection open. Default 15 000. */
  keepAliveMs?: number;
}

/** A subscriber's side of the stream. */
export interface EventStream {
  /**
   * The next chunk of `text/event-stream`: every event queued since the last call (waiting until
   * there is one, or a keep-alive comment after a silence); undefined once the stream is closed.
   * Nothing is taken from the feed for a client that does not ask: that is its backpressure.
   */
  next(): Promise<string | undefined>;
  /** Unsubscribes; a pending `next` resolves with undefined. */
  close(): void;
  /** Events waiting to be taken. */
  readonly queued: number;
  /** How many times this client fell behind and its backlog was dropped. */
  readonly resyncs: number;
}

/** Where the mock's clock stands, stamped on every event. */
export interface ClockReading {
  now(): number;
  readonly frozen: boolean;
}

interface Queued {
  topic: ChangeEvent['topic'];
  at: number;
  frozen: boolean;
  count: number;
  detail?: Record<string, unknown>;
}

/**
 * Subscribes to `feed`. The first chunk holds a `hello` event (and the client's retry delay).
 * @example const stream = openEventStream(changes, clock); for (let chunk = await stream.next(); chunk; chunk = await stream.next()) write(chunk);
 */
export function openEventStream(feed: ChangeFeed, clock: ClockReading, options: EventStreamOptions = {}): EventStream {
  const maxQueued = options.maxQueued ?? 256;
  const batchMs = options.batchMs ?? 50;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  let queue: Queued[] = [{ topic: 'hello', at: clock.now(), frozen: clock.frozen, count: 1 }];
  /** The queued events by topic and detail object, to merge repeats into. */
  let queuedByKey = new Map<ChangeEvent['topic'], Map<Record<string, unknown> | undefined, Queued>>();
  let sequence = 0;
  let lastTaken = -Infinity;
  let resyncs = 0;
  let closed = false;
  let waiter: ((chunk: string | undefined) => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let batchDue = false;

  const stamp = (topic: ChangeEvent['topic'], detail?: Record<string, unknown>): Queued => ({ topic, at: clock.now(), frozen: clock.frozen, count: 1, detail });

  const take = (): string => {
    lastTaken = Date.now();
    if (queue.length === 0) return ':\n\n';
    let text = sequence === 0 ? 'retry: 2000\n' : '';
    for (const event of queue) {
      sequence += 1;
      const data: ChangeEvent = { topic: event.topic, now: new Date(event.at).toISOString(), frozen: event.frozen, count: event.count };
      if (event.detail) data.detail = event.detail;
      text += `id: ${sequence}\nevent: ${event.topic}\ndata: ${JSON.stringify(data)}\n\n`;
    }
    queue = [];
    queuedByKey = new Map();
    return text;
  };

  const settle = () => {
    timer = undefined;
    batchDue = false;
    const resolve = waiter;
    waiter = undefined;
    resolve?.(closed ? undefined : take());
  };

  const arm = (delay: number) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(settle, delay);
    // In Node, an open stream's timer must not keep the process alive on its own.
    (timer as { unref?: () => void }).unref?.();
  };

  const batchDelay = () => Math.max(0, lastTaken + batchMs - Date.now());

  const unsubscribe = feed.subscribe((topic, detail) => {
    let byDetail = queuedByKey.get(topic);
    const queued = byDetail?.get(detail);
    if (queued) {
      queued.count += 1;
      queued.at = clock.now();
      queued.frozen = clock.frozen;
    } else if (queue.length >= maxQueued) {
      queue = [stamp('resync')];
      queuedByKey = new Map();
      resyncs += 1;
    } else {
      const event = stamp(topic, detail);
      queue.push(event);
      if (!byDetail) {
        byDetail = new Map();
        queuedByKey.set(topic, byDetail);
      }
      byDetail.set(detail, event);
    }
    if (waiter && !batchDue) {
      batchDue = true;
      arm(batchDelay());
    }
  });

  return {
    next() {
      if (closed) return Promise.resolve(undefined);
      if (waiter) throw new Error('EventStream.next was called again before the last call settled');
      return new Promise((resolve) => {
        waiter = resolve;
        if (queue.length > 0) {
          batchDue = true;
          arm(batchDelay());
        } else arm(keepAliveMs);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      queue = [];
      queuedByKey = new Map();
      if (timer !== undefined) clearTimeout(timer);
      settle();
    },
    get queued() {
      return queue.length;
    },
    get resyncs() {
      return resyncs;
    },
  };
}
