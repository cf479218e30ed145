import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startReceiver } from './support/receiver.js';

// The CLI runs from the built JavaScript, as `npm start` does; `npm test` builds before testing.
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 10_000 });

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

/** Starts `token-mock serve` on an ephemeral port and resolves with its WuKongIM URL from the start-up line. */
function start(...args: string[]): Promise<{ url: string; output: () => string }> {
  const proc = spawn(process.execPath, [cli, 'serve', '--wukongim-port', '0', '--smile-port', '0', '--wukongim-ws-port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  return new Promise((resolve, reject) => {
    proc.stderr.on('data', (chunk) => {
      output += chunk;
    });
    proc.stdout.on('data', (chunk) => {
      output += chunk;
      // The banner ends with the example line; wait for all of it.
      const match = /WuKongIM\s+(http:\/\/\S+)[\s\S]*try: curl/.exec(output);
      if (match) resolve({ url: match[1] as string, output: () => output });
    });
    proc.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

describe('token-mock CLI', () => {
  it('prints help and the version, exiting 0', () => {
    const help = run('serve', '--help');
    expect(help.status).toBe(0);
    for (const flag of [
      '--seed',
      '--host',
      '--wukongim-port',
      '--wukongim-ws-port',
      '--wukongim-ws-addr',
      '--profile',
      '--manager-token',
      '--wukongim-token-ttl',
      '--start-time',
      '--smile-port',
      '--users',
      '--smile-token-ttl',
      '--mode',
      '--rate-limit',
      '--wukongim-webhook',
      '--wukongim-webhook-retry-delays',
      '--smile-webhook-retry-delays',
      '--webhook-timeout',
      '--webhook-journal-size',
      '--scenario',
      '--max-users',
      '--max-tokens',
      '--smile-token-retention',
      '--max-device-slots',
      '--max-im-connections',
      '--max-ended-im-connections',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const version = run('--version');
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [['serve', '--bogus'], "unknown option '--bogus'"],
    [['serve', '--profile', 'server-v3'], 'Allowed choices are docs, server-v2'],
    [['serve', '--wukongim-port', '70000'], '--wukongim-port must be an integer from 0 to 65535'],
    [['serve', '--wukongim-token-ttl', 'soon'], 'invalid duration "soon"'],
    [['serve', '--start-time', 'yesterday'], '"yesterday" is not an ISO 8601 date-time'],
    [['launch'], "too many arguments for 'serve'"],
    [['serve', '--wukongim-webhook', 'not a url'], '"not a url" is not a URL'],
    [['serve', '--smile-webhook-retry-delays', '30s,later'], 'invalid duration "later"'],
    [['serve', '--scenario', '/nonexistent/scenario.yaml'], 'cannot read /nonexistent/scenario.yaml'],
    [['serve', '--admin-token', ''], '--admin-token must not be empty'],
    [['serve', '--max-connections', '0'], '--max-connections must be an integer from 1 to 1000000'],
    [['serve', '--users', '30', '--max-users', '10'], '--max-users 10 is below --users 30: the seeded users would not fit'],
    [['serve', '--max-tokens', '0'], '--max-tokens must be an integer from 1 to'],
    [['serve', '--smile-token-retention', 'a while'], 'invalid duration "a while"'],
    [['serve', '--smile-credential', 'ci_key:ci_secret'], '"ci_key:ci_secret" is not key:secret:MODE'],
    [['serve', '--smile-credential', 'a:b:STAGING'], '"a:b:STAGING" is not key:secret:MODE'],
    [['serve', '--max-im-sockets', '0'], '--max-im-sockets must be an integer from 1 to'],
    [['serve', '--stream-batch', 'often'], 'invalid duration "often"'],
    [['serve', '--smile-token-ttl', '99999999999999999'], '--smile-token-ttl must be from 1ms to 36500d'],
    [['serve', '--wukongim-token-ttl', '0'], '--wukongim-token-ttl must be from 1ms to 36500d'],
    [['serve', '--stream-keep-alive', '0'], '--stream-keep-alive must be from 1s to 24d'],
    [['serve', '--headers-timeout', '0'], '--headers-timeout must be from 1ms to 24d'],
    [['serve', '--request-timeout', '1s'], '--request-timeout 1000ms is under --headers-timeout 10000ms'],
    [['serve', '--start-time', '9999-12-31T20:00:00Z'], 'outside the years 0000 to 9899'],
    [['serve', '--record', '/tmp'], '--record /tmp is a directory'],
    [['serve', '--record', '/nonexistent/session.har'], 'the directory /nonexistent does not exist'],
    [['serve', '--from-har', 'same.har', '--record', 'same.har'], '--record same.har is also given to --from-har'],
    [['proxy', '--smile-upstream', 'ftp://127.0.0.1:1/v1'], 'is not an http or https URL'],
    [['proxy', '--smile-upstream', 'http://127.0.0.1:1/v1', '--upstream-timeout', '99999999999999'], '--upstream-timeout must be from 1ms to 24d'],
    [['proxy', '--smile-upstream', 'http://127.0.0.1:1/v1', '--junit', '/nonexistent/junit.xml'], 'the directory /nonexistent does not exist'],
    [['verify', '--api', 'smile', '--base-url', 'ftp://127.0.0.1:1/v1'], 'is not an http or https URL'],
    [['verify', '--api', 'smile', '--base-url', 'http://127.0.0.1:1/v1', '--timeout', '0'], '--timeout must be from 1ms to 24d'],
  ])('refuses %j with a clear message and exit code 2', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('takes the settings that had no flag: Smile credentials, the system account, the IM and delivery bounds, the stream pacing', async () => {
    const { url, output } = await start(
      '--smile-credential',
      'ci_key:ci_secret:SANDBOX,ci_live:ci_live_secret:production',
      '--system-uid',
      'sys',
      '--max-im-sockets',
      '9',
      '--max-im-messages',
      '7',
      '--webhook-concurrency',
      '4',
      '--webhook-per-receiver',
      '2',
      '--stream-batch',
      '10ms',
      '--stream-keep-alive',
      '1s',
      '--stream-max-queued',
      '16',
    );
    expect(output()).toContain('ci_key / ci_secret  SANDBOX');
    expect(output()).toContain('ci_live / ci_live_secret  PRODUCTION');
    expect(output()).not.toContain('test_key');
    const smile = /Smile\s+(http:\/\/\S+)\/v1/.exec(output())?.[1] as string;
    const basic = (pair: string) => ({ authorization: `Basic ${btoa(pair)}` });
    expect((await fetch(`${smile}/v1/users?size=1`, { headers: basic('ci_key:ci_secret') })).status).toBe(200);
    expect((await fetch(`${smile}/v1/users?size=1`, { headers: basic('test_key:test_secret') })).status).toBe(401);
    const system = await fetch(`${url}/user/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: 'sys', token: 't', device_flag: 1 }),
    });
    expect(system.status).toBe(400);
  });

  it('serves on loopback, lists its URLs, honours its flags, and shuts down on SIGTERM', async () => {
    const { url, output } = await start('--profile', 'server-v2', '--manager-token', 'm', '--start-time', '2026-03-01T00:00:00Z');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output()).toContain(`control   ${url}/__mock`);
    expect(output()).toContain('clock frozen at 2026-03-01T00:00:00.000Z');
    const smile = /Smile\s+(http:\/\/\S+)\/v1 {2}\(25 users\)/.exec(output())?.[1];
    expect(smile).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output()).toContain('test_key / test_secret  SANDBOX');
    const users = await fetch(`${smile}/v1/users?size=1`, { headers: { authorization: `Basic ${btoa('live_key:live_secret')}` } });
    expect((await users.json()).data.items).toHaveLength(1);
    const unauthorized = await fetch(`${url}/health`);
    expect(unauthorized.status).toBe(401);
    const ok = await fetch(`${url}/user/token`, { method: 'POST', headers: { token: 'm' }, body: '{"uid":"a","token":"t","device_flag":1}' });
    expect(await ok.json()).toEqual({ status: 200 });
    expect(await (await fetch(`${url}/__mock/clock`)).json()).toEqual({ now: '2026-03-01T00:00:00.000Z', frozen: true });
    const exited = new Promise((resolve) => child?.once('exit', (code) => resolve(code)));
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('SIGTERM, shutting down');
  });

  it('opens the IM WebSocket port, shows it in the banner, and routes clients to it (or to --wukongim-ws-addr)', async () => {
    const { url, output } = await start();
    const im = /IM\s+(ws:\/\/127\.0\.0\.1:\d+) {2}\(WebSocket/.exec(output())?.[1];
    expect(im).toBeDefined();
    expect(await (await fetch(`${url}/route?uid=a`)).json()).toEqual({ tcp_addr: '127.0.0.1:5100', ws_addr: im, wss_addr: '' });
    expect((await fetch(`${im?.replace('ws:', 'http:')}/`)).status).toBe(426);
    child?.kill('SIGKILL');
    const proxied = await start('--wukongim-ws-addr', 'wss://im.example.test/ws');
    expect(((await (await fetch(`${proxied.url}/route`)).json()) as { ws_addr: string }).ws_addr).toBe('wss://im.example.test/ws');
  });

  it('gives pending deliveries the grace period on SIGTERM, says what it dropped, and exits 3; a second signal exits at once', async () => {
    const hung = createTcpServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const receiver = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/hook`;
    try {
      for (const [grace, signals, longest] of [
        ['300ms', 1, 5_000],
        ['1m', 2, 5_000],
      ] as const) {
        const { url, output } = await start('--wukongim-webhook', receiver, '--shutdown-grace', grace);
        await fetch(`${url}/user/token`, { method: 'POST', body: '{"uid":"a","token":"t","device_flag":1}' });
        await fetch(`${url}/__mock/wukongim/connect`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"uid":"a","token":"t","device_flag":1,"device_id":"d"}',
        });
        await expect.poll(async () => (await (await fetch(`${url}/__mock/state`)).json()).webhooks.pending).toBe(1);
        const exited = new Promise((resolve) => child?.once('exit', (code) => resolve(code)));
        const started = performance.now();
        child?.kill('SIGTERM');
        if (signals === 2) {
          await expect.poll(output).toContain('SIGTERM, shutting down');
          child?.kill('SIGTERM');
        }
        expect(await exited).toBe(3);
        expect(performance.now() - started).toBeLessThan(longest);
        expect(output()).toContain(
          signals === 1
            ? '1 webhook deliveries dropped: 0 queued, 1 on the wire, 0 waiting on the mock clock for a retry'
            : 'SIGTERM again, exiting now; 1 webhook deliveries dropped',
        );
      }
    } finally {
      hung.close();
    }
  });

  it.each([
    [['--wukongim-webhook', 'http://169.254.169.254/latest/meta-data'], 'points at a link-local address'],
    [['--wukongim-webhook', 'http://[fd00:ec2::254]/'], 'points at a cloud metadata address'],
    [['--wukongim-webhook', 'http://app:3000/hooks'], 'allow private and named hosts with --webhook-allow-private-http'],
  ])('refuses the webhook target %j at start with exit code 2', (args, message) => {
    const result = run('serve', '--wukongim-port', '0', '--smile-port', '0', '--wukongim-ws-port', '0', ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('takes a named host over http with --webhook-allow-private-http', async () => {
    const { output } = await start('--wukongim-webhook', 'http://app:3000/hooks', '--webhook-allow-private-http');
    expect(output()).toContain('WuKongIM webhook  http://app:3000/hooks');
  });

  it('loads --scenario files and POSTs user.onlinestatus to --wukongim-webhook', async () => {
    const receiver = await startReceiver();
    try {
      const scenario = fileURLToPath(new URL('../fixtures/scenarios/im-kick.yaml', import.meta.url));
      const { url, output } = await start('--start-time', '2026-01-01T00:00:00Z', '--scenario', scenario, '--wukongim-webhook', receiver.url);
      expect(output()).toContain('scenario  master login kicks an older session (8 steps)');
      expect(output()).toContain(`WuKongIM webhook  ${receiver.url}`);
      const [first] = await receiver.waitForCount(1);
      expect(JSON.parse(first?.body ?? '')).toEqual(['ana-0-1-1-1-1']);
      await fetch(`${url}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance":"5m"}' });
      const received = await receiver.waitForCount(3);
      expect(received.map((r) => JSON.parse(r.body))).toEqual([['ana-0-1-1-1-1'], ['ana-1-1-2-1-2'], ['ana-0-0-1-0-1']]);
    } finally {
      await receiver.close();
    }
  });

  it('takes its settings, a scenario and fault rules from --config, and flags given win', async () => {
    const config = fileURLToPath(new URL('../fixtures/token-mock.yaml', import.meta.url));
    const { url, output } = await start('--config', config, '--users', '30');
    expect(output()).toContain('seed 7, profile server-v2, clock frozen at 2026-01-01T00:00:00.000Z');
    expect(output()).toContain('(30 users)');
    expect(output()).toContain('scenario  master login kicks an older session (8 steps)');
    const faults = await (await fetch(`${url}/__mock/faults`)).json();
    expect(faults.items.map((rule: { id: string }) => rule.id)).toEqual(['tokens-flaky', 'slow-health']);
    expect(await (await fetch(`${url}/user/token`, { method: 'POST', body: '{"uid":"a","token":"t","device_flag":1}' })).json()).toEqual({ status: 200 });
  });

  it.each([
    ['colour: blue', 'unknown setting "colour"'],
    ['seed: lots', "option '--seed <n>' argument 'lots' is invalid"],
    ['faults:\n  - { status: 200 }', 'faults/0/status must be >= 400'],
    ['faults:\n  - { path: /health }', 'a fault needs an effect: latency, status or drop'],
    [
      'faults:\n  - { operationId: createTokens, status: 503 }',
      'operationId "createTokens" is not an operation of any mocked API: the known ids are wukongim: health',
    ],
    ['- not a map', 'must be a map of settings'],
    ['strict: yes please', '"strict" is a switch: true or false, not "yes please"'],
    ['seed: true', '"seed" takes a value, not true'],
    ['faults:\n  - { api: foo, status: 503 }', 'faults/0/api must be one of "wukongim", "smile"'],
    ['faults:\n  - { id: a, status: 503 }\n  - { id: a, status: 500 }', 'faults/1/id "a" is also faults/0\'s'],
    ['faults:\n  - { operationId: createToken, latency: 99999999999999 }', "the --config file's faults/0/latency: latency must be at most 10m"],
  ])('refuses the config %j with exit code 2', (text, message) => {
    const file = join(tmpdir(), `token-mock-config-${process.pid}.yaml`);
    writeFileSync(file, text);
    const result = run('serve', '--config', file, '--wukongim-port', '0', '--smile-port', '0', '--wukongim-ws-port', '0');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('says once on stderr that a kind of state reached its bound', async () => {
    const { url } = await start('--max-device-slots', '1', '--max-im-connections', '5');
    let errors = '';
    child?.stderr?.on('data', (chunk) => {
      errors += chunk;
    });
    for (const uid of ['ana', 'bob', 'cid']) await fetch(`${url}/user/token`, { method: 'POST', body: JSON.stringify({ uid, token: 't', device_flag: 1 }) });
    const state = await (await fetch(`${url}/__mock/state`)).json();
    expect(state.wukongim.slots).toEqual({ count: 1, bound: 1, evicted: 2 });
    expect(state.wukongim.online.bound).toBe(5);
    await vi.waitFor(() => expect(errors).toContain('token-mock:'));
    expect(errors).toBe(
      'token-mock: WuKongIM device slots reached their bound of 1: from now on the least recently updated are forgotten to make room; raise it with --max-device-slots (wukongim.maxDeviceSlots)\n',
    );
  });

  it('exits 2, as every failure to start does, naming the port and the flag that picks a free one, when the port is taken', async () => {
    const { url } = await start();
    const port = new URL(url).port;
    const second = run('serve', '--wukongim-port', port, '--smile-port', '0', '--wukongim-ws-port', '0');
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(
      `cannot listen on 127.0.0.1:${port}: port ${port} is already in use; pick another with --wukongim-port <port>, or --wukongim-port 0`,
    );
    const single = run('serve', '--port', port, '--wukongim-ws-port', '0');
    expect(single.status).toBe(2);
    expect(single.stderr).toContain(`port ${port} is already in use; pick another with --port <port>, or --port 0 for a free one`);
  });
});
