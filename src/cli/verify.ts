/** `token-mock verify`: runs the contract cases against a provider, prints the report, writes JUnit. */
import { writeFile } from 'node:fs/promises';
import { junitReport, textReport } from '../verify/report.js';
import { type VerifyOptions, verify } from '../verify/run.js';
import { baseUrlHint, servedMode } from '../verify/targets/smile.js';

/** A usage error: the message on stderr, and exit code 2. */
function refuse(message: string): number {
  console.error(`error: ${message}`);
  return 2;
}

/**
 * Runs verify and returns the exit code: 0 when every case passes, 1 when any fails, 2 for usage errors
 * and for a provider that cannot be reached.
 */
export async function runVerify(options: VerifyOptions & { junit?: string }): Promise<number> {
  const served = options.api === 'smile' ? servedMode(options.baseUrl) : undefined;
  if (options.mode && served && served !== options.mode.toUpperCase()) {
    return refuse(`--mode ${options.mode} contradicts --base-url ${options.baseUrl}, which serves ${served} keys only.`);
  }
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
    await writeFile(options.junit, junitReport(report));
    console.log(`JUnit report: ${options.junit}`);
  }
  // Exit 2, as for a usage error: a provider out of reach was not checked, which is not a contract failure.
  if (report.unreachable !== undefined) return 2;
  return report.failed === 0 ? 0 : 1;
}
