/**
 * `npm run bench`: the standalone server against a bare node:http baseline started in the same run,
 * under the same autocannon load. Each target runs in its own process; rounds alternate so drift in
 * the machine's speed shows up as spread rather than as a bias.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const CONNECTIONS = 20;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Starts a server process and resolves with its URL, read from its first line that names one. */
function launch(args: string[], pattern: RegExp): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) resolve({ url: match[1] as string, child });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

async function load(url: string, seconds: number): Promise<Measure> {
  const result = await autocannon({
    url: `${url}/user/token`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid: 'bench-user', token: 'bench-token', device_flag: 1, device_level: 1 }),
    connections: CONNECTIONS,
    duration: seconds,
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

async function measure(url: string): Promise<Measure> {
  await load(url, WARMUP_S);
  return load(url, DURATION_S);
}

const spread = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, min: Math.min(...values), max: Math.max(...values), noisePct: mean === 0 ? 0 : ((Math.max(...values) - Math.min(...values)) / mean) * 100 };
};

async function main(): Promise<void> {
  const baseline = await launch([here('./baseline-server.mjs')], /baseline (http:\/\/\S+)/);
  const mock = await launch(
    [here('../dist/cli/main.js'), 'serve', '--wukongim-port', '0', '--start-time', '2026-01-01T00:00:00Z'],
    /WuKongIM\s+(http:\/\/\S+)/,
  ).catch((error: Error) => {
    baseline.child.kill();
    throw error;
  });
  const runs: { baseline: Measure[]; mock: Measure[] } = { baseline: [], mock: [] };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      runs.baseline.push(await measure(baseline.url));
      runs.mock.push(await measure(mock.url));
      console.log(
        `round ${round}/${ROUNDS}: baseline ${Math.round(runs.baseline.at(-1)?.rps ?? 0)} req/s, mock ${Math.round(runs.mock.at(-1)?.rps ?? 0)} req/s`,
      );
    }
  } finally {
    baseline.child.kill();
    mock.child.kill();
  }
  const ratios = runs.mock.map((m, i) => m.rps / (runs.baseline[i] as Measure).rps);
  const rows = [
    ['bare node:http', runs.baseline],
    ['token-mock POST /user/token', runs.mock],
  ] as const;
  console.log(`\nPOST /user/token, ${CONNECTIONS} connections, ${DURATION_S}s × ${ROUNDS} rounds (after ${WARMUP_S}s warm-up each)\n`);
  console.log('| server | req/s (mean) | req/s range | p50 ms | p99 ms (worst) | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, list] of rows) {
    const rps = spread(list.map((m) => m.rps));
    const p99 = Math.max(...list.map((m) => m.p99));
    const p50 = Math.max(...list.map((m) => m.p50));
    const errors = list.reduce((sum, m) => sum + m.errors + m.non2xx, 0);
    console.log(
      `| ${name} | ${Math.round(rps.mean)} | ${Math.round(rps.min)}–${Math.round(rps.max)} (±${rps.noisePct.toFixed(1)}%) | ${p50} | ${p99} | ${errors} |`,
    );
  }
  const ratio = spread(ratios);
  const p99 = Math.max(...runs.mock.map((m) => m.p99));
  console.log(`\nratio mock/baseline: ${(ratio.mean * 100).toFixed(1)}% (rounds ${ratios.map((r) => `${(r * 100).toFixed(1)}%`).join(', ')}); target ≥ 50%`);
  console.log(`mock p99: ${p99} ms; target < 10 ms`);
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    load: { tool: 'autocannon', connections: CONNECTIONS, durationSeconds: DURATION_S, rounds: ROUNDS },
    updateToken: { baseline: runs.baseline, mock: runs.mock, ratios, ratioMean: ratio.mean, targetRatio: 0.5, p99Worst: p99, targetP99Ms: 10 },
  };
  await writeFile(here('./results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('written bench/results.json');
}

await main();
