/** The processes a benchmark runs: the CLI server, the bare baseline, the webhook receiver. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
export const SANDBOX = `Basic ${Buffer.from('test_key:test_secret').toString('base64')}`;

const children: ChildProcess[] = [];

/**
 * Starts node with `args` and resolves with the match of `pattern` in what it prints, and the time
 * that took. `wrapper` runs node under another program (valgrind, say). `log: true` keeps the
 * request log on, as `npm start` has it, written to a file as `npm start > log` would: read through
 * a pipe, its lines would cost this process (autocannon's, or the one beside wrk) a share of the CPU
 * the server is measured on. `printed` reads what it has printed since.
 */
export function launch(
  args: string[],
  pattern: RegExp,
  wrapper: string[] = [],
  { log = false }: { log?: boolean } = {},
): Promise<{ match: RegExpExecArray; child: ChildProcess; ms: number; printed: () => string }> {
  const started = performance.now();
  // Set through the environment, which older builds ignore (so bench:compare can start them too):
  // no request log unless asked for; and a free IM port, so runs side by side do not meet on 5200.
  const [command, ...rest] = [...wrapper, process.execPath, ...args] as [string, ...string[]];
  const env = { ...process.env, TOKEN_MOCK_WUKONGIM_WS_PORT: '0', ...(log ? {} : { TOKEN_MOCK_QUIET: '1' }) };
  const file = log ? join(logFolder(), `server-${children.length + 1}.log`) : undefined;
  const child = spawn(command, rest, { stdio: ['ignore', file ? openSync(file, 'w') : 'pipe', 'inherit'], env });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    /** What the process printed so far: the file, or what the pipe brought before the banner. */
    const printed = () => (file ? readFileSync(file, 'utf8') : output);
    const found = (text: string) => {
      output = text;
      const match = pattern.exec(output);
      if (match) resolve({ match, child, ms: performance.now() - started, printed });
      return match !== null;
    };
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    if (!file) {
      const heard = (chunk: Buffer) => {
        if (found(output + chunk)) child.stdout?.off('data', heard).resume();
      };
      child.stdout?.on('data', heard);
      return;
    }
    // A file says nothing when it grows: it is read every millisecond until the banner is in it.
    const poll = () => {
      if (child.exitCode === null && !found(printed())) setTimeout(poll, 1);
    };
    poll();
  });
}

let folder: string | undefined;
/** A folder for the request logs of this run, removed when it ends. */
function logFolder(): string {
  if (!folder) {
    const made = mkdtempSync(join(tmpdir(), 'token-mock-bench-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

/** This checkout's built CLI. */
export const CLI = here('../dist/cli/main.js');

type Started = { wukongim: string; smile: string; child: ChildProcess; ms: number };

/** `token-mock serve` on ephemeral ports with a frozen clock and no request log; resolves with its URLs. */
export function startMock(...args: string[]): Promise<Started> {
  return startServe({}, ...args);
}

/** `token-mock serve` exactly as `npm start` runs it, request log on: the rows a target names are measured so. */
export function startLoggingMock(...args: string[]): Promise<Started> {
  return startServe({ log: true }, ...args);
}

/** Like startMock, for any build of the CLI (another checkout's, to compare two builds). */
export function startCli(cli: string, ...args: string[]): Promise<Started> {
  return startServe({ cli }, ...args);
}

/** `serve` of this build or `cli`, optionally with its request log, on ephemeral ports with a frozen clock. */
async function startServe({ cli = CLI, log = false }: { cli?: string; log?: boolean }, ...args: string[]): Promise<Started> {
  const { match, child, ms } = await launch(
    ['--max-semi-space-size=64', cli, 'serve', '--wukongim-port', '0', '--smile-port', '0', '--start-time', '2026-01-01T00:00:00Z', ...args],
    /WuKongIM\s+(http:\/\/\S+)[\s\S]*Smile\s+(http:\/\/\S+)\/v1[\s\S]*try: curl/,
    [],
    { log },
  );
  return { wukongim: match[1] as string, smile: match[2] as string, child, ms };
}

/** A process's resident memory, in MB (Linux). */
export function rssMb(child: ChildProcess): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

export function stopAll(): void {
  for (const child of children) child.kill();
}

/** Speaks JSON to a bench server. */
export async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}
