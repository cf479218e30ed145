/**
 * `serve --state-file FILE`: the mock's state in a file. Each save is written whole to `FILE.tmp` in
 * the same folder, synced, and renamed over FILE, so FILE always holds a complete save, even after a
 * kill -9 or a power cut in the middle of one. A file that cannot be restored is moved aside. The
 * server holds `FILE.lock` while it runs (state-lock.ts), so a second one never reads or moves it.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PersistenceContext } from '../core/dispatch.js';
import { isMockError, messageOf } from '../core/errors.js';
import type { Mock } from '../mock.js';
import { DEFAULT_SAVE_INTERVAL, type SnapshotStore } from '../persistence.js';
import { lockStateFile, StateFileInUse, type StateLock } from './state-lock.js';

/** The state file of `token-mock serve`: its store, and what the command says about it. */
export interface StateFile {
  store: SnapshotStore;
  /** Takes a persistence failure: a refusal at start is kept for `exitIfRefused`; a failed save is printed. */
  failed(error: unknown, where: PersistenceContext): void;
  /** Ends the process with exit code 2 when the file could not be restored: starting afresh must be a choice. */
  exitIfRefused(seed: number): void;
  /** The start-up line: the file, what was restored, and when it is saved. */
  describe(mock: Mock, interval?: number): string;
  /** Gives the file up at shutdown, after the last save: another server may take it then. */
  release(): void;
}

/**
 * Opens `--state-file`: the mock restores it at creation through `store`, and reports back through `failed`.
 * @example const state = openStateFile('state.json'); createMock({ persist: { store: state.store }, onError: (e, w) => 'persistence' in w && state.failed(e, w) });
 */
export function openStateFile(path: string): StateFile {
  // Before anything reads or moves the file: a running server's file is never touched.
  let lock: StateLock;
  try {
    lock = lockStateFile(path);
  } catch (error) {
    console.error(`token-mock: ${error instanceof StateFileInUse ? error.message : `cannot lock --state-file ${path}: ${messageOf(error)}`}`);
    process.exit(2);
  }
  const file = fileStore(path);
  let found = false;
  let refusal: unknown;
  const store: SnapshotStore = {
    ...file,
    read() {
      const text = file.read();
      found = text !== null;
      return text;
    },
  };
  return {
    store,
    failed(error, where) {
      if (where.persistence === 'restore') refusal ??= error;
      else console.error(`token-mock: could not save the state to ${path}, which keeps the previous save; the next change tries again:`, messageOf(error));
    },
    exitIfRefused(seed) {
      if (refusal === undefined) return;
      if (isMockError(refusal)) {
        console.error(`token-mock: ${refusal.message}`);
        console.error(`token-mock: not started. Start again to begin from seed ${seed}, or put a usable state file back at ${path}.`);
      } else {
        console.error(`token-mock: cannot read --state-file ${path}: ${messageOf(refusal)}`);
      }
      process.exit(2);
    },
    release: () => lock.release(),
    describe(mock, interval = DEFAULT_SAVE_INTERVAL) {
      const what = found ? `restored ${mock.smile.userCount} users` : 'new';
      return `${path}  (${what}; saved at most ${shortDuration(interval)} after a change, and on shutdown)`;
    },
  };
}

/**
 * A store over one file: read at start, replaced atomically on each save, moved to `FILE.rejected`
 * (`.rejected.2`, … when that is taken) when it cannot be restored.
 * @example createMock({ persist: { store: fileStore('state.json'), interval: 1000 } })
 */
export function fileStore(path: string): SnapshotStore {
  const temporary = `${path}.tmp`;
  return {
    name: path,
    read() {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async write(text) {
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(text, 'utf8');
        // On disk before the rename, or a crash of the machine could leave FILE naming an empty file.
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
      await syncFolder(dirname(path));
    },
    reject() {
      let aside = `${path}.rejected`;
      for (let n = 2; existsSync(aside); n++) aside = `${path}.rejected.${n}`;
      renameSync(path, aside);
      return aside;
    },
  };
}

/** Makes a rename in a folder durable. Some systems (Windows) cannot open a folder for it; there the rename stands as it is. */
async function syncFolder(folder: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Not an error for the save: the file itself is complete and in place.
  } finally {
    await handle?.close();
  }
}

/** 1000 as `1s`, 90000 as `90s`, 3600000 as `1h`: the way the flag is written. */
function shortDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
