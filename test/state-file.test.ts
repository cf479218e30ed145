/**
 * `token-mock serve --state-file`: the state survives a graceful restart and a kill -9 (losing at most
 * the last save interval), the file is never half-written, an unusable file is refused at start,
 * kept aside and never overwritten, and a second server never touches a running server's file.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMock } from 'token-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The CLI runs from the built JavaScript, as `npm start` does; `npm test` builds before testing.
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const AUTH = { authorization: `Basic ${btoa('test_key:test_secret')}` };
const serveArgs = ['serve', '--wukongim-port', '0', '--smile-port', '0', '--wukongim-ws-port', '0', '--start-time', '2026-01-01T00:00:00Z'];

let folder: string;
let stateFile: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'token-mock-state-'));
  stateFile = join(folder, 'state.json');
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

/** Starts `token-mock serve` and resolves with its Smile URL once the banner is out. */
function start(...args: string[]): Promise<{ smile: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [cli, ...serveArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = /Smile\s+(http:\/\/\S+)\/v1[\s\S]*try: curl/.exec(output);
      if (match) resolve({ smile: match[1] as string, child, output: () => output });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

async function createUser(smile: string): Promise<string> {
  const response = await fetch(`${smile}/v1/users`, { method: 'POST', headers: AUTH });
  return ((await response.json()) as { data: { user: { id: string } } }).data.user.id;
}

/** The user ids a state file holds; throws if it is not a whole snapshot. */
function usersIn(file: string): string[] {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { format: string; state: { smile: { users: { id: string }[] } } };
  expect(snapshot.format).toBe('token-mock/state/2');
  return snapshot.state.smile.users.map((user) => user.id);
}

describe('serve --state-file', () => {
  it('saves on SIGTERM and restores at the next start', async () => {
    const first = await start('--state-file', stateFile, '--state-save-interval', '1h');
    expect(first.output()).toContain(`state     ${stateFile}`);
    const id = await createUser(first.smile);
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    expect(usersIn(stateFile)).toContain(id);

    const second = await start('--state-file', stateFile);
    expect(second.output()).toContain('restored 26 users');
    expect((await fetch(`${second.smile}/v1/users/${id}`, { headers: AUTH })).status).toBe(200);
  });

  const good = JSON.stringify(createMock({ seed: 1 }).snapshot());
  // Each kind of refusal is pinned in process (persistence.test.ts, snapshot.test.ts); here, one that cannot be parsed and one that cannot be restored.
  it.each([
    ['truncated', good.slice(0, good.length / 2), 'is not JSON'],
    ['without tokens', good.replace(/"tokens":\{[^}]*\},/, ''), '/state/smile/tokens is required'],
  ])('refuses a state file %s with exit code 2, keeps it aside, and never overwrites an earlier one', (_name, text, reason) => {
    writeFileSync(`${stateFile}.rejected`, 'an earlier one');
    writeFileSync(stateFile, text);
    const result = spawnSync(process.execPath, [cli, ...serveArgs, '--state-file', stateFile], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(stateFile);
    expect(result.stderr).toContain(reason);
    expect(result.stderr).toContain(`${stateFile}.rejected.2`);
    expect(readFileSync(`${stateFile}.rejected.2`, 'utf8')).toBe(text);
    expect(readFileSync(`${stateFile}.rejected`, 'utf8')).toBe('an earlier one');
    expect(existsSync(stateFile)).toBe(false);
  });

  it('a second server on a running server’s file refuses to start, naming it and its process, and touches nothing', async () => {
    const first = await start('--state-file', stateFile, '--state-save-interval', '50ms');
    const id = await createUser(first.smile);
    await expect.poll(() => existsSync(stateFile) && usersIn(stateFile).includes(id)).toBe(true);
    const saved = readFileSync(stateFile, 'utf8');
    expect(readFileSync(`${stateFile}.lock`, 'utf8')).toMatch(new RegExp(`^${first.child.pid} `));
    // The same seed would clash on the temporary file; another seed would move the running server's file aside.
    for (const seed of ['1', '2']) {
      const second = spawnSync(process.execPath, [cli, ...serveArgs, '--state-file', stateFile, '--seed', seed], { encoding: 'utf8', timeout: 10_000 });
      expect(second.status).toBe(2);
      expect(second.stdout).toBe('');
      expect(second.stderr.trim().split('\n')).toEqual([
        `token-mock: --state-file ${stateFile} is in use by process ${first.child.pid} (its lock is ${stateFile}.lock); stop that server, or give this one another --state-file`,
      ]);
      expect(readFileSync(stateFile, 'utf8')).toBe(saved);
      expect(readdirSync(folder).sort()).toEqual(['state.json', 'state.json.lock']);
    }
    // The running server goes on saving, and gives the file up when it stops.
    const later = await createUser(first.smile);
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    expect(usersIn(stateFile)).toContain(later);
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
  });

  it('takes over the lock of a server that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${stateFile}.lock`, `${gone.stdout} ${hostname()}\n`);
    const server = await start('--state-file', stateFile);
    expect(readFileSync(`${stateFile}.lock`, 'utf8')).toMatch(new RegExp(`^${server.child.pid} `));
  });

  it('refuses --state-save-interval without --state-file', () => {
    const result = spawnSync(process.execPath, [cli, ...serveArgs, '--state-save-interval', '1s'], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--state-save-interval needs --state-file');
  });

  it('a kill -9 under load loses at most the last save interval, and leaves a whole file', async () => {
    const INTERVAL = 200;
    // Enough users that a save takes a while to write, so the kill may well land in the middle of one.
    const server = await start('--state-file', stateFile, '--state-save-interval', `${INTERVAL}ms`, '--users', '5000');
    const acknowledged: { id: string; at: number }[] = [];
    let observed: string[] = [];
    let reads = 0;
    let loading = true;
    const worker = async () => {
      while (loading) acknowledged.push({ id: await createUser(server.smile), at: Date.now() });
    };
    // Reads the file as often as it can: every version it finds must be a whole snapshot.
    const reader = async () => {
      while (loading) {
        if (existsSync(stateFile)) {
          observed = usersIn(stateFile);
          reads += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker(), reader()]);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    server.child.kill('SIGKILL');
    const killedAt = Date.now();
    loading = false;
    await load.catch(() => {}); // requests in flight fail with the process
    await exited(server.child);

    const kept = new Set(usersIn(stateFile));
    expect(reads).toBeGreaterThan(0);
    for (const id of observed) expect(kept.has(id)).toBe(true);
    // Saves come an interval after a change, plus the time to write one; a second covers that on a busy machine.
    const settled = acknowledged.filter(({ at }) => at < killedAt - INTERVAL - 1_000);
    expect(settled.length).toBeGreaterThan(0);
    expect(settled.filter(({ id }) => !kept.has(id))).toEqual([]);

    const restarted = await start('--state-file', stateFile, '--state-save-interval', `${INTERVAL}ms`, '--users', '5000');
    expect(restarted.output()).toContain(`restored ${kept.size} users`);
    const last = settled.at(-1) as { id: string };
    expect((await fetch(`${restarted.smile}/v1/users/${last.id}`, { headers: AUTH })).status).toBe(200);
  });
});
