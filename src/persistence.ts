/** A mock's state as plain JSON, and its optional persistence in a Storage such as localStorage. */
import { MockError } from './core/errors.js';
import type { Part } from './core/part.js';

/** The part of the Web Storage API persistence uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A mock's state as plain JSON, part by part: journals and pending deliveries are not part of it. */
export interface MockSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  seed: number;
  /** Each part's state by the part's name: the clock, the random sequence, each API. */
  state: Record<string, unknown>;
}

const SNAPSHOT_FORMAT = 'token-mock/state/2';

/**
 * Takes and restores snapshots of every part that has state.
 * @example const { snapshot, restore } = createSnapshots(1, parts);
 */
export function createSnapshots(seed: number, parts: readonly Part[]) {
  const kept = parts.filter((part) => part.snapshot && part.restore);
  return {
    snapshot: (): MockSnapshot => ({
      format: SNAPSHOT_FORMAT,
      seed,
      state: Object.fromEntries(kept.map((part) => [part.name, part.snapshot?.()])),
    }),
    /** Puts a snapshot's state in place; throws a MockError of kind `invalid-snapshot` for one of another format or seed. */
    restore(saved: MockSnapshot): void {
      if (saved?.format !== SNAPSHOT_FORMAT || saved.seed !== seed)
        throw new MockError('invalid-snapshot', `not a ${SNAPSHOT_FORMAT} snapshot of seed ${seed}`);
      for (const part of kept) part.restore?.(saved.state[part.name]);
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
