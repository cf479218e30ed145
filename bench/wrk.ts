/**
 * wrk (Debian's `wrk`), the HTTP client the request-path targets are measured with: written in C,
 * it spends less of the machine than autocannon does, so more of what it measures is the server.
 * One row's method, headers and body go to wrk as a Lua script, and the script's `done` prints the
 * figures as JSON, latency in microseconds.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Row } from './rows.js';

/** What one load reports: throughput, latency in ms, and what did not answer 2xx. */
export interface Measure {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Whether wrk is installed. */
export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its usage and exits 1; only a missing binary is absence.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

const longString = (text: string) => `[==[${text}]==]`;

function script(row: Pick<Row, 'method' | 'body' | 'headers'>): string {
  return [
    `wrk.method = "${row.method}"`,
    ...(row.body === undefined ? [] : [`wrk.body = ${longString(row.body)}`]),
    ...Object.entries(row.headers).map(([name, value]) => `wrk.headers[ ${longString(name)} ] = ${longString(value)}`),
    'done = function(summary, latency)',
    '  local e = summary.errors',
    '  io.write(string.format(\'{"requests":%d,"us":%d,"p50":%d,"p99":%d,"errors":%d,"non2xx":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),',
    '    e.connect + e.read + e.write + e.timeout, e.status))',
    'end',
  ].join('\n');
}

const run = promisify(execFile);
const folder = mkdtempSync(join(tmpdir(), 'token-mock-wrk-'));
process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
let scripts = 0;

/** Loads `url` with wrk for `seconds`: `threads` threads, `connections` keep-alive connections. */
export async function wrkLoad(
  url: string,
  row: Pick<Row, 'method' | 'body' | 'headers'>,
  { seconds, connections, threads }: { seconds: number; connections: number; threads: number },
): Promise<Measure> {
  const file = join(folder, `row-${++scripts}.lua`);
  writeFileSync(file, script(row));
  const { stdout, stderr } = await run('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '-s', file, url]);
  const line = stdout.split('\n').find((text) => text.startsWith('{"requests"'));
  // wrk runs on when its script fails to load: only the missing summary shows it.
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}${stderr}`);
  const figures = JSON.parse(line) as { requests: number; us: number; p50: number; p99: number; errors: number; non2xx: number };
  return {
    rps: figures.requests / (figures.us / 1e6),
    p50: figures.p50 / 1000,
    p99: figures.p99 / 1000,
    errors: figures.errors,
    non2xx: figures.non2xx,
  };
}
