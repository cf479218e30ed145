/**
 * `npm run bench` (about 10 minutes on 2 cores): the standalone server, as `npm start` runs it, against
 * a bare node:http baseline started in the same run, under the same load (20 connections), from two
 * clients in turn: autocannon, and wrk where it is installed (Debian's `wrk`; without it those rows
 * say that they skipped). Each round measures the baseline and then every row, so drift in the
 * machine's speed shows as spread between rounds rather than as a bias. Then start-up, seeding
 * 100,000 users, MSW in-process dispatch, the proxy, the IM port against a bare ws server (`im.ts`),
 * webhook deliveries, and the cost of an open dashboard (`dashboard.ts`). Prints the tables and
 * writes bench/results.json.
 */
import { writeFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { dashboardCost, describeCost } from './dashboard.js';
import { imLines, imRounds } from './im.js';
import { mswDispatch } from './msw.js';
import { CLI, call, here, launch, rssMb, SANDBOX, startLoggingMock, stopAll } from './processes.js';
import { ROWS, type Row, TARGETS } from './rows.js';
import { deliveryRate, makePending } from './webhooks.js';
import { hasWrk, type Measure, wrkLoad } from './wrk.js';

const CONNECTIONS = 20;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP_S = 1;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DELIVERIES = 5000;
const PENDING = 1000;

type Load = (url: string, row: Pick<Row, 'method' | 'body' | 'headers'>, seconds: number) => Promise<Measure>;

const autocannonLoad: Load = async (url, row, seconds) => {
  const result = await autocannon({ url, method: row.method, headers: row.headers, body: row.body, connections: CONNECTIONS, duration: seconds });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
};

/** wrk with two threads, one a core, as the targets are measured. */
const wrk: Load = (url, row, seconds) => wrkLoad(url, row, { seconds, connections: CONNECTIONS, threads: 2 });

const CLIENTS = { autocannon: autocannonLoad, wrk } as const;
type Client = keyof typeof CLIENTS;

async function measure(url: string, row: Pick<Row, 'method' | 'body' | 'headers'>, client: Client = 'autocannon'): Promise<Measure> {
  await CLIENTS[client](url, row, WARMUP_S);
  return CLIENTS[client](url, row, DURATION_S);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const noise = (values: number[]) => `±${(((Math.max(...values) - Math.min(...values)) / mean(values)) * 100).toFixed(1)}%`;
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/**
 * Process start to first answered request, 10 times each, taking turns: the mock with 25 seeded users
 * as `npm start` runs it, and the bare node:http baseline, which shows what node itself takes to
 * start on this machine (NODE_EXTRA_CA_CERTS, when set, is read before any code runs).
 */
async function startupMs(): Promise<{ mock: number[]; bare: number[] }> {
  const times = { mock: [] as number[], bare: [] as number[] };
  const time = async (start: () => Promise<{ url: string; child: { kill(): void } }>) => {
    const started = performance.now();
    const { url, child } = await start();
    await (await fetch(url)).text();
    const ms = performance.now() - started;
    child.kill();
    return ms;
  };
  for (let i = 0; i < 10; i++) {
    times.mock.push(
      await time(async () => {
        const { wukongim, child } = await startLoggingMock();
        return { url: `${wukongim}/health`, child };
      }),
    );
    times.bare.push(
      await time(async () => {
        const { match, child } = await launch([here('./baseline-server.mjs')], /baseline (http:\/\/\S+)/);
        return { url: `${match[1]}/`, child };
      }),
    );
  }
  return times;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  const lines: string[] = [];
  try {
    const startup = await startupMs();
    const [, baselineUrl] = (await launch([here('./baseline-server.mjs')], /baseline (http:\/\/\S+)/)).match;
    const [, receiverUrl] = (await launch([here('./receiver-server.mjs')], /receiver (http:\/\/\S+)/)).match;
    const small = await startLoggingMock('--users', '100');
    const large = await startLoggingMock('--users', '100000');
    const largeRss = rssMb(large.child);
    const servers = { small, large, v2: await startLoggingMock('--users', '100', '--profile', 'server-v2') };
    const userIds: Record<string, string> = {};
    for (const [name, server] of Object.entries(servers)) {
      // A user from the middle of the first page, so that a lookup is not helped by being first.
      const page = (await call(`${server.smile}/v1/users?size=150`, 'GET', undefined, { authorization: SANDBOX })) as { data: { items: { id: string }[] } };
      userIds[name] = page.data.items[Math.floor(page.data.items.length / 2)]?.id as string;
    }

    const clients: Client[] = hasWrk() ? ['autocannon', 'wrk'] : ['autocannon'];
    if (!clients.includes('wrk')) console.log('the wrk rows skipped: wrk is not installed (apt-get install -y wrk)');
    const byClient = new Map<Client, { baseline: Measure[]; runs: Map<Row, Measure[]> }>();
    for (const client of clients) {
      const baselineRuns: Measure[] = [];
      const runs = new Map<Row, Measure[]>(ROWS.map((row) => [row, []]));
      for (let round = 1; round <= ROUNDS; round++) {
        const baseline = await measure(`${baselineUrl}/user/token`, ROWS[0] as Row, client);
        baselineRuns.push(baseline);
        const line = [`${client} round ${round}/${ROUNDS}: baseline ${Math.round(baseline.rps)} req/s`];
        for (const row of ROWS) {
          const server = servers[row.server];
          const result = await measure(`${server[row.api]}${row.path(userIds[row.server] as string)}`, row, client);
          runs.get(row)?.push(result);
          line.push(`${row.name} ${pct(result.rps / baseline.rps)}`);
        }
        console.log(line.join(' | '));
      }
      byClient.set(client, { baseline: baselineRuns, runs });
    }

    // The proxy in front of the small mock, against calling that mock directly, round by round.
    const [, proxyUrl] = (
      await launch([CLI, 'proxy', '--port', '0', '--wukongim-upstream', small.wukongim], /control\s+(http:\/\/\S+)\/__mock/, [], { log: true })
    ).match;
    const proxied: { direct: Measure; proxied: Measure }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const direct = await measure(`${small.wukongim}/user/token`, ROWS[0] as Row);
      proxied.push({ direct, proxied: await measure(`${proxyUrl}/user/token`, ROWS[0] as Row) });
    }
    const msw = await mswDispatch(3);
    const im = await imRounds(ROUNDS);
    const rate = await deliveryRate(small.smile, `${receiverUrl}/hook`, DELIVERIES);
    await call(`${small.smile}/__mock/reset`, 'POST');
    const readRow = ROWS[2] as Row;
    const readUrl = `${small.smile}/v1/users?size=10`;
    const idle = await measure(readUrl, readRow);
    const pendingStats = await makePending(small.smile, `${receiverUrl}/hook`, PENDING);
    const pending = await measure(readUrl, readRow);
    await call(`${small.smile}/__mock/reset`, 'POST');
    const dashboard = await dashboardCost(small.wukongim, small.child.pid, ROUNDS, DURATION_S);

    const row = (name: string, list: Measure[], ratios?: number[], target?: number) => {
      const rps = list.map((m) => m.rps);
      const bad = list.reduce((sum, m) => sum + m.errors + m.non2xx, 0);
      const ratio = ratios ? `${pct(mean(ratios))} (${ratios.map(pct).join(', ')})` : '—';
      const goal = target === undefined || !ratios ? '—' : `≥ ${pct(target)} ${verdict(mean(ratios) >= target)}`;
      const ms = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));
      lines.push(
        `| ${name} | ${Math.round(mean(rps))} | ${noise(rps)} | ${ms(Math.max(...list.map((m) => m.p50)))} | ${ms(Math.max(...list.map((m) => m.p99)))} | ${bad} | ${ratio} | ${goal} |`,
      );
    };
    for (const [client, { baseline: baselineRuns, runs }] of byClient) {
      const target = TARGETS[client];
      lines.push(
        `\n${client}: ${CONNECTIONS} connections, ${DURATION_S} s per measure after ${WARMUP_S} s warm-up, ${ROUNDS} rounds; ratios against the baseline of the same round\n`,
      );
      lines.push('| measure | req/s (mean) | noise between rounds | p50 ms | p99 ms (worst) | non-2xx or errors | ratio (per round) | target |');
      lines.push('|---|---|---|---|---|---|---|---|');
      row('bare node:http (baseline)', baselineRuns);
      const clientResults: Record<string, unknown> = { baseline: baselineRuns };
      for (const entry of ROWS) {
        const list = runs.get(entry) as Measure[];
        const ratios = list.map((m, i) => m.rps / (baselineRuns[i] as Measure).rps);
        row(entry.name, list, ratios, entry.targeted ? target.ratio : undefined);
        clientResults[entry.name] = { runs: list, ratios, ratioMean: mean(ratios), target: entry.targeted ? target.ratio : null };
      }
      results[client] = clientResults;
      const p99 = Math.max(...ROWS.filter((entry) => entry.targeted).flatMap((entry) => (runs.get(entry) as Measure[]).map((m) => m.p99)));
      lines.push('');
      lines.push(`${client}: p99 at 20 connections, worst of the targeted rows: ${p99} ms (target ≤ ${target.p99Ms} ms: ${verdict(p99 <= target.p99Ms)})`);
    }
    const { runs } = byClient.get('autocannon') as { runs: Map<Row, Measure[]> };
    const startupMedian = median(startup.mock);
    lines.push(
      `start-up to first answered request, 25 users: median ${startupMedian.toFixed(0)} ms of ${startup.mock.map((t) => t.toFixed(0)).join(', ')} (target ≤ 150 ms: ${verdict(startupMedian <= 150)}); a bare node:http server: median ${median(startup.bare).toFixed(0)} ms of ${startup.bare.map((t) => t.toFixed(0)).join(', ')}`,
    );
    lines.push(
      `seeding 100,000 users: ready in ${(large.ms / 1000).toFixed(2)} s, RSS ${largeRss.toFixed(0)} MB (targets ≤ 3 s and ≤ 300 MB: ${verdict(large.ms <= 3000 && largeRss <= 300)})`,
    );
    // autocannon reports latency in whole milliseconds, too coarse here: with a fixed number of
    // connections, mean latency is connections / throughput (Little's law), which it measures finely.
    const latencyMs = (list: Measure[]) => (CONNECTIONS / mean(list.map((m) => m.rps))) * 1000;
    for (const name of ['GET /v1/users/{id}', 'GET /v1/users?size=10']) {
      const at100 = latencyMs(runs.get(ROWS.find((r) => r.name === name) as Row) as Measure[]);
      const at100k = latencyMs(runs.get(ROWS.find((r) => r.name === `${name}, 100k users`) as Row) as Measure[]);
      const change = (at100k - at100) / at100;
      lines.push(
        `${name}: mean latency ${(at100 * 1000).toFixed(0)} µs at 100 users, ${(at100k * 1000).toFixed(0)} µs at 100,000 (${change >= 0 ? '+' : ''}${pct(change)}; flat, within 10%: ${verdict(change <= 0.1)})`,
      );
      results[`${name} latency 100 → 100k`] = { at100Ms: at100, at100kMs: at100k, change };
    }
    lines.push(
      `MSW in-process dispatch (setupServer, real fetch, ${20} at a time): ${Math.round(msw.mock)} calls/s through token-mock, ${Math.round(msw.baseline)} through a constant handler (${pct(msw.mock / msw.baseline)})`,
    );
    lines.push(`signed webhook deliveries: ${Math.round(rate)}/s, a burst of ${DELIVERIES} after a warm-up burst (target ≥ 1000/s: ${verdict(rate >= 1000)})`);
    lines.push(
      `GET /v1/users?size=10 with ${pendingStats.pending} deliveries pending: ${Math.round(pending.rps)} req/s against ${Math.round(idle.rps)} idle, ${pct(pending.rps / idle.rps)} (target ≥ 80%: ${verdict(pending.rps / idle.rps >= 0.8)})`,
    );
    const proxyRatios = proxied.map((run) => run.proxied.rps / run.direct.rps);
    lines.push(
      `POST /user/token through token-mock proxy: ${Math.round(mean(proxied.map((run) => run.proxied.rps)))} req/s against ${Math.round(mean(proxied.map((run) => run.direct.rps)))} direct to its upstream, ${pct(mean(proxyRatios))} (${proxyRatios.map(pct).join(', ')}; target ≥ 50%: ${verdict(mean(proxyRatios) >= 0.5)}); p50 added ${Math.max(...proxied.map((run) => run.proxied.p50 - run.direct.p50))} ms, p99 added ${Math.max(...proxied.map((run) => run.proxied.p99 - run.direct.p99))} ms`,
    );
    lines.push(...imLines(im));
    lines.push(...describeCost(dashboard));
    console.log(lines.join('\n'));
    Object.assign(results, {
      im,
      dashboardStreaming: dashboard,
      startupMs: startup,
      seeding100k: { readyMs: large.ms, rssMb: largeRss },
      mswDispatch: msw,
      proxy: { runs: proxied, ratios: proxyRatios },
      webhookDeliveriesPerSecond: rate,
      pendingVsIdle: { pending: pending.rps, idle: idle.rps, pendingDeliveries: pendingStats.pending },
    });
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      load: { tools: clients, connections: CONNECTIONS, durationSeconds: DURATION_S, rounds: ROUNDS },
      results,
    };
    await writeFile(here('./results.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log('written bench/results.json');
  } finally {
    stopAll();
  }
}

await main();
