/**
 * `npm run bench:stages`: where a request's time goes, stage by stage, for POST /user/token and
 * POST /v1/tokens. The server runs as `npm start` runs it (request log on) under `--cpu-prof` while
 * wrk loads it (20 connections, two threads); each sample of the measured seconds is charged to the
 * stage of the source file it ran in, found through the build's source maps (docs/performance.md
 * lists which file is which stage), Node's own work to the stage that called it. Figures are µs per
 * request under the profiler, which slows everything by roughly a fifth: read them as shares, and
 * compare them between builds on one machine. `BENCH_STAGES_FUNCTIONS=30` also lists the 30
 * functions that cost most, with their stage.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, here, SANDBOX } from './processes.js';
import { ROWS, type Row } from './rows.js';
import { hasWrk, wrkLoad } from './wrk.js';

const SECONDS = Number(process.env.BENCH_DURATION ?? 5);
/** Each column is measured this many times, taking turns; each figure is the median of its rounds. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The stage of each source file, first match wins. */
const STAGES: [string, RegExp][] = [
  ["the baseline's handler", /bench\/baseline-server\.mjs$/],
  ['node bridge', /src\/adapters\/(node|node-bridge|pipelining|listen)\.ts$/],
  ['edge: host, origin, CORS', /src\/(adapters\/edge|core\/cors|core\/origin-guard)\.ts$/],
  ['routing', /src\/core\/(router|trailing-slash)\.ts$/],
  ['validation', /src\/(core\/validation\.ts|generated\/.*validators\.ts)$|node_modules\/ajv/],
  ['Go decoder', /src\/apis\/wukongim\/(go-json|decoding)\.ts$/],
  ['response serialisation', /src\/core\/reply\.ts$/],
  ['journal capture', /src\/core\/(journal|journal-entry|ring)\.ts$/],
  ['request log', /src\/cli\/(request-log|log-output)\.ts$/],
  ['violations header', /src\/core\/violation-list\.ts$/],
  ['dispatch (the pipeline itself)', /src\/(core\/(dispatch|request|faults|fault-rule|changes)|mock)\.ts$/],
  ['service', /src\/(apis|core|webhooks|services)\/|src\/adapters\/node-crypto\.ts$|node_modules\/(jose|@noble)/],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const maps = new Map<string, SourceMap | null>();
function sourceOf(url: string, line: number, column: number): string | undefined {
  if (!url.startsWith('file://')) return undefined;
  const path = new URL(url).pathname;
  if (!maps.has(path)) {
    try {
      maps.set(path, new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))));
    } catch {
      maps.set(path, null);
    }
  }
  const entry = maps.get(path)?.findEntry(line, column) as { originalSource?: string } | undefined;
  return entry?.originalSource ?? path;
}

/**
 * The stage a profile node's own time belongs to. Our own code's frames go by their source file.
 * Node's modules and native frames (a JSON.parse, a write to the socket) go to the nearest of our
 * frames that called them: the request log's write to stdout is the log's. What no frame of ours
 * called (parsing HTTP, the socket's reads) is "node:http and the socket", which the baseline pays too.
 */
function stager(profile: Profile): (id: number) => string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const memo = new Map<number, string | undefined>();
  /** The stage of the nearest frame of ours at or above `id`, if any. */
  const ours = (id: number | undefined): string | undefined => {
    if (id === undefined) return undefined;
    if (memo.has(id)) return memo.get(id);
    const { url, lineNumber, columnNumber } = (byId.get(id) as ProfileNode).callFrame;
    const source = url.startsWith('file://') ? sourceOf(url, lineNumber, columnNumber) : undefined;
    const stage = source ? (STAGES.find(([, pattern]) => pattern.test(source))?.[0] ?? 'other') : ours(parent.get(id));
    memo.set(id, stage);
    return stage;
  };
  return (id) => {
    const { functionName } = (byId.get(id) as ProfileNode).callFrame;
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collection';
    return ours(id) ?? 'node:http and the socket';
  };
}

/** µs of samples per stage between `from` and `to` (µs on the monotonic clock the profile uses), and per function within each. */
function stageTimes(profile: Profile, from: number, to: number): { times: Map<string, number>; functions: Map<string, number> } {
  const stageOf = stager(profile);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const times = new Map<string, number>();
  const functions = new Map<string, number>();
  let at = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from || at > to) continue;
    const stage = stageOf(id);
    times.set(stage, (times.get(stage) ?? 0) + delta);
    const { functionName, url } = (byId.get(id) as ProfileNode).callFrame;
    const name = `${stage}: ${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}`;
    functions.set(name, (functions.get(name) ?? 0) + delta);
  }
  return { times, functions };
}

const busy = (times: Map<string, number>) => [...times].filter(([stage]) => stage !== 'idle').reduce((sum, [, us]) => sum + us, 0);

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

type Measured = { requests: number; times: Map<string, number>; functions: Map<string, number> };

/**
 * Starts node with `args` under --cpu-prof, waits for `pattern` in what it prints, loads the URL
 * `target` makes of the match with `row` under wrk (2 s to warm up, then the measured seconds), and
 * charges the measured seconds' samples to stages.
 */
async function profiled(args: string[], pattern: RegExp, target: (match: RegExpExecArray) => Promise<string>, row: Row): Promise<Measured> {
  const folder = mkdtempSync(join(tmpdir(), 'token-mock-stages-'));
  const child: ChildProcess = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${folder}`, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TOKEN_MOCK_WUKONGIM_WS_PORT: '0' },
  });
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      let output = '';
      const heard = (chunk: Buffer) => {
        output += chunk;
        const found = pattern.exec(output);
        if (!found) return;
        // The request log goes on being read (and dropped), as a terminal would take it.
        child.stdout?.off('data', heard).resume();
        resolve(found);
      };
      child.stdout?.on('data', heard);
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    const url = await target(match);
    await wrkLoad(url, row, { seconds: 2, connections: 20, threads: 2 });
    const from = monotonicUs();
    const measured = await wrkLoad(url, row, { seconds: SECONDS, connections: 20, threads: 2 });
    const to = monotonicUs();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    const [file] = readdirSync(folder).filter((name) => name.endsWith('.cpuprofile'));
    const profile = JSON.parse(readFileSync(join(folder, file as string), 'utf8')) as Profile;
    return { requests: Math.round(measured.rps * SECONDS), ...stageTimes(profile, from, to) };
  } finally {
    child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
}

/** One row on `token-mock serve` as `npm start` runs it. */
function mockRow(row: Row): Promise<Measured> {
  const serve = [CLI, 'serve', '--wukongim-port', '0', '--smile-port', '0', '--start-time', '2026-01-01T00:00:00Z', '--users', '100'];
  return profiled(
    ['--max-semi-space-size=64', ...serve],
    /WuKongIM\s+(http:\/\/\S+)[\s\S]*Smile\s+(http:\/\/\S+)\/v1[\s\S]*try: curl/,
    async (match) => {
      const urls = { wukongim: match[1] as string, smile: match[2] as string };
      const listing = (await (await fetch(`${urls.smile}/v1/users?size=1`, { headers: { authorization: SANDBOX } })).json()) as {
        data: { items: { id: string }[] };
      };
      return `${urls[row.api]}${row.path(listing.data.items[0]?.id as string)}`;
    },
    row,
  );
}

/** POST /user/token's request on the bare node:http baseline (which ends on SIGINT here, so that its profile is written). */
function baselineRow(row: Row): Promise<Measured> {
  const baseline = pathToFileURL(here('./baseline-server.mjs')).href;
  const script = `process.on('SIGINT', () => process.exit()); await import(${JSON.stringify(baseline)});`;
  return profiled(['--input-type=module', '-e', script], /baseline (http:\/\/\S+)/, async (match) => `${match[1]}/user/token`, row);
}

if (!hasWrk()) {
  console.log('bench:stages skipped: wrk is not installed (apt-get install -y wrk)');
  process.exit(0);
}
const rows = ROWS.filter((row) => row.name === 'POST /user/token' || row.name === 'POST /v1/tokens');
const columns: [string, () => Promise<Measured>][] = [
  ['bare node:http', () => baselineRow(rows[0] as Row)],
  ...rows.map((row): [string, () => Promise<Measured>] => [row.name, () => mockRow(row)]),
];
const rounds = new Map<string, Measured[]>(columns.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) for (const [name, measure] of columns) rounds.get(name)?.push(await measure());
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
/** Per column: each stage's median µs per request over the rounds, and the functions of its middle round by busy time. */
const results = columns.map(([name]) => {
  const measured = rounds.get(name) as Measured[];
  const perRequest = (run: Measured, stage: string) => (run.times.get(stage) ?? 0) / run.requests;
  const stagesSeen = new Set(measured.flatMap((run) => [...run.times.keys()]));
  const times = new Map([...stagesSeen].map((stage) => [stage, median(measured.map((run) => perRequest(run, stage)))]));
  const middle = [...measured].sort((a, b) => busy(a.times) / a.requests - busy(b.times) / b.requests)[Math.floor(measured.length / 2)] as Measured;
  return {
    name,
    times,
    spread: measured.map((run) => busy(run.times) / run.requests),
    functions: new Map([...middle.functions].map(([fn, us]) => [fn, us / middle.requests])),
  };
});
const stages = [...STAGES.map(([name]) => name), 'node:http and the socket', 'garbage collection', 'other', 'idle'];
console.log(`µs per request by stage (median of ${ROUNDS} rounds), under --cpu-prof, wrk ${SECONDS} s at 20 connections, request log on\n`);
console.log(`| stage | ${results.map(({ name }) => name).join(' | ')} |`);
console.log(`|---|${results.map(() => '---|').join('')}`);
for (const stage of stages) {
  console.log(`| ${stage} | ${results.map(({ times }) => (times.get(stage) ?? 0).toFixed(1)).join(' | ')} |`);
}
console.log(`| **busy, all stages** | ${results.map(({ times }) => `**${busy(times).toFixed(1)}**`).join(' | ')} |`);
console.log(`| busy, each round | ${results.map(({ spread }) => spread.map((us) => us.toFixed(1)).join(', ')).join(' | ')} |`);
if (process.env.BENCH_STAGES_FUNCTIONS) {
  for (const { name: column, functions } of results) {
    console.log(`\n${column}: the functions that cost most, µs per request`);
    for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_STAGES_FUNCTIONS))) {
      console.log(`${us.toFixed(2).padStart(7)}  ${name}`);
    }
  }
}
