/** A mock's state as plain JSON, and its optional persistence in a Storage such as localStorage. */
import type { MockSnapshot } from './snapshot.js';

/** The part of the Web Storage API persistence uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
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
