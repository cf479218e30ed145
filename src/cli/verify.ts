/** `token-mock verify`: runs the contract cases against a provider, prints the report, writes JUnit. */
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { junitReport, textReport } from '../verify/report.js';
import { type VerifyOptions, verify } from '../verify/run.js';
import { baseUrlHint, servedMode } from '../verify/targets/smile.js';

/** Why a file cannot be written, from the error that said so. */
function whyNotWritable(file: string, error: NodeJS.ErrnoException): string {
  const directory = dirname(resolve(file));
  switch (error.code) {
    case 'ENOENT':
      return `the directory ${directory} does not exist`;
    case 'ENOTDIR':
      return `${directory} is not a directory`;
    case 'EISDIR':
      return `${file} is a directory`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${error.path ?? file})`;
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return error.message;
  }
}

/** Why the JUnit report could not be written to `file`, or undefined when it can; checked before the run, so a bad path costs no run. */
async function junitProblem(file: string): Promise<string | undefined> {
  const directory = dirname(resolve(file));
  try {
    if (!(await stat(directory)).isDirectory()) return `${directory} is not a directory`;
    const found = await stat(file).catch(() => undefined);
    if (found?.isDirectory()) return `${file} is a directory`;
    await access(found ? file : directory, constants.W_OK);
    return undefined;
  } catch (error) {
    return whyNotWritable(file, error as NodeJS.ErrnoException);
  }
}

/** A usage error: the message on stderr, and exit code 2. */
function refuse(message: string): number {
  console.error(`error: ${message}`);
  return 2;
}

/**
 * Runs verify and returns the exit code: 0 when every case passes, 1 when any fails, 2 for usage errors
 * (a JUnit file that cannot be written among them) and for a provider that cannot be reached.
 */
export async function runVerify(options: VerifyOptions & { junit?: string }): Promise<number> {
  const served = options.api === 'smile' ? servedMode(options.baseUrl) : undefined;
  if (options.mode && served && served !== options.mode.toUpperCase()) {
    return refuse(`--mode ${options.mode} contradicts --base-url ${options.baseUrl}, which serves ${served} keys only.`);
  }
  const unwritable = options.junit === undefined ? undefined : await junitProblem(options.junit);
  if (unwritable) return refuse(`cannot write the JUnit report to ${options.junit}: ${unwritable}.`);
  // Said before the run as well as in the report: a run against the wrong path can be stopped at once.
  const hint = options.api === 'smile' ? baseUrlHint(options.baseUrl) : undefined;
  if (hint) console.error(hint);
  const terminal = process.stderr.isTTY === true;
  const report = await verify({
    ...options,
    // A progress line on a terminal only; CI logs get the report alone.
    onProgress: terminal
      ? (done, total, name) => process.stderr.write(`\r\x1b[2K[${done}/${total}] ${done === total ? '' : name.slice(0, (process.stderr.columns ?? 80) - 14)}`)
      : undefined,
  });
  if (terminal) process.stderr.write('\r\x1b[2K');
  console.log(textReport(report));
  if (options.junit) {
    try {
      await writeFile(options.junit, junitReport(report));
    } catch (error) {
      // It could be written a moment ago; whatever changed since, the run's report above stands.
      return refuse(`cannot write the JUnit report to ${options.junit}: ${whyNotWritable(options.junit, error as NodeJS.ErrnoException)}.`);
    }
    console.log(`JUnit report: ${options.junit}`);
  }
  // Exit 2, as for a usage error: a provider out of reach was not checked, which is not a contract failure.
  if (report.unreachable !== undefined) return 2;
  return report.failed === 0 ? 0 : 1;
}
