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
    const size = await stat(file).then(
      (info) => info.size,
      (error: NodeJS.ErrnoException) => refuse(error.code === 'ENOENT' ? 'no such file' : error.message),
    );
    if (size > maxBytes) refuse(`is ${mib(size)}; a recording may be at most ${mib(maxBytes)}`);
    let document: unknown;
    try {
      document = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      refuse(`is not JSON: ${(error as Error).message.split('\n')[0]}`);
    }
    recordings.push({ label: file, document });
  }
  return recordings;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
