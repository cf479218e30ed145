/**
 * The lock a running `serve --state-file FILE` holds on FILE: `FILE.lock`, created exclusively, with
 * the holder's pid. A second server reads it and refuses to start before it touches FILE; a lock whose
 * process is gone (a kill -9, a crash) is stale and taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** A held lock: release it at shutdown (it is also released when the process exits). */
export interface StateLock {
  readonly path: string;
  release(): void;
}

/** Why a state file cannot be locked: another live process holds it. */
export class StateFileInUse extends Error {
  constructor(
    readonly file: string,
    readonly holder: { pid: number; host: string },
  ) {
    super(
      `--state-file ${file} is in use by process ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`} (its lock is ${file}.lock); ` +
        'stop that server, or give this one another --state-file',
    );
    this.name = 'StateFileInUse';
  }
}

/**
 * Takes the lock on `file`, or throws StateFileInUse naming the process that holds it.
 * @example const lock = lockStateFile('state.json'); … lock.release();
 */
export function lockStateFile(file: string): StateLock {
  const path = `${file}.lock`;
  const owner = `${process.pid} ${hostname()}\n`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, owner);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = readHolder(path);
      // A lock of a live process, or of another machine (whose processes this one cannot see), holds.
      if (holder && (holder.host !== hostname() || alive(holder.pid))) throw new StateFileInUse(file, holder);
      unlinkSync(path);
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    // Only a lock that is still this process's: never one another server took over.
    if (readFileSafe(path) === owner) unlinkSync(path);
  };
  process.once('exit', release);
  return { path, release };
}

function readHolder(path: string): { pid: number; host: string } | undefined {
  const [pid, host = hostname()] = (readFileSafe(path) ?? '').trim().split(' ');
  const number = Number(pid);
  // An empty or garbled lock is a server that died while writing it.
  return Number.isSafeInteger(number) && number > 0 ? { pid: number, host } : undefined;
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether a process runs: signal 0 checks without sending; EPERM means it runs as another user. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
