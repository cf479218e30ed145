/** A mock's state as plain JSON, and its optional persistence in a Storage such as localStorage. */
import type { Api } from './core/api.js';
import type { Clock } from './core/clock.js';
import type { Random } from './core/random.js';

/** The part of the Web Storage API persistence uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A mock's state as plain JSON: journals and pending deliveries are not part of it. */
export interface MockSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  seed: number;
  clock: { now: number; frozen: boolean; offset: number };
  random: number[];
  apis: Record<string, unknown>;
}

const SNAPSHOT_FORMAT = 'token-mock/state/1';

/**
 * Takes and restores snapshots of the clock, the random sequence and each API's state.
 * @example const { snapshot, restore } = createSnapshots({ seed: 1, clock, random, apis: [wukongim, smile] });
 */
export function createSnapshots(parts: { seed: number; clock: Clock; random: Random; apis: Api[] }) {
  const { seed, clock, random, apis } = parts;
  return {
    snapshot: (): MockSnapshot => ({
      format: SNAPSHOT_FORMAT,
      seed,
      clock: { now: clock.now(), frozen: clock.frozen, offset: clock.now() - Date.now() },
      random: random.state(),
      apis: Object.fromEntries(apis.map((api) => [api.name, api.snapshot?.()])),
    }),
    /** Puts a snapshot's state in place; throws a RangeError for one of another format or seed. */
    restore(saved: MockSnapshot): void {
      if (saved?.format !== SNAPSHOT_FORMAT || saved.seed !== seed) throw new RangeError(`not a ${SNAPSHOT_FORMAT} snapshot of seed ${seed}`);
      // A frozen clock comes back where it stood; a running one keeps its distance from real time.
      clock.set(saved.clock.frozen ? saved.clock.now : Date.now() + saved.clock.offset);
      clock.freeze(saved.clock.frozen);
      random.restore(saved.random);
      for (const api of apis) api.restore?.(saved.apis[api.name]);
    },
  };
}

/** Restores from storage now, and returns how to save. A snapshot that cannot be used is dropped. */
export function createPersistence(persist: { storage: StorageLike; key?: string }, snapshot: () => MockSnapshot, restore: (saved: MockSnapshot) => void) {
  const key = persist.key ?? 'token-mock';
  try {
    const saved = persist.storage.getItem(key);
    if (saved !== null) restore(JSON.parse(saved) as MockSnapshot);
  } catch {
    persist.storage.removeItem(key);
  }
  const save = () => {
    try {
      persist.storage.setItem(key, JSON.stringify(snapshot()));
    } catch {
      // A full or unavailable storage only loses persistence, never an answer.
    }
  };
  // A page may also change state without a request (the clock, in code): save when it goes away.
  (globalThis as { addEventListener?: (type: string, listener: () => void) => void }).addEventListener?.('pagehide', save);
  return { save };
}
