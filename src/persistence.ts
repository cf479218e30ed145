/** Persistence of a mock's state between runs, in a Storage such as localStorage or any store of text: restored at creation, saved in batches. */
import type { ErrorListener } from './core/dispatch.js';
import { type ErrorDetail, isMockError, MockError, messageOf } from './core/errors.js';
import { listErrors, type MockSnapshot } from './snapshot.js';

/** The part of the Web Storage API persistence uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where persisted state is kept, as text: a Storage key, a file. */
export interface SnapshotStore {
  /** Names the store in reports: the storage key, the file's path. */
  readonly name: string;
  /** The kept text, or null when there is none yet. */
  read(): string | null;
  /** Replaces the kept text. A write that fails must leave the previous text as it was. */
  write(text: string): void | Promise<void>;
  /** Moves a text that cannot be restored aside, where nothing overwrites it, and says where it went. */
  reject(text: string): string;
}

/**
 * How a mock keeps its state: in a Storage under `key` (default `token-mock`), or in any `store`.
 * Changes are saved at most once per `interval` real milliseconds (default 1000), and on `flush()`
 * and pagehide: a crash loses at most the last interval.
 */
export type PersistOptions = ({ storage: StorageLike; key?: string } | { store: SnapshotStore }) & { interval?: number };

/** What a mock asks of its persistence. */
export interface Persistence {
  /** Says the state may have changed: a save follows within the interval. */
  changed(): void;
  /** Saves now, after any save under way. A failure is reported through `onError`, not thrown. */
  flush(): Promise<void>;
}

/** Real milliseconds from a change to its save, at most, unless `interval` says otherwise. */
export const DEFAULT_SAVE_INTERVAL = 1000;

/**
 * A store over a Storage key. An unusable text goes to `<key>:rejected` (`:rejected:2`, … when that is taken).
 * @example const store = storageStore(localStorage, 'my-app-mock');
 */
export function storageStore(storage: StorageLike, key = 'token-mock'): SnapshotStore {
  return {
    name: key,
    read: () => storage.getItem(key),
    write: (text) => storage.setItem(key, text),
    reject(text) {
      let aside = `${key}:rejected`;
      for (let n = 2; storage.getItem(aside) !== null; n++) aside = `${key}:rejected:${n}`;
      storage.setItem(aside, text);
      storage.removeItem(key);
      return aside;
    },
  };
}

/**
 * Restores the saved state now, and returns how to save. A snapshot that cannot be restored is kept
 * aside and reported; a save that fails is reported and leaves the previous one. Both go to `onError`
 * with a context that says it was persistence.
 * @example const persistence = createPersistence({ storage: localStorage }, { snapshot, restore }, onError); persistence.changed();
 */
export function createPersistence(
  options: PersistOptions,
  snapshots: { snapshot(): MockSnapshot; restore(saved: unknown): void },
  onError?: ErrorListener,
): Persistence {
  const store = 'store' in options ? options.store : storageStore(options.storage, options.key);
  const interval = options.interval ?? DEFAULT_SAVE_INTERVAL;
  if (!(interval >= 0 && interval <= 0x7fffffff)) throw new RangeError(`persist.interval must be from 0 to 2147483647 milliseconds, not ${interval}`);
  const report = (error: unknown, persistence: 'restore' | 'save') => onError?.(error, { persistence, store: store.name });
  // Saving over a snapshot that could be neither read, restored nor kept aside would lose it for good.
  const blocked = !restoreFrom(store, snapshots.restore, report);
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> | undefined;

  const schedule = () => {
    if (timer !== undefined || writing !== undefined || blocked) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (dirty) save();
    }, interval);
    // In Node, a pending save must not keep the process alive; `flush()` is for the last one.
    (timer as { unref?: () => void }).unref?.();
  };

  /** One serialisation and one write of the whole state; a store that writes asynchronously gets one write at a time. */
  const save = (): Promise<void> | undefined => {
    if (blocked) return undefined;
    dirty = false;
    let written: void | Promise<void>;
    try {
      written = store.write(JSON.stringify(snapshots.snapshot()));
    } catch (error) {
      dirty = true; // the next change, or flush, tries again
      report(error, 'save');
      return undefined;
    }
    if (!written) return undefined;
    writing = written.then(
      () => {
        writing = undefined;
        if (dirty) schedule(); // changes that came while it was written
      },
      (error) => {
        writing = undefined;
        dirty = true;
        report(error, 'save');
      },
    );
    return writing;
  };

  const flush = async () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (writing) await writing;
    await save();
  };

  // A page may also change state without a request (the clock, in code), and a pending save would be
  // lost with the page: save when it goes away. Storage writes are synchronous, so this one completes.
  const scope = globalThis as { addEventListener?: (type: string, listener: () => void) => void; document?: { visibilityState?: string } };
  scope.addEventListener?.('pagehide', () => void flush());
  scope.addEventListener?.('visibilitychange', () => {
    if (scope.document?.visibilityState === 'hidden') void flush();
  });

  return {
    changed() {
      dirty = true;
      schedule();
    },
    flush,
  };
}

/** Restores what the store holds, if anything; returns whether saving may go on (false when that would lose an unusable snapshot). */
function restoreFrom(store: SnapshotStore, restore: (saved: unknown) => void, report: (error: unknown, persistence: 'restore') => void): boolean {
  let text: string | null;
  try {
    text = store.read();
  } catch (error) {
    report(error, 'restore');
    return false;
  }
  if (text === null) return true;
  let refusal: { detail: string; errors: ErrorDetail[]; cause: unknown };
  try {
    snapshotOrThrow(restore, text);
    return true;
  } catch (error) {
    refusal = isMockError(error)
      ? { detail: listErrors(error.errors), errors: error.errors, cause: error }
      : { detail: messageOf(error), errors: [], cause: error };
  }
  const { detail, errors, cause } = refusal;
  let aside: string;
  try {
    aside = store.reject(text);
  } catch (error) {
    const lead = `${store.name} holds a snapshot this mock cannot use, which could not be moved aside (${messageOf(error)}), so it will not be saved over`;
    report(new MockError('invalid-snapshot', `${lead}: ${detail}`, { errors, cause }), 'restore');
    return false;
  }
  report(new MockError('invalid-snapshot', `${store.name} holds a snapshot this mock cannot use (moved to ${aside}): ${detail}`, { errors, cause }), 'restore');
  return true;
}

/** Parses and restores a saved text; text that is not JSON is refused as a snapshot would be. */
function snapshotOrThrow(restore: (saved: unknown) => void, text: string): void {
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch (error) {
    const message = `is not JSON (${(error as Error).message})`;
    throw new MockError('invalid-snapshot', `the snapshot ${message}`, { errors: [{ path: '', message }], cause: error });
  }
  restore(saved);
}
