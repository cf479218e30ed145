/**
 * Recordings: `--record` (startRecording) writes every exchange as HAR 1.2, rewritten at most a second
 * after a change and at shutdown, bounded by --record-max-entries with one notice, secrets REDACTED
 * unless --record-secrets, which the banner warns of; GET /__mock/har marks the bodies the journal cut.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMock, type Mock } from 'token-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { startRecording } from '../src/cli/recording.js';
import { JOURNAL_BODY_LIMIT } from '../src/core/journal-entry.js';
import { JOURNAL_CUT_COMMENT } from '../src/har/write.js';
import { SANDBOX } from './support/smile.js';

const folder = mkdtempSync(join(tmpdir(), 'token-mock-recording-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: HAR documents are read freely here
type Har = any;
const read = (file: string): Har => JSON.parse(readFileSync(file, 'utf8'));
const createUser = (mock: Mock) =>
  mock.fetch(
    new Request('https://sandbox.smileapi.io/v1/users', {
      method: 'POST',
      headers: { authorization: SANDBOX, 'content-type': 'application/json' },
      body: '{}',
    }),
  );

describe('a recording', () => {
  it('is written at once, rewritten within a second of a change, holds at most its bound, and says so once', async () => {
    const mock = createMock({ seed: 3 });
    const file = join(folder, 'bounded.har');
    const notices: string[] = [];
    const recording = await startRecording(mock, { file, maxEntries: 2, secrets: false, notice: (message) => notices.push(message) });
    expect(read(file).log.entries).toEqual([]);
    for (let i = 0; i < 4; i++) await createUser(mock);
    // No shutdown yet: the running write puts the first two there.
    await expect.poll(() => read(file).log.entries.length, { timeout: 5_000 }).toBe(2);
    expect(notices).toEqual([`the recording ${file} holds 2 exchanges (--record-max-entries); later ones are left out`]);
    const [first] = read(file).log.entries;
    expect(first.request.method).toBe('POST');
    expect(JSON.parse(first.response.content.text).data.token.accessToken).toBe('REDACTED');
    expect(first.request.headers).toContainEqual({ name: 'authorization', value: 'REDACTED' });
    await recording.close();
    expect(read(file).log.entries).toHaveLength(2);
  });

  it('writes its last exchanges at shutdown, with the secrets --record-secrets keeps', async () => {
    const mock = createMock({ seed: 3 });
    const file = join(folder, 'secrets.har');
    const recording = await startRecording(mock, { file, maxEntries: 10, secrets: true, notice: () => undefined });
    const made = await (await createUser(mock)).json();
    await recording.close();
    const [entry] = read(file).log.entries;
    expect(JSON.parse(entry.response.content.text).data.token.accessToken).toBe(made.data.token.accessToken);
  });
});

describe('token-mock serve --record', () => {
  it('records what it served, warns in the banner of --record-secrets, and writes the file at shutdown', async () => {
    const file = join(folder, 'serve.har');
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--quiet', '--record', file, '--record-secrets'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await expect.poll(() => /try: curl/.test(stdout), { timeout: 10_000 }).toBe(true);
    expect(stdout).toContain(`${file} as HAR 1.2, up to 10000 exchanges  WARNING: --record-secrets keeps credentials, tokens and webhook secrets in clear`);
    const base = /control\s+(http:\/\/\S+)\/__mock/.exec(stdout)?.[1];
    const made = await (
      await fetch(`${base}/v1/users`, { method: 'POST', headers: { authorization: SANDBOX, 'content-type': 'application/json' }, body: '{}' })
    ).json();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const entries = read(file).log.entries as Har[];
    const created = entries.find((entry) => entry.request.method === 'POST');
    expect(JSON.parse(created.response.content.text).data.token.accessToken).toBe(made.data.token.accessToken);
    expect(created.request.headers).toContainEqual({ name: 'authorization', value: SANDBOX });
  });
});

describe('GET /__mock/har', () => {
  it('marks a body the journal cut at its limit', async () => {
    const mock = createMock({ seed: 3 });
    const page = await mock.fetch(new Request('https://sandbox.smileapi.io/v1/users?size=25', { headers: { authorization: SANDBOX } }));
    expect((await page.text()).length).toBeGreaterThan(JOURNAL_BODY_LIMIT);
    await createUser(mock);
    const har = await (await mock.fetch(new Request('http://localhost:5001/__mock/har'))).json();
    const [listed, created] = har.log.entries as Har[];
    expect(listed.response.content.comment).toBe(JOURNAL_CUT_COMMENT);
    expect(created.response.content.comment).toBeUndefined();
  });
});
