/**
 * The change feed: every part of a mock publishes what it changed (the clock, Smile users and tokens,
 * WuKongIM slots and connections, the journal, deliveries, faults, scenario steps, a reset), and the
 * control API's stream (`GET /__mock/stream`) hands it to its subscribers.
 */
import type { components } from '../generated/admin.types.js';

/** One event's data, as the stream sends it. */
export type ChangeEvent = components['schemas']['ChangeEvent'];

/** What a publisher names: every topic but the two the stream itself sends. */
export type ChangeTopic = Exclude<ChangeEvent['topic'], 'hello' | 'resync'>;

/** A subscriber's callback; it must not throw, and must return quickly (it runs inside the request that made the change). */
export type ChangeListener = (topic: ChangeTopic, detail?: Record<string, unknown>) => void;

/** The feed. Publishing with no subscriber costs a size check. */
export interface ChangeFeed {
  publish(topic: ChangeTopic, detail?: Record<string, unknown>): void;
  /** Returns a function that unsubscribes. */
  subscribe(listener: ChangeListener): () => void;
  readonly subscribers: number;
}

/**
 * Creates an empty feed.
 * @example const changes = createChangeFeed(); const stop = changes.subscribe((topic) => console.log(topic)); changes.publish('clock');
 */
export function createChangeFeed(): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  return {
    publish(topic, detail) {
      if (listeners.size === 0) return;
      for (const listener of listeners) listener(topic, detail);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get subscribers() {
      return listeners.size;
    },
  };
}
