/**
 * `npm run attack`: the mock under attack, bounded in time, loopback only. One `token-mock serve`
 * process takes, in turn: seeded hostile requests to every operation, raw-socket abuse, a flood of
 * distinct WuKongIM uids, pipelined control-API reads from a client that never reads, and failing
 * webhook receivers; then a mixed load runs on a fresh server while its memory is sampled. It prints
 * requests sent, 5xx answers, crashes, the largest RSS, events lost and the memory curve, writes
 * bench/attack-results.json, and exits 1 on any finding.
 *
 * ATTACK_FUZZ (30000 requests), ATTACK_UIDS (1000000), ATTACK_EVENTS (200) and ATTACK_LOAD_SECONDS
 * (60; 600 for the ten-minute curve) size it.
 */
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import autocannon from 'autocannon';
import { fuzz, type PhaseReport, sockets, type Target } from './attack-http.js';
import { webhooks } from './attack-webhooks.js';
import { runLoad } from './load.js';
import { here, rssMb, startMock, stopAll } from './processes.js';

const FUZZ = Number(process.env.ATTACK_FUZZ ?? 30_000);
const UIDS = Number(process.env.ATTACK_UIDS ?? 1_000_000);
const EVENTS = Number(process.env.ATTACK_EVENTS ?? 200);
const LOAD_SECONDS = Number(process.env.ATTACK_LOAD_SECONDS ?? 60);
const WEBHOOK_TIMEOUT_MS = 500;

/** WuKongIM token updates, each for a uid never seen before. */
async function distinctUids(target: Target, count: number): Promise<PhaseReport> {
  let next = 0;
  const result = await autocannon({
    url: target.wukongim,
    connections: 20,
    amount: count,
    requests: [
      {
        method: 'POST',
        path: '/user/token',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: `{"uid":"flood-${next++}","token":"t","device_flag":1,"device_level":1}` }),
      },
    ],
  });
  const statuses: Record<string, number> = { ...result.statusCodeStats } as unknown as Record<string, number>;
  const counted = Object.fromEntries(Object.entries(statuses).map(([status, value]) => [status, (value as unknown as { count: number }).count]));
  const findings =
    result.non2xx + result.errors + result.timeouts > 0 ? [`${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`] : [];
  const fivexx = Object.entries(counted).reduce((sum, [status, n]) => sum + (Number(status) >= 500 ? n : 0), 0);
  return { name: `${count} distinct uids`, requests: result.requests.total, statuses: counted, findings, undocumented5xx: fivexx };
}

/** A client that pipelines control-API reads and never reads an answer; the server must stay up and bounded. */
async function unreadPipeline(target: Target, requests: number): Promise<PhaseReport> {
  const { hostname, port } = new URL(target.wukongim);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  socket.pause(); // never read
  const ask = `GET /__mock/journal HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'p'.repeat(8000)}\r\n\r\n`;
  for (let i = 0; i < requests; i++) socket.write(ask);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  socket.destroy();
  const health = await fetch(`${target.wukongim}/health`);
  return {
    name: 'pipelined control-API reads, never read',
    requests,
    statuses: { [health.status]: 1 },
    findings: health.status === 200 ? [] : [`health ${health.status} afterwards`],
    undocumented5xx: health.status >= 500 ? 1 : 0,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const server = await startMock('--users', '1000', '--webhook-timeout', `${WEBHOOK_TIMEOUT_MS}ms`);
  const target: Target = { wukongim: server.wukongim, smile: server.smile };
  let crashed: string | undefined;
  const onExit = (code: number | null, signal: string | null) => {
    crashed = `the server exited (${signal ?? code}) during the attack`;
  };
  server.child.once('exit', onExit);
  let maxRss = rssMb(server.child);
  const sampler = setInterval(() => {
    if (!crashed) maxRss = Math.max(maxRss, rssMb(server.child));
  }, 250);

  const phases: PhaseReport[] = [];
  const run = async (phase: () => Promise<PhaseReport>) => {
    if (crashed) return;
    const began = performance.now();
    const report = await phase();
    phases.push(report);
    console.log(
      `${report.name}: ${report.requests} requests in ${((performance.now() - began) / 1000).toFixed(1)} s, ${JSON.stringify(report.statuses)}${report.findings.length ? `; FINDINGS: ${report.findings.join(' | ')}` : ''}`,
    );
  };
  await run(() => fuzz(target, { count: FUZZ, concurrency: 20, seed: 20261130 }));
  await run(() => sockets(target));
  await run(() => distinctUids(target, UIDS));
  await run(() => unreadPipeline(target, 200));
  let lost = 0;
  await run(async () => {
    const report = await webhooks(target.smile, { events: EVENTS, timeoutMs: WEBHOOK_TIMEOUT_MS });
    lost = report.lost;
    return report;
  });
  clearInterval(sampler);
  const state = crashed ? undefined : await (await fetch(`${target.smile}/__mock/state`)).json();
  server.child.off('exit', onExit);
  server.child.kill();

  console.log(`mixed load for ${LOAD_SECONDS} s on a fresh server…`);
  // The load script's bounds, small enough that each is passed within the warm-up: the curve after it is the steady state.
  const load = await runLoad({
    seconds: LOAD_SECONDS,
    warmupSeconds: Math.min(60, LOAD_SECONDS / 4),
    sampleSeconds: LOAD_SECONDS >= 300 ? 30 : 10,
    bounds: { users: 1000, tokens: 8000, slots: 200, online: 300, ended: 2000 },
  });

  const summary = {
    seconds: Math.round((performance.now() - started) / 1000),
    requests: phases.reduce((sum, phase) => sum + phase.requests, 0) + load.requests,
    fiveHundreds: phases.reduce((sum, phase) => sum + phase.undocumented5xx, 0),
    crashes: (crashed ? 1 : 0) + (load.alive ? 0 : 1),
    maxRssMb: Math.round(Math.max(maxRss, load.rssMb.max)),
    eventsLost: lost,
    stateAfter: state,
    load: { seconds: LOAD_SECONDS, requests: load.requests, unintended: load.unintended, rssMb: load.rssMb, curve: load.curve, problems: load.problems },
    findings: [...phases.flatMap((phase) => phase.findings.map((finding) => `${phase.name}: ${finding}`)), ...(crashed ? [crashed] : []), ...load.problems],
  };
  await writeFile(here('./attack-results.json'), `${JSON.stringify({ date: new Date().toISOString(), phases, summary }, null, 2)}\n`);
  console.log(
    `\n${summary.requests} requests in ${summary.seconds} s; undocumented 5xx ${summary.fiveHundreds} (Smile's documented 501: ${phases[0]?.statuses[501] ?? 0}); ` +
      `crashes ${summary.crashes}; max RSS ${summary.maxRssMb} MB; events lost ${summary.eventsLost}`,
  );
  console.log(`memory during the mixed load (s, MB): ${load.curve.map(([s, mb]) => `${s}:${mb}`).join(' ')}`);
  if (summary.findings.length > 0) {
    console.error(`FINDINGS:\n- ${summary.findings.join('\n- ')}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} finally {
  stopAll();
}
