/**
 * What an open dashboard costs the API: POST /user/token throughput with no client on
 * `GET /__mock/stream`, against the same with one client reading it (and, as the Requests view does,
 * refetching the journal's first page on journal events: 150 ms after one, at most twice a second). Measured in
 * alternating pairs, so that drift in the machine's speed shows as spread, not as bias.
 * Runs alone as `npm run bench:dashboard`; `npm run bench` includes it.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { startMock, stopAll } from './processes.js';
import { ROWS } from './rows.js';

const CONNECTIONS = 20;
const ROW = ROWS[0] as (typeof ROWS)[number];

/** One client of the stream, as the dashboard is: reads every event, and optionally refetches the journal on journal events. */
function openDashboard(control: string, refetch: boolean): { events: () => number; close: () => void } {
  const controller = new AbortController();
  let events = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastAt = 0;
  const reload = () => {
    timer = undefined;
    lastAt = performance.now();
    void fetch(`${control}/journal?limit=50`, { signal: controller.signal })
      .then((response) => response.text())
      .catch(() => undefined);
  };
  void (async () => {
    const response = await fetch(`${control}/stream`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const text = decoder.decode(value, { stream: true });
      const seen = text.split('\nevent: ').length - 1;
      events += seen;
      if (refetch && seen > 0 && text.includes('event: journal') && timer === undefined)
        timer = setTimeout(reload, Math.max(150, lastAt + 500 - performance.now()));
    }
  })().catch(() => undefined);
  return {
    events: () => events,
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      controller.abort();
    },
  };
}

/** One load measure: throughput, and the server's CPU time per request (from /proc), which contention on a shared machine disturbs far less. */
async function measure(url: string, seconds: number, pid: number | undefined): Promise<{ rps: number; cpuUs: number }> {
  const before = cpuMs(pid);
  const result = await autocannon({ url, method: ROW.method, headers: ROW.headers, body: ROW.body, connections: CONNECTIONS, duration: seconds });
  if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx + result.errors} failed requests`);
  return { rps: result.requests.average, cpuUs: ((cpuMs(pid) - before) * 1000) / result.requests.total };
}

/** A process's user and system CPU time so far, in ms (Linux; 0 elsewhere). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** A client kind's measures. */
export interface Measures {
  rps: number[];
  cpuUs: number[];
}

export interface DashboardCost {
  without: Measures;
  streaming: Measures;
  refetching: Measures;
  /** Events the streaming client read per measure. */
  events: number[];
}

/**
 * Measures `pairs` rounds of: no client, a streaming client, a streaming client that refetches.
 * @example const cost = await dashboardCost('http://127.0.0.1:5001', child.pid, 3, 5);
 */
export async function dashboardCost(wukongim: string, pid: number | undefined, pairs: number, seconds: number): Promise<DashboardCost> {
  const url = `${wukongim}${ROW.path('')}`;
  const cost: DashboardCost = { without: { rps: [], cpuUs: [] }, streaming: { rps: [], cpuUs: [] }, refetching: { rps: [], cpuUs: [] }, events: [] };
  const record = (into: Measures, measured: { rps: number; cpuUs: number }) => {
    into.rps.push(measured.rps);
    into.cpuUs.push(measured.cpuUs);
  };
  await measure(url, 3, pid);
  for (let round = 0; round < pairs; round++) {
    // Odd rounds measure the other way round, so that a warming or cooling machine favours neither.
    const order = round % 2 === 0 ? (['none', 'streaming', 'refetching'] as const) : (['refetching', 'streaming', 'none'] as const);
    for (const kind of order) {
      if (kind === 'none') {
        record(cost.without, await measure(url, seconds, pid));
        continue;
      }
      const dashboard = openDashboard(`${wukongim}/__mock`, kind === 'refetching');
      await new Promise((resolve) => setTimeout(resolve, 200));
      record(cost[kind], await measure(url, seconds, pid));
      if (kind === 'streaming') cost.events.push(dashboard.events());
      dashboard.close();
    }
  }
  return cost;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The lines the bench prints for it. */
export function describeCost(cost: DashboardCost): string[] {
  const line = (name: string, with_: Measures) => {
    const ratios = with_.rps.map((value, i) => value / (cost.without.rps[i] as number));
    // Throughput on an idle machine goes as the inverse of CPU per request.
    const cpuRatio = mean(cost.without.cpuUs) / mean(with_.cpuUs);
    const verdict = cpuRatio >= 0.9 ? 'met' : 'MISSED';
    return (
      `${name}: ${Math.round(mean(with_.rps))} req/s against ${Math.round(mean(cost.without.rps))} without, ${pct(mean(ratios))} (pairs ${ratios.map(pct).join(', ')}); ` +
      `server CPU ${mean(with_.cpuUs).toFixed(1)} µs/request against ${mean(cost.without.cpuUs).toFixed(1)}, ${pct(cpuRatio)} of the throughput (target ≥ 90%: ${verdict})`
    );
  };
  return [
    line('POST /user/token with a client on /__mock/stream', cost.streaming),
    line('POST /user/token with a client on /__mock/stream refetching the journal', cost.refetching),
    `  events the streaming client read per measure: ${cost.events.join(', ')}; CPU µs/request without ${cost.without.cpuUs.map((v) => v.toFixed(1)).join(', ')}, streaming ${cost.streaming.cpuUs.map((v) => v.toFixed(1)).join(', ')}`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { wukongim, child } = await startMock('--users', '100');
    const cost = await dashboardCost(wukongim, child.pid, Number(process.env.BENCH_ROUNDS ?? 3), Number(process.env.BENCH_DURATION ?? 5));
    console.log(describeCost(cost).join('\n'));
  } finally {
    stopAll();
  }
}
