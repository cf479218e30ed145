/**
 * `npm run bench:instructions`: the CPU instructions the standalone server spends per request on each
 * targeted row, counted by valgrind's callgrind, held against bench/instructions-baseline.json. A row
 * more than 3% over its baseline fails the run (exit 1), so the request path cannot drift a few
 * percent a release unseen. `-- --update` writes the baseline instead: do that in the commit that
 * makes a row dearer, and say why in its message. `-- --slowdown` proves the gate: it adds a little
 * work to every request (bench/slowdown.mjs) and fails unless the gate catches it. Without valgrind
 * it says that it skipped and exits 0.
 *
 * What makes a count repeat:
 * - V8 made predictable (`--predictable`: one thread, no concurrent compiler or marker, no
 *   timer-driven memory reducer) with fixed seeds;
 * - callgrind instrumenting nothing until the warm-up is over (`--instr-atstart=no`), which also
 *   keeps a run near 35 s;
 * - the whole heap collected just before each row is counted (bench/settle.mjs), so its requests
 *   allocate from the same start each run;
 * - a 1 MB young generation, so scavenges come every few dozen requests and one more or fewer
 *   moves a row by well under 1%. With `npm start`'s 64 MB, 200 requests held zero or one
 *   scavenge, and the GET rows came out up to 11% apart from one run to the next;
 * - collections counted, since allocation is part of a request's cost.
 *
 * Over eight runs on one machine the rows stayed within 0.7 to 1.5% of themselves, with an odd run
 * about 3% off on two of them: hence the retries and the median.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, here, launch, SANDBOX, stopAll } from './processes.js';
import { ROWS, type Row } from './rows.js';

const BASELINE = here('./instructions-baseline.json');
const THRESHOLD = 0.03;
const WARM = Number(process.env.BENCH_WARM ?? 400);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const update = process.argv.includes('--update');
const slowdown = process.argv.includes('--slowdown');
const V8_FLAGS = ['--predictable', '--hash-seed=1', '--random-seed=1'];

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.log('bench:instructions skipped: valgrind is not installed (apt-get install -y valgrind)');
  process.exit(0);
}

/** Sends one request on the shared keep-alive connection and reads the whole answer. */
function send(agent: Agent, url: string, row: Row): Promise<number> {
  return new Promise((done, fail) => {
    const outgoing = request(url, { method: row.method, headers: row.headers, agent }, (answer) => {
      answer.resume();
      answer.on('end', () => done(answer.statusCode ?? 0));
    });
    outgoing.on('error', fail);
    outgoing.end(row.body);
  });
}

/** Collects the server's whole heap (bench/settle.mjs) and waits until it says so in what it prints. */
async function settle(child: ChildProcess, printed: () => string): Promise<void> {
  const said = () => printed().split('settled\n').length - 1;
  const before = said();
  child.kill('SIGUSR2');
  while (said() === before) await new Promise((resolve) => setTimeout(resolve, 5));
}

const callgrind = (pid: number, ...args: string[]) => execFileSync('callgrind_control', [...args, String(pid)], { stdio: 'ignore' });

/** Instructions per request of each row, all on one server, as `npm start` runs it (request log and all). */
async function countRows(rows: Row[]): Promise<Map<string, number>> {
  const out = join(tmpdir(), `token-mock-callgrind-${process.pid}`);
  const preload = ['--expose-gc', '--import', here('./settle.mjs'), ...(slowdown ? ['--import', here('./slowdown.mjs')] : [])];
  const { match, child, printed } = await launch(
    [
      ...V8_FLAGS,
      ...preload,
      '--min-semi-space-size=1',
      '--max-semi-space-size=1',
      CLI,
      'serve',
      '--wukongim-port',
      '0',
      '--smile-port',
      '0',
      '--start-time',
      '2026-01-01T00:00:00Z',
      '--users',
      '100',
    ],
    /WuKongIM\s+(http:\/\/\S+)[\s\S]*Smile\s+(http:\/\/\S+)\/v1[\s\S]*try: curl/,
    ['valgrind', '-q', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`],
    { log: true },
  );
  const urls = { wukongim: match[1] as string, smile: match[2] as string };
  const pid = child.pid as number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const counts = new Map<string, number>();
  try {
    const listing = (await (await fetch(`${urls.smile}/v1/users?size=1`, { headers: { authorization: SANDBOX } })).json()) as {
      data: { items: { id: string }[] };
    };
    const userId = listing.data.items[0]?.id as string;
    for (const [index, row] of rows.entries()) {
      const url = `${urls[row.api]}${row.path(userId)}`;
      for (let i = 0; i < WARM; i++) await send(agent, url, row);
      await settle(child, printed);
      callgrind(pid, '--instr=on');
      callgrind(pid, '--zero');
      for (let i = 0; i < REQUESTS; i++) {
        const status = await send(agent, url, row);
        if (status >= 300) throw new Error(`${row.name}: answered ${status}`);
      }
      callgrind(pid, '--dump=measured');
      callgrind(pid, '--instr=off');
      const dump = readFileSync(`${out}.${index + 1}`, 'utf8');
      counts.set(row.name, Number(/^(?:summary|totals):\s+(\d+)/m.exec(dump)?.[1]) / REQUESTS);
    }
    return counts;
  } finally {
    agent.destroy();
    child.kill('SIGKILL');
    for (let i = 0; i <= rows.length; i++) rmSync(i === 0 ? out : `${out}.${i}`, { force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const thousands = (value: number) => `${(value / 1000).toFixed(1)}k`;

try {
  const started = performance.now();
  // The rows a target names on the default server (the server-v2 row needs a server of its own).
  const rows = ROWS.filter((row) => row.targeted && row.server === 'small');
  const baseline = update ? {} : (JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, number>);
  const rises = (counts: Map<string, number>) =>
    [...counts].some(([name, count]) => baseline[name] === undefined || count / (baseline[name] as number) - 1 > THRESHOLD);
  // A baseline is the median of three runs. A run with a row over the line is taken again, up to
  // three runs, and the median decides: a row fails on a rise that repeats, not on one odd run.
  const runs = [await countRows(rows)];
  while (!slowdown && runs.length < 3 && (update || rises(runs.at(-1) as Map<string, number>))) runs.push(await countRows(rows));
  const counts = new Map(rows.map((row) => [row.name, median(runs.map((run) => run.get(row.name) as number))]));
  console.log(
    `instructions per request (callgrind), the median of ${runs.length} run${runs.length > 1 ? 's' : ''} of ${REQUESTS} requests after ${WARM} to warm up, one keep-alive connection${slowdown ? ', with bench/slowdown.mjs' : ''}`,
  );
  console.log('| row | now | baseline | change |\n|---|---|---|---|');
  const over: string[] = [];
  for (const [name, count] of counts) {
    const base = baseline[name];
    const change = base === undefined ? undefined : count / base - 1;
    if (change === undefined || change > THRESHOLD) over.push(name);
    console.log(
      `| ${name} | ${thousands(count)} | ${base === undefined ? '–' : thousands(base)} | ${change === undefined ? '–' : `${(change * 100).toFixed(1)}%`} |`,
    );
  }
  console.log(`took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (update) {
    writeFileSync(BASELINE, `${JSON.stringify(Object.fromEntries([...counts].map(([name, count]) => [name, Math.round(count)])), null, 2)}\n`);
    console.log(`wrote ${BASELINE}`);
  } else if (slowdown) {
    console.log(
      over.length === rows.length
        ? 'the gate caught the slowdown on every row'
        : `the gate MISSED the slowdown on: ${rows
            .filter((row) => !over.includes(row.name))
            .map((row) => row.name)
            .join(', ')}`,
    );
    process.exitCode = over.length === rows.length ? 0 : 1;
  } else if (over.length > 0) {
    console.log(`FAILED: ${over.join(', ')} rose more than ${THRESHOLD * 100}% over bench/instructions-baseline.json (or has no baseline)`);
    process.exitCode = 1;
  } else {
    console.log(`every row within ${THRESHOLD * 100}% of its baseline`);
  }
} finally {
  stopAll();
}
