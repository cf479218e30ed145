/**
 * `--record <file>`: every HTTP exchange since start, as HAR 1.2, written to a file atomically (a
 * temporary file, then a rename) at most a second after it changes, and at shutdown. Bounded by
 * `--record-max-entries`: past it, later exchanges are left out and the log says so once.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Entry } from 'har-format';
import { PACKAGE_VERSION } from '../generated/version.js';
import { harDocument, harEntry } from '../har/write.js';
import type { Mock } from '../mock.js';

export interface RecordingOptions {
  file: string;
  maxEntries: number;
  /** Keep tokens and secrets instead of REDACTED. */
  secrets: boolean;
  /** Told once when the bound is reached, and of every write that failed. */
  notice: (message: string) => void;
}

/** A recording in progress. */
export interface Recording {
  /** Writes what has changed since the last write, and stops listening: at shutdown. */
  close(): Promise<void>;
}

/** How often, at most, the file is rewritten while exchanges come in. */
const WRITE_INTERVAL_MS = 1_000;

/**
 * Starts recording a mock's exchanges into a file (written at once, empty, so a bad path fails at start).
 * @example const recording = await startRecording(mock, { file: 'session.har', maxEntries: 10_000, secrets: false, notice: console.error });
 */
export async function startRecording(mock: Mock, options: RecordingOptions): Promise<Recording> {
  const entries: Entry[] = [];
  let changed = false;
  let full = false;
  let writing: Promise<void> = Promise.resolve();
  const temporary = `${options.file}.${process.pid}.tmp`;
  // Written whole beside the file, then renamed over it; a temporary file a failure leaves is removed.
  const replace = (text: string) =>
    writeFile(temporary, text)
      .then(() => rename(temporary, options.file))
      .catch(async (error: Error) => {
        await rm(temporary, { force: true });
        throw error;
      });
  const write = () => {
    changed = false;
    const text = `${JSON.stringify(harDocument(entries, PACKAGE_VERSION), null, 2)}\n`;
    writing = writing.then(() => replace(text)).catch((error: Error) => options.notice(`cannot write the recording ${options.file}: ${error.message}`));
    return writing;
  };
  await replace(`${JSON.stringify(harDocument([], PACKAGE_VERSION), null, 2)}\n`);
  const stop = mock.journal.onRecord((recorded) => {
    const entry = harEntry(recorded, { secrets: options.secrets });
    if (!entry) return;
    if (entries.length >= options.maxEntries) {
      if (!full) options.notice(`the recording ${options.file} holds ${options.maxEntries} exchanges (--record-max-entries); later ones are left out`);
      full = true;
      return;
    }
    entries.push(entry);
    changed = true;
  });
  const timer = setInterval(() => {
    if (changed) void write();
  }, WRITE_INTERVAL_MS);
  timer.unref();
  return {
    async close() {
      stop();
      clearInterval(timer);
      await (changed ? write() : writing);
    },
  };
}

/** The recording flags of a command that listens. */
export interface RecordFlags {
  record?: string;
  recordMaxEntries: number;
  recordSecrets: boolean;
}

/**
 * Opens the recording the flags ask for, if any; a file that cannot be written ends the start with exit code 2.
 * @example const recording = await openRecording(mock, settings); await recording?.close();
 */
export async function openRecording(mock: Mock, flags: RecordFlags): Promise<Recording | undefined> {
  if (flags.record === undefined) return undefined;
  try {
    return await startRecording(mock, {
      file: flags.record,
      maxEntries: flags.recordMaxEntries,
      secrets: flags.recordSecrets,
      notice: (message) => console.error(`token-mock: ${message}`),
    });
  } catch (error) {
    console.error(`token-mock: cannot write the recording ${flags.record}: ${(error as Error).message}`);
    process.exit(2);
  }
}

/** The banner's line for a recording, with its warning when secrets are kept. */
export function recordingNote(flags: RecordFlags): string {
  const secrets = flags.recordSecrets ? '  WARNING: --record-secrets keeps credentials, tokens and webhook secrets in clear' : ' (secrets REDACTED)';
  return `${flags.record} as HAR 1.2, up to ${flags.recordMaxEntries} exchanges${secrets}`;
}
