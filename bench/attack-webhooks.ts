/**
 * The webhook side of `npm run attack`: receivers that hang, fail or answer, a burst of events, the
 * documented retries on the mock's clock, and the count that must balance: every delivery the mock
 * took on is delivered or failed in its journal, and the healthy receiver got every event.
 */
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import type { components } from '../src/generated/admin.types.js';
import type { PhaseReport } from './attack-http.js';
import { call, SANDBOX } from './processes.js';

/** The delivery counters the control API reports. */
type Stats = components['schemas']['DeliveryStats'];

/** Local receivers: one that accepts and never answers, one that always answers 500, one that answers 200. */
async function receivers() {
  const held = new Set<Socket>();
  const hung = createTcpServer((socket) => {
    held.add(socket);
    socket.on('error', () => undefined);
  });
  const failing = createHttpServer((request, response) => {
    request.resume();
    response.statusCode = 500;
    response.end('no');
  });
  const seen = new Set<string>();
  let duplicates = 0;
  const healthy = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const id = (JSON.parse(body) as { id: string }).id;
      if (seen.has(id)) duplicates += 1;
      seen.add(id);
      response.end('ok');
    });
  });
  for (const server of [hung, failing, healthy]) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = (server: { address(): unknown }) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    urls: { hung: url(hung), failing: url(failing), healthy: url(healthy) },
    seen,
    duplicates: () => duplicates,
    close: async () => {
      for (const socket of held) socket.destroy();
      failing.closeAllConnections();
      healthy.closeAllConnections();
      await Promise.all([hung, failing, healthy].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

/**
 * Emits `events` events to three receivers and plays the retries; `timeoutMs` is the server's `--webhook-timeout`.
 * @example const report = await webhooks('http://127.0.0.1:5002', { events: 2000, timeoutMs: 1000 });
 */
export async function webhooks(smile: string, options: { events: number; timeoutMs: number }): Promise<PhaseReport & { lost: number }> {
  const report = {
    name: 'failing webhook receivers',
    requests: 0,
    statuses: {} as Record<string, number>,
    findings: [] as string[],
    undocumented5xx: 0,
    lost: 0,
  };
  const local = await receivers();
  try {
    for (const [name, url] of Object.entries(local.urls)) {
      await call(`${smile}/v1/webhooks`, 'POST', { name, url, eventTypes: ['LINK_ADDED'], active: true, secret: 's' }, { authorization: SANDBOX });
    }
    const steps = Array.from({ length: options.events }, () => ({ at: '1s', emit: { api: 'smile', type: 'LINK_ADDED' } }));
    await call(`${smile}/__mock/scenarios`, 'POST', { name: 'attack burst', steps });
    const stats = async () => ((await call(`${smile}/__mock/state`, 'GET')) as { webhooks: Stats }).webhooks;
    const before = await stats();
    // A round ends when nothing is queued or on the wire; what failed then waits on the mock clock.
    const settle = async () => {
      const deadline = performance.now() + options.timeoutMs * 20 + (options.events / 8) * options.timeoutMs * 2;
      for (;;) {
        const now = await stats();
        if (now.queued === 0 && now.onTheWire === 0) return;
        if (performance.now() > deadline) {
          report.findings.push(`deliveries did not settle: ${JSON.stringify(now)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    for (const advance of ['1s', '30s', '60s']) {
      await call(`${smile}/__mock/clock`, 'POST', { advance });
      await settle();
    }
    const after = await stats();
    const taken = 3 * options.events;
    report.requests = after.attempts - before.attempts;
    report.statuses = { delivered: after.delivered, failed: after.failed, pending: after.pending };
    report.lost = taken - (after.delivered - before.delivered) - (after.failed - before.failed) - after.pending;
    if (report.lost !== 0) report.findings.push(`${report.lost} deliveries unaccounted for`);
    if (after.pending !== 0) report.findings.push(`${after.pending} deliveries still pending after the last retry`);
    if (local.seen.size !== options.events) report.findings.push(`the healthy receiver got ${local.seen.size} of ${options.events} events`);
    // Delivery is at least once: an answer slower than the timeout is retried, so a duplicate is allowed.
    report.statuses.duplicates = local.duplicates();
    return report;
  } finally {
    await local.close();
  }
}
