/**
 * What became of webhook events, for people and tests to observe: the events emitted, every delivery
 * attempt (bounded rings), counters that never drop, listeners per event type, and waiting on an
 * attempt. The delivery engine (`outbox.ts`) writes to it; nothing here sends anything.
 */

import type { components } from '../generated/admin.types.js';
import type { ChangeFeed } from './changes.js';
import { createRing } from './ring.js';

type Schemas = components['schemas'];

/** An event an API emitted, whether or not anyone subscribed to it (the control API's `WebhookEvent`). */
export type WebhookEvent = Schemas['WebhookEvent'];

/** What became of an attempt: delivered, failed with a retry scheduled, or failed for good. */
export type Outcome = Schemas['Outcome'];

/** One attempt to deliver one event to one receiver, as the control API shows it. */
export type DeliveryAttempt = Schemas['DeliveryAttempt'];

/** Counters since the last reset; they keep counting when the journal drops old attempts. */
export type DeliveryStats = Schemas['DeliveryStats'];

/** The counters the log keeps; the outbox adds how the pending ones are split. */
export type DeliveryCounts = Omit<DeliveryStats, 'queued' | 'onTheWire' | 'retrying'>;

export interface WaitOptions {
  /** Real milliseconds to wait. Default 5000. */
  timeout?: number;
  /** Which attempts count: `delivered` (default), `failed` (given up), `retrying`, or `any`. */
  outcome?: Outcome | 'any';
}

/** Reading the log. */
export interface DeliveryObserver {
  /** Held attempts, oldest first. */
  attempts(): DeliveryAttempt[];
  /** Held events, oldest first. */
  events(): WebhookEvent[];
  stats(): DeliveryCounts;
  /** How many attempts the journal holds. */
  readonly capacity: number;
  /**
   * Resolves with the first attempt, already journaled or still to come, of this event type that
   * has the wanted outcome and passes `predicate`; rejects after the timeout.
   */
  waitFor(type: string, predicate?: (attempt: DeliveryAttempt) => boolean, options?: WaitOptions): Promise<DeliveryAttempt>;
  /** Calls `listener` with every event of this type (`*` for all) as it is emitted, delivered or not. */
  on(type: string, listener: (event: WebhookEvent) => void): () => void;
  /** Calls `listener` with every delivery attempt as it is journaled (delivered, retrying, failed); returns the way to stop. */
  onAttempt(listener: (attempt: DeliveryAttempt) => void): () => void;
}

/** Writing the log, as the delivery engine does. */
export interface DeliveryLog extends DeliveryObserver {
  /** Records an emitted event with the number of deliveries it queued, and tells its listeners. */
  recordEvent(event: WebhookEvent): void;
  /** Records an attempt (its `id` is assigned here), counts its outcome and wakes its waiters. */
  recordAttempt(attempt: Omit<DeliveryAttempt, 'id'>): DeliveryAttempt;
  clear(): void;
}

interface Waiter {
  type: string;
  matches(attempt: DeliveryAttempt): boolean;
  resolve(attempt: DeliveryAttempt): void;
}

/**
 * Creates a log holding the newest `size` events and attempts; each one recorded is published to `changes`.
 * @example const log = createDeliveryLog(1000); await log.waitFor('USER_CREATED');
 */
export function createDeliveryLog(size = 1000, changes?: ChangeFeed): DeliveryLog {
  const journal = createRing<DeliveryAttempt>(size);
  const eventLog = createRing<WebhookEvent>(size);
  const listeners = new Map<string, Set<(event: WebhookEvent) => void>>();
  const waiters = new Set<Waiter>();
  const attemptListeners = new Set<(attempt: DeliveryAttempt) => void>();
  let counts = { delivered: 0, failed: 0, pending: 0 };

  const wanted = (outcome: Outcome | 'any', predicate: (attempt: DeliveryAttempt) => boolean) => (attempt: DeliveryAttempt) =>
    (outcome === 'any' || attempt.outcome === outcome) && predicate(attempt);

  return {
    recordEvent(event) {
      eventLog.push(event);
      counts.pending += event.deliveries;
      changes?.publish('deliveries', { event: event.id, type: event.type });
      for (const type of [event.type, '*']) {
        for (const listener of listeners.get(type) ?? []) {
          try {
            listener(event);
          } catch {
            // A listener's failure is its own; the event still goes out.
          }
        }
      }
    },
    recordAttempt(fields) {
      const attempt: DeliveryAttempt = { id: journal.total + 1, ...fields };
      journal.push(attempt);
      changes?.publish('deliveries', { attempt: attempt.id, outcome: attempt.outcome });
      if (attempt.outcome === 'delivered') counts.delivered += 1;
      if (attempt.outcome === 'failed') counts.failed += 1;
      if (attempt.outcome !== 'retrying') counts.pending -= 1;
      for (const listener of attemptListeners) {
        try {
          listener(attempt);
        } catch {
          // A listener's failure is its own; the delivery is journaled all the same.
        }
      }
      for (const waiter of waiters) {
        if (waiter.type === attempt.type && waiter.matches(attempt)) {
          waiters.delete(waiter);
          waiter.resolve(attempt);
        }
      }
      return attempt;
    },
    attempts: () => journal.items(),
    events: () => eventLog.items(),
    stats: () => ({ events: eventLog.total, attempts: journal.total, ...counts }),
    capacity: journal.capacity,
    waitFor(type, predicate = () => true, options = {}) {
      const matches = wanted(options.outcome ?? 'delivered', predicate);
      const seen = journal.items().find((attempt) => attempt.type === type && matches(attempt));
      if (seen) return Promise.resolve(seen);
      const limit = options.timeout ?? 5000;
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
    onAttempt(listener) {
      attemptListeners.add(listener);
      return () => attemptListeners.delete(listener);
    },
    clear() {
      journal.clear();
      eventLog.clear();
      counts = { delivered: 0, failed: 0, pending: 0 };
    },
  };
}
