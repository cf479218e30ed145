/**
 * `npm run bench`: the standalone server against a bare node:http baseline started in the same run,
 * under the same autocannon load (20 connections). Every server runs in its own process; each round
 * measures the baseline and then every target, so drift in the machine's speed shows as spread
 * between rounds rather than as a bias, and each ratio compares figures taken minutes apart at most.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const CONNECTIONS = 20;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const WARMUP_S = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DELIVERIES = 5000;
const PENDING = 1000;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const SANDBOX = `Basic ${Buffer.from('test_key:test_secret').toString('base64')}`;

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface Target {
  name: string;
  server: 'wukongim' | 'smile-100' | 'smile-100k';
  method: 'GET' | 'POST';
  /** The path, given the id of one seeded Smile user. */
  path: (userId: string) => string;
  body?: string;
  headers: Record<string, string>;
  targetRatio: number;
}

const TARGETS: Target[] = [
  {
    name: 'POST /user/token',
    server: 'wukongim',
    method: 'POST',
    path: () => '/user/token',
    body: JSON.stringify({ uid: 'bench-user', token: 'bench-token', device_flag: 1, device_level: 1 }),
    headers: { 'content-type': 'application/json' },
    targetRatio: 0.5,
  },
  // Reads come before token issuance in each round: issued tokens stay in memory, and the reads
  // would otherwise measure the size of that state rather than the number of users.
  ...(['smile-100', 'smile-100k'] as const).flatMap((server): Target[] => [
    {
      name: `GET /v1/users/{id} (${server.slice(6)} users)`,
      server,
      method: 'GET',
      path: (id) => `/v1/users/${id}`,
      headers: { authorization: SANDBOX },
      targetRatio: 0.5,
    },
    {
      name: `GET /v1/users?size=10 (${server.slice(6)} users)`,
      server,
      method: 'GET',
      path: () => '/v1/users?size=10',
      headers: { authorization: SANDBOX },
      targetRatio: 0.5,
    },
    {
      name: `POST /v1/tokens (${server.slice(6)} users)`,
      server,
      method: 'POST',
      path: (id) => `/v1/tokens?userId=${id}`,
      headers: { authorization: SANDBOX },
      targetRatio: 0.5,
    },
  ]),
];

/** Starts a server process and resolves with the match of `pattern` in what it prints. */
function launch(args: string[], pattern: RegExp): Promise<{ match: RegExpExecArray; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) resolve({ match, child });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

async function load(url: string, target: Pick<Target, 'method' | 'body' | 'headers'>, seconds: number): Promise<Measure> {
  const result = await autocannon({ url, method: target.method, headers: target.headers, body: target.body, connections: CONNECTIONS, duration: seconds });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

async function measure(url: string, target: Pick<Target, 'method' | 'body' | 'headers'>): Promise<Measure> {
  await load(url, target, WARMUP_S);
  return load(url, target, DURATION_S);
}

/** Speaks JSON to a control or Smile endpoint of a bench server. */
async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

interface Stats {
  delivered: number;
  pending: number;
  failed: number;
}

const statsOf = async (smile: string) => ((await call(`${smile}/__mock/webhooks/deliveries?limit=1`, 'GET')) as { stats: Stats }).stats;

/** Emits `count` events at once: a scenario with that many steps at 1 s, then the clock moved 1 s. */
async function emitBurst(smile: string, count: number): Promise<void> {
  const steps = Array.from({ length: count }, () => ({ at: '1s', emit: { api: 'smile', type: 'LINK_ADDED' } }));
  await call(`${smile}/__mock/scenarios`, 'POST', { name: 'burst', steps });
  await call(`${smile}/__mock/clock`, 'POST', { advance: '1s' });
}

/**
 * Signed deliveries per second: a burst of events, each HMAC-SHA512 signed and POSTed to a local
 * receiver in another process, timed from the emission to the last delivery the mock records.
 */
async function deliveryRate(smile: string, receiver: string, count: number): Promise<number> {
  const burst = async (size: number) => {
    await call(`${smile}/__mock/reset`, 'POST');
    const subscription = { name: 'bench', url: receiver, eventTypes: ['ALL_EVENTS'], active: true, secret: 'bench-secret' };
    await call(`${smile}/v1/webhooks`, 'POST', subscription, { authorization: SANDBOX });
    const started = performance.now();
    await emitBurst(smile, size);
    for (;;) {
      const stats = await statsOf(smile);
      if (stats.failed > 0) throw new Error(`${stats.failed} deliveries failed during the benchmark`);
      if (stats.delivered >= size) return size / ((performance.now() - started) / 1000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await burst(count / 5); // warm-up: the delivery path compiled, the receiver's sockets open
  return burst(count);
}

/** Leaves `count` deliveries pending: the receiver holds every answer for a minute, beyond the measure. */
async function makePending(smile: string, receiver: string, count: number): Promise<Stats> {
  await call(
    `${smile}/v1/webhooks`,
    'POST',
    { name: 'slow', url: `${receiver}?delay=60000`, eventTypes: ['ALL_EVENTS'], active: true, secret: 's' },
    { authorization: SANDBOX },
  );
  await emitBurst(smile, count);
  return statsOf(smile);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const noisePct = (values: number[]) => ((Math.max(...values) - Math.min(...values)) / mean(values)) * 100;
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const start = async (args: string[], pattern: RegExp) => {
    const started = await launch(args, pattern);
    children.push(started.child);
    return started.match;
  };
  /** The CLI server on ephemeral ports with a frozen clock; resolves with its WuKongIM and Smile URLs. */
  const startMock = (...args: string[]) =>
    start(
      [here('../dist/cli/main.js'), 'serve', '--wukongim-port', '0', '--smile-port', '0', '--start-time', '2026-01-01T00:00:00Z', ...args],
      /WuKongIM\s+(http:\/\/\S+)[\s\S]*Smile\s+(http:\/\/\S+)\/v1/,
    );
  try {
    const [, baselineUrl] = await start([here('./baseline-server.mjs')], /baseline (http:\/\/\S+)/);
    const urls: Partial<Record<Target['server'], string>> = {};
    const userIds: Partial<Record<Target['server'], string>> = {};
    for (const [server, users] of [
      ['smile-100', 100],
      ['smile-100k', 100_000],
    ] as const) {
      const [, wukongim, smile] = await startMock('--users', String(users));
      urls[server] = smile;
      urls.wukongim ??= wukongim;
      // A user from the middle of the list, so that a lookup is not helped by being first.
      const page = (await (await fetch(`${smile}/v1/users?size=150`, { headers: { authorization: SANDBOX } })).json()) as { data: { items: { id: string }[] } };
      userIds[server] = page.data.items[Math.floor(page.data.items.length / 2)]?.id;
    }
    const [, receiverUrl] = await start([here('./receiver-server.mjs')], /receiver (http:\/\/\S+)/);
    const [, , hookSmile] = await startMock('--webhook-timeout', '120s');
    const deliveryRates: number[] = [];
    const pendingRatios: number[] = [];
    const pendingRuns: { idle: Measure; pending: Measure; stats: Stats }[] = [];
    const baselineRuns: Measure[] = [];
    const runs = new Map<Target, Measure[]>(TARGETS.map((target) => [target, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      const baseline = await measure(`${baselineUrl}/user/token`, TARGETS[0] as Target);
      baselineRuns.push(baseline);
      const line = [`round ${round}/${ROUNDS}: baseline ${Math.round(baseline.rps)} req/s`];
      for (const target of TARGETS) {
        const result = await measure(`${urls[target.server]}${target.path(userIds[target.server] ?? '')}`, target);
        runs.get(target)?.push(result);
        line.push(`${target.name} ${pct(result.rps / baseline.rps)}`);
      }
      const rate = await deliveryRate(hookSmile as string, `${receiverUrl}/hook`, DELIVERIES);
      deliveryRates.push(rate);
      // The same server and call, idle and then with deliveries pending, back to back.
      await call(`${hookSmile}/__mock/reset`, 'POST');
      const read = TARGETS[1] as Target;
      const readUrl = `${hookSmile}/v1/users?size=10`;
      const idle = await measure(readUrl, read);
      const stats = await makePending(hookSmile as string, `${receiverUrl}/hook`, PENDING);
      const pending = await measure(readUrl, read);
      pendingRuns.push({ idle, pending, stats });
      pendingRatios.push(pending.rps / idle.rps);
      line.push(`deliveries ${Math.round(rate)}/s`, `API with ${stats.pending} pending ${pct(pending.rps / idle.rps)} of idle`);
      console.log(line.join(' | '));
    }
    console.log(
      `\n${CONNECTIONS} connections, ${DURATION_S}s per measure after ${WARMUP_S}s warm-up, ${ROUNDS} rounds; ratios against the baseline of the same round\n`,
    );
    console.log('| measure | req/s (mean) | noise between rounds | p50 ms | p99 ms (worst) | non-2xx or errors | ratio (per round) | target |');
    console.log('|---|---|---|---|---|---|---|---|');
    const row = (name: string, list: Measure[], ratios?: number[], target?: number) => {
      const rps = list.map((m) => m.rps);
      const bad = list.reduce((sum, m) => sum + m.errors + m.non2xx, 0);
      const ratio = ratios ? `${pct(mean(ratios))} (${ratios.map(pct).join(', ')})` : '—';
      const verdict = target === undefined ? '—' : `≥ ${pct(target)} ${ratios && mean(ratios) >= target ? 'met' : 'MISSED'}`;
      console.log(
        `| ${name} | ${Math.round(mean(rps))} | ±${noisePct(rps).toFixed(1)}% | ${Math.max(...list.map((m) => m.p50))} | ${Math.max(...list.map((m) => m.p99))} | ${bad} | ${ratio} | ${verdict} |`,
      );
    };
    row('bare node:http (baseline)', baselineRuns);
    const results: Record<string, unknown> = {};
    for (const target of TARGETS) {
      const list = runs.get(target) as Measure[];
      const ratios = list.map((m, i) => m.rps / (baselineRuns[i] as Measure).rps);
      row(target.name, list, ratios, target.targetRatio);
      results[target.name] = { runs: list, ratios, ratioMean: mean(ratios), targetRatio: target.targetRatio, p99WorstMs: Math.max(...list.map((m) => m.p99)) };
    }
    for (const name of ['POST /v1/tokens', 'GET /v1/users/{id}', 'GET /v1/users?size=10']) {
      const small = mean(runs.get(TARGETS.find((t) => t.name === `${name} (100 users)`) as Target)?.map((m) => m.rps) ?? []);
      const large = mean(runs.get(TARGETS.find((t) => t.name === `${name} (100k users)`) as Target)?.map((m) => m.rps) ?? []);
      const drop = (small - large) / small;
      console.log(`${name}: ${pct(drop)} ${drop >= 0 ? 'drop' : 'gain'} from 100 to 100,000 users (target: no more than a 10% drop)`);
      results[`${name} drop 100 → 100k`] = drop;
    }
    console.log(
      `signed webhook deliveries: ${Math.round(mean(deliveryRates))}/s (${deliveryRates.map(Math.round).join(', ')}; ±${noisePct(deliveryRates).toFixed(1)}%), ${DELIVERIES} per burst (target ≥ 1000/s: ${mean(deliveryRates) >= 1000 ? 'met' : 'MISSED'})`,
    );
    console.log(
      `GET /v1/users?size=10 with ${PENDING} deliveries pending: ${pct(mean(pendingRatios))} of the idle figure (${pendingRatios.map(pct).join(', ')}; target ≥ 80%: ${mean(pendingRatios) >= 0.8 ? 'met' : 'MISSED'})`,
    );
    results['webhook deliveries per second'] = { runs: deliveryRates, mean: mean(deliveryRates), burst: DELIVERIES, target: 1000 };
    results[`API throughput with ${PENDING} deliveries pending`] = {
      runs: pendingRuns,
      ratios: pendingRatios,
      ratioMean: mean(pendingRatios),
      targetRatio: 0.8,
    };
    const p99 = Math.max(...[...runs.values()].flat().map((m) => m.p99));
    console.log(`worst p99 of the mock: ${p99} ms (target < 10 ms)`);
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      load: { tool: 'autocannon', connections: CONNECTIONS, durationSeconds: DURATION_S, rounds: ROUNDS },
      baseline: baselineRuns,
      results,
    };
    await writeFile(here('./results.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log('written bench/results.json');
  } finally {
    for (const child of children) child.kill();
  }
}

await main();
