/** A short run of `npm run attack` against the built CLI: the same phases, smaller. The full run is a script. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, sockets, type Target } from '../bench/attack-http.js';
import { webhooks } from '../bench/attack-webhooks.js';
import { startMock, stopAll } from '../bench/processes.js';

let target: Target;
let exited = false;
beforeAll(async () => {
  // A 2 s headers timeout: the slowloris phase waits for it to cut 100 dribbling sockets off.
  const server = await startMock('--users', '100', '--webhook-timeout', '500ms', '--headers-timeout', '2s');
  server.child.once('exit', () => {
    exited = true;
  });
  target = { wukongim: server.wukongim, smile: server.smile };
});
afterAll(() => stopAll());

describe('the mock under a short attack', () => {
  it('answers 1,500 hostile requests to every operation without an undocumented 5xx or a dropped request', async () => {
    const report = await fuzz(target, { count: 1500, concurrency: 10, seed: 7 });
    expect(report.findings).toEqual([]);
    expect(report.undocumented5xx).toBe(0);
    expect(report.statuses[0]).toBeUndefined();
  });

  it('answers raw-socket abuse as a sound server does, and cuts slow clients off', async () => {
    const report = await sockets(target, 2_000);
    expect(report.findings).toEqual([]);
  });

  it('accounts for every webhook delivery to hung, failing and healthy receivers', async () => {
    // 16 events are two waves of 8 on the wire to each receiver: the hung one is timed out twice a round.
    const report = await webhooks(target.smile, { events: 16, timeoutMs: 500 });
    expect(report.findings).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.statuses).toMatchObject({ delivered: 16, failed: 32, pending: 0 });
  });

  it('is still running', () => {
    expect(exited).toBe(false);
  });
});
