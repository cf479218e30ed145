/**
 * Running where CI and containers do, through the CLI as a child process: one port for everything,
 * every flag as a TOKEN_MOCK_ variable (command line over environment over config file), and the
 * `token-mock` launcher that passes Node its flag without `env -S`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { provideWebSocket, SdkClient, Status } from './support/sdk.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const launcher = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const BASIC = `Basic ${Buffer.from('test_key:test_secret').toString('base64')}`;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts a script's `serve` (without its request log unless `logged`); resolves with the process, the WuKongIM and Smile URLs, and what it printed. */
function start(script: string, args: string[], env: Record<string, string> = {}, logged = false) {
  const child = spawn(process.execPath, [script, 'serve', '--start-time', '2026-01-01T00:00:00Z', ...(logged ? [] : ['--quiet']), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  let output = '';
  return new Promise<{ child: ChildProcess; wukongim: string; smile: string; output: () => string }>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /WuKongIM\s+(http:\/\/\S+)[\s\S]*Smile\s+(http:\/\/\S+)\/v1[\s\S]*try: curl/.exec(output);
      if (match) resolve({ child, wukongim: match[1] as string, smile: match[2] as string, output: () => output });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

/** The lifetime the mock gives a new Smile link token, in minutes. */
async function tokenMinutes(smile: string): Promise<number> {
  const created = await (await fetch(`${smile}/v1/users`, { method: 'POST', headers: { authorization: BASIC } })).json();
  return (Date.parse(created.data.token.expiresAt) - Date.parse('2026-01-01T00:00:00Z')) / 60_000;
}

describe('one port', () => {
  it('serves WuKongIM at /, Smile at /v1 and the control API at /__mock on --port', async () => {
    const { wukongim, smile, output } = await start(cli, ['--port', '0']);
    expect(smile).toBe(wukongim);
    expect(output()).toContain(`control   ${wukongim}/__mock\n`);
    expect((await fetch(`${wukongim}/health`)).status).toBe(200);
    expect((await fetch(`${wukongim}/v1/users?size=1`, { headers: { authorization: BASIC } })).status).toBe(200);
    expect((await (await fetch(`${wukongim}/__mock/clock`)).json()).now).toBe('2026-01-01T00:00:00.000Z');
  });

  it('takes the IM upgrade on --port too: /route points there, the real SDK connects, and the log says so', async () => {
    const { wukongim, output } = await start(cli, ['--port', '0', '--log-format', 'json'], {}, true);
    const route = await (await fetch(`${wukongim}/route?uid=ana`)).json();
    expect(route.ws_addr).toBe(wukongim.replace('http://', 'ws://'));
    expect(output()).toContain(`IM        ${route.ws_addr}  (WebSocket`);
    await fetch(`${wukongim}/user/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: 'ana', token: 't1', device_flag: 1, device_level: 1 }),
    });
    provideWebSocket();
    const client = await SdkClient.create();
    try {
      client.connect(route.ws_addr, 'ana', 't1');
      await client.until((sdk) => sdk.saw(Status.connected, 1), 'Connected');
    } finally {
      client.disconnect();
    }
    const connections = await (await fetch(`${wukongim}/__mock/wukongim/connections`)).json();
    expect(connections.items).toEqual(expect.arrayContaining([expect.objectContaining({ uid: 'ana', device_flag: 1 })]));
    await expect
      .poll(() =>
        output()
          .split('\n')
          .filter((line) => line.startsWith('{') && JSON.parse(line).kind === 'im' && JSON.parse(line).event === 'connect'),
      )
      .toEqual([expect.stringContaining('"uid":"ana"')]);
    expect(output()).not.toContain('"token"');
  });

  it('refuses an IM upgrade under a rebound Host, as it refuses a request', async () => {
    const { wukongim } = await start(cli, ['--wukongim-ws-port', '0']);
    const { ws_addr } = await (await fetch(`${wukongim}/route`)).json();
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(ws_addr, { headers: { host: 'evil.test' } });
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(403);
    const journal = await (await fetch(`${wukongim}/__mock/journal`)).json();
    expect(journal.items.filter((entry: { method: string }) => entry.method === 'WS')).toEqual([]);
  });

  it('refuses --port with a port of its own API', () => {
    const both = spawnSync(process.execPath, [cli, 'serve', '--port', '0', '--smile-port', '0'], { encoding: 'utf8', timeout: 10_000 });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--port.*cannot be used with option '--smile-port/);
  });
});

describe('environment variables', () => {
  it('sets any flag as TOKEN_MOCK_<FLAG_NAME>', async () => {
    const { wukongim, smile } = await start(cli, [], { TOKEN_MOCK_PORT: '0', TOKEN_MOCK_SMILE_TOKEN_TTL: '15m' });
    expect(smile).toBe(wukongim);
    expect(await tokenMinutes(smile)).toBe(15);
  });

  it('ranks the command line over the environment over the config file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'token-mock-settings-'));
    const config = join(folder, 'token-mock.yaml');
    writeFileSync(config, 'smile-token-ttl: 1h\nport: 0\n');
    const fromConfig = await start(cli, ['--config', config]);
    expect(await tokenMinutes(fromConfig.smile)).toBe(60);
    const fromEnvironment = await start(cli, [], { TOKEN_MOCK_CONFIG: config, TOKEN_MOCK_SMILE_TOKEN_TTL: '15m' });
    expect(await tokenMinutes(fromEnvironment.smile)).toBe(15);
    const fromCommandLine = await start(cli, ['--config', config, '--smile-token-ttl', '2h'], { TOKEN_MOCK_SMILE_TOKEN_TTL: '15m' });
    expect(await tokenMinutes(fromCommandLine.smile)).toBe(120);
  });

  it('names the variable of a bad value and exits 2', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [cli, 'serve', '--port', '0'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, ...env } });
    const ttl = run({ TOKEN_MOCK_SMILE_TOKEN_TTL: '15 minutes' });
    expect(ttl.status).toBe(2);
    expect(ttl.stderr).toContain('TOKEN_MOCK_SMILE_TOKEN_TTL=15 minutes: ');
    const strict = run({ TOKEN_MOCK_STRICT: 'maybe' });
    expect(strict.status).toBe(2);
    expect(strict.stderr).toContain('TOKEN_MOCK_STRICT=maybe: a switch takes 1, true, yes or on');
    const format = run({ TOKEN_MOCK_LOG_FORMAT: 'xml' });
    expect(format.status).toBe(2);
    expect(format.stderr).toContain('TOKEN_MOCK_LOG_FORMAT=xml: must be one of pretty, json');
  });

  it('lists each variable in serve --help, and leaves verify alone', () => {
    const help = spawnSync(process.execPath, [cli, 'serve', '--help'], { encoding: 'utf8', timeout: 10_000 });
    expect(help.status).toBe(0);
    for (const name of ['TOKEN_MOCK_SMILE_TOKEN_TTL', 'TOKEN_MOCK_PORT', 'TOKEN_MOCK_CORS_ORIGIN', 'TOKEN_MOCK_ADMIN_TOKEN', 'TOKEN_MOCK_CONFIG']) {
      expect(help.stdout).toContain(`[env: ${name}]`);
    }
    const verify = spawnSync(process.execPath, [cli, 'verify', '--help'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, TOKEN_MOCK_SEED: 'x' } });
    expect(verify.status).toBe(0);
  });
});

describe('the token-mock launcher', () => {
  it('starts under a plain `env node` shebang, gives Node the young-generation flag, and passes on SIGTERM once', async () => {
    expect(readFileSync(launcher, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const { child, wukongim, output } = await start(launcher, ['--port', '0']);
    const server = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
    expect(readFileSync(`/proc/${server}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=64');
    expect((await fetch(`${wukongim}/health`)).status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(output()).toContain('token-mock: SIGTERM, shutting down');
    expect(output()).not.toContain('again, exiting now');
  });

  it('takes the server down with it when it is killed', async () => {
    const { child, wukongim } = await start(launcher, ['--port', '0']);
    child.kill('SIGKILL');
    await expect
      .poll(
        () =>
          fetch(`${wukongim}/health`).then(
            () => 'up',
            () => 'down',
          ),
        { timeout: 5000 },
      )
      .toBe('down');
  });
});
