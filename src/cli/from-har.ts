/** `--from-har <file>`: the recordings read and parsed before the mock starts; one that cannot be read ends the start with one line. */
import { readFile, stat } from 'node:fs/promises';
import type { Recording } from '../har/seed.js';

/** The largest recording `--from-har` reads: parsing JSON takes several times its size in memory. */
export const HAR_FILE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads each file as JSON, in order; a missing, oversized or non-JSON one prints why and exits 2.
 * Whether it is HAR 1.2 and agrees with the specs, the mock checks when it seeds from it.
 * @example const fromHar = await readRecordings(['session.har']);
 */
export async function readRecordings(files: readonly string[], maxBytes = HAR_FILE_MAX_BYTES): Promise<Recording[]> {
  const recordings: Recording[] = [];
  for (const file of files) {
    const refuse = (reason: string): never => {
      console.error(`token-mock: --from-har ${file}: ${reason}`);
      process.exit(2);
    };
    const info = await stat(file).catch((error: NodeJS.ErrnoException) => refuse(error.code === 'ENOENT' ? 'no such file' : error.message));
    if (info.isDirectory()) refuse('is a directory, not a recording');
    if (info.size > maxBytes) refuse(`is ${mib(info.size)}; a recording may be at most ${mib(maxBytes)}`);
    const text = await readFile(file, 'utf8').catch((error: Error) => refuse(`cannot be read: ${error.message}`));
    let document: unknown;
    try {
      // Some tools (Fiddler, editors on Windows) start a UTF-8 file with a byte-order mark, which JSON has no place for.
      document = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text);
    } catch (error) {
      // JSON.parse quotes the text around the fault, newlines included: one line, and not a long one.
      refuse(`is not JSON: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 200)}`);
    }
    recordings.push({ label: file, document });
  }
  return recordings;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
