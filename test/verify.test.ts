/** `token-mock verify`, from the built CLI: all green against the mock, and each broken provider caught. */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMock, type Mock } from 'token-mock';
import { type RunningServer, serve } from 'token-mock/node';
import { junitReport, textReport, verify as verifyInCode } from 'token-mock/verify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { expectedMode } from '../src/verify/targets/smile.js';
import { DEFECTS, type Defect, startBroken } from './fixtures/broken-providers.js';
import { refusingUrl } from './support/receiver.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** Runs the CLI without blocking the event loop, since the provider may live in this process. */
function verify(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, 'verify', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
}

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function mockServer(api: 'smile' | 'wukongim', options: Parameters<typeof createMock>[0] = {}): Promise<{ mock: Mock; url: string }> {
  const mock = createMock({ strict: true, ...options });
  const server = await serve(mock, { api });
  servers.push(server);
  return { mock, url: server.url };
}

describe('verify against the mock', () => {
  it('passes every Smile case, writes JUnit, and leaves no violation in strict mode', async () => {
    const { mock, url } = await mockServer('smile');
    const junit = join(tmpdir(), `token-mock-verify-${process.pid}.xml`);
    const result = await verify('--api', 'smile', '--base-url', `${url}/v1`, '--key', 'live_key', '--secret', 'live_secret', '--junit', junit);
    expect(result.stdout).toMatch(/\d+ cases: \d+ passed, 0 failed/);
    expect(result.status).toBe(0);
    for (const kind of ['positive', 'negative', 'flow']) expect(result.stdout).toContain(`PASS  ${kind}`);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="token-mock verify smile" tests="\d+" failures="0"/);
    expect(xml).toContain('<testsuite name="smile negative"');
    expect(xml).toContain(`<property name="note" value="every token must be of mode PRODUCTION, the mode of the mock&apos;s key live_key"/>`);
    // Negative cases break the request, never the mock's answers.
    const broken = mock.journal.violations().filter((entry) => entry.violations.some((v) => v.in === 'response'));
    expect(broken).toEqual([]);
  });

  it.each([
    ['docs', {}],
    ['server-v2', { profile: 'server-v2' as const }],
  ])('passes every WuKongIM case under the %s profile, with a manager token', async (profile, options) => {
    const { url } = await mockServer('wukongim', { wukongim: { ...options, managerToken: 'm-token' } });
    const result = await verify('--api', 'wukongim', '--base-url', url, '--profile', profile, '--manager-token', 'm-token');
    expect(result.stdout).toContain('a request without the manager token');
    expect(result.stdout).toMatch(/0 failed/);
    expect(result.status).toBe(0);
  });

  it('shows no progress line when not on a terminal', async () => {
    const { url } = await mockServer('wukongim');
    const plain = await verify('--api', 'wukongim', '--base-url', url);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).not.toContain(`${String.fromCharCode(27)}[2K`);
    expect(plain.stdout).toMatch(/0 failed/);
  });

  // `script` (util-linux) gives the CLI a pseudo-terminal, as a developer's shell would.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)(`shows a progress line on a terminal${hasScript ? '' : ' (skipped: util-linux `script` is not installed)'}`, async () => {
    const { url } = await mockServer('wukongim');
    const command = [process.execPath, cli, 'verify', '--api', 'wukongim', '--base-url', url].join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    await new Promise((resolve) => child.once('exit', resolve));
    expect(output).toContain(`\r${String.fromCharCode(27)}[2K[1/`); // carriage return, erase line, [done/total]
    expect(output).toMatch(/0 failed/);
  });

  it('is repeatable with --seed: the same seed sends the same requests, another seed others', async () => {
    /** What one run sent to a fresh provider, in order. */
    const sent = async (seed: string) => {
      const { mock, url } = await mockServer('smile', { startTime: '2026-01-01T00:00:00Z' });
      const result = await verify('--api', 'smile', '--base-url', `${url}/v1`, '--seed', seed);
      expect(result.status).toBe(0);
      return mock.journal.entries().map((entry) => `${entry.method} ${entry.path} ${entry.request.body ?? ''}`);
    };
    const first = await sent('9');
    expect(first.length).toBeGreaterThan(50);
    expect(await sent('9')).toEqual(first);
    expect(await sent('10')).not.toEqual(first);
  });
});

describe('verify of WuKongIM error texts', () => {
  it("holds refusals to the v2 server's own texts under server-v2, and to none under docs, which names none", async () => {
    const v2 = await mockServer('wukongim', { wukongim: { profile: 'server-v2' } });
    const checked = await verifyInCode({ api: 'wukongim', baseUrl: v2.url, profile: 'server-v2' });
    expect(checked.failed).toBe(0);
    const texts = checked.results.filter((result) => result.expected.includes('body/msg')).map((result) => result.name);
    expect(texts).toEqual([
      'updateToken: body/uid is missing',
      'updateToken: body/token is missing',
      'updateToken: body/uid is empty',
      'updateToken: body/token is empty',
      'updateToken: body/uid has the character @',
      'updateToken: body/uid has the character #',
      'updateToken: body/uid has the character &',
      'updateToken: body/uid is the system uid ____system',
    ]);
    const docs = await mockServer('wukongim');
    const unchecked = await verifyInCode({ api: 'wukongim', baseUrl: docs.url });
    expect(unchecked.results.filter((result) => result.expected.includes('body/msg'))).toEqual([]);
  });
});

describe('verify of a Smile base URL without /v1', () => {
  it('hints at /v1 up front and in the report', async () => {
    const { url } = await mockServer('smile');
    const result = await verify('--api', 'smile', '--base-url', url);
    const hint = `hint: ${url}/ does not end in /v1, where Smile serves its API (https://sandbox.smileapi.io/v1); if the cases fail with 404, try --base-url ${url}/v1`;
    expect(result.stderr).toBe(`${hint}\n`);
    expect(result.stdout).toContain(`  ${hint}`);
    expect(result.stdout).toContain('· status: expected 201, got 404');
    expect(result.status).toBe(1);
  });

  it('gives no hint with /v1', async () => {
    const { url } = await mockServer('smile');
    const result = await verify('--api', 'smile', '--base-url', `${url}/v1/`);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toContain('hint');
    expect(result.status).toBe(0);
  });
});

describe('verify from code', () => {
  it('returns a report with every case, and its JUnit form', async () => {
    const { url } = await mockServer('wukongim');
    const progress: number[] = [];
    const report = await verifyInCode({ api: 'wukongim', baseUrl: url, onProgress: (done) => progress.push(done) });
    expect(report).toMatchObject({ api: 'wukongim', seed: 1, profile: 'docs', failed: 0 });
    expect(report.results.map((result) => result.kind)).toEqual(expect.arrayContaining(['positive', 'negative', 'flow']));
    expect(progress.at(-1)).toBe(report.results.length);
    expect(junitReport(report)).toContain(`tests="${report.results.length}" failures="0"`);
  });
});

describe('verify catches broken providers', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  const caught: [keyof typeof DEFECTS, string, string | RegExp | string[]][] = [
    ['wrongStatus', 'FAIL  positive  createUser: POST /users', 'status: expected 201, got 200'],
    ['missingField', 'FAIL  positive  getUser: GET /users/{id}', 'body/data/createdAt is required'],
    ['wrongType', 'FAIL  positive  createToken: POST /tokens', 'body/data/expiresAt must be string'],
    ['noRequestId', 'FAIL  positive  listUsers: GET /users', 'body/requestId is required'],
    ['sameToken', 'FAIL  flow      create a user, read it, find it in the list, refresh its token', 'the refreshed token has the id of the first one'],
    [
      'unlistedUser',
      'FAIL  flow      create a user, read it, find it in the list, refresh its token',
      'the new user is not in GET /users from the day before its createdAt 2026-01-01T00:00:00Z on',
    ],
    [
      'readDiffers',
      'FAIL  flow      create a user, read it, find it in the list, refresh its token',
      /GET \/users\/tenant-[0-9a-f]{32} has createdAt "2025-06-01T00:00:00Z" where POST \/users answered "2026-01-01T00:00:00Z"/,
    ],
    ['unknownIdIsBadRequest', 'FAIL  negative  getUser: path id is an id that does not exist', 'status: expected 404, got 400'],
    ['lowercaseMode', 'FAIL  positive  createToken: POST /tokens', 'body/data/mode must be "SANDBOX" or "PRODUCTION", got "sandbox"'],
    ['productionMode', 'FAIL  positive  createToken: POST /tokens', `body/data/mode must be "SANDBOX", the mode of the mock's key test_key, got "PRODUCTION"`],
    ['serverStatus', 'FAIL  positive  updateToken: POST /user/token', 'body/status must be "ok", got 200'],
    [
      'ghostOnline',
      'FAIL  flow      update a token as master, then as slave, quit a device, read online status',
      /POST \/user\/onlinestatus shows \[\{"uid":"verify-[0-9a-f]{8}","device_flag":1,"online":1\}\] online for a uid with no connection/,
    ],
    [
      'englishMessages',
      'FAIL  negative  updateToken: body/uid is missing',
      [
        'body/msg must be "uid不能为空！", got "uid is required"',
        'body/msg must be "token不能为空！", got "token is required"',
        'body/msg must be "uid不能包含特殊字符！", got "uid must not contain special characters"',
        'body/msg must be "系统账号不允许更新token！", got "the system account cannot be updated"',
      ],
    ],
  ];

  // In process, with the report the CLI prints: the CLI's own exit codes and output are pinned above and below.
  it.each(caught)('%s', async (name, line, message) => {
    const defect: Defect = DEFECTS[name];
    const provider = await startBroken(defect);
    close = provider.close;
    const profile = defect.args?.includes('server-v2') ? 'server-v2' : undefined;
    const report = await verifyInCode({ api: defect.api, baseUrl: provider.baseUrl, ...(profile ? { profile } : {}) });
    const stdout = textReport(report);
    expect(report.failed).toBeGreaterThan(0);
    expect(stdout).toContain(line);
    for (const text of [message].flat()) {
      if (typeof text === 'string') expect(stdout).toContain(`· ${text}`);
      else expect(stdout).toMatch(new RegExp(`· ${text.source}`));
    }
    expect(stdout).toMatch(/\+ .*\d{3} /); // the diff shows what came back
  });

  it.each(['wukongim', 'smile'] as const)('fails once, saying so, and exits 2 when nothing listens (%s)', async (api) => {
    const url = (await refusingUrl()).replace('/hook', api === 'smile' ? '/v1' : '');
    const junit = join(tmpdir(), `token-mock-verify-unreachable-${process.pid}.xml`);
    const result = await verify('--api', api, '--base-url', url, '--junit', junit);
    expect(result.status).toBe(2);
    expect(result.stdout.match(/^FAIL/gm)).toEqual(['FAIL']);
    expect(result.stdout).toContain(`FAIL  connection  reach the provider`);
    expect(result.stdout).toContain(`· cannot reach ${url}: ECONNREFUSED`);
    expect(result.stdout).toContain('1 case: 0 passed, 1 failed');
    expect(readFileSync(junit, 'utf8')).toContain(`<failure message="cannot reach ${url}: ECONNREFUSED">`);
  });

  it('stops at the first case the provider no longer answers, and says how many were not run', async () => {
    const provider = await startBroken({ name: 'goes away', api: 'wukongim' });
    close = provider.close;
    let closing: Promise<void> | undefined;
    const report = await verifyInCode({
      api: 'wukongim',
      baseUrl: provider.baseUrl,
      onProgress: (done) => {
        if (done === 5) closing ??= provider.close();
      },
    });
    await closing;
    expect(report.results.slice(0, 5).every((result) => result.passed)).toBe(true);
    // The case under way as it went may fail on its way out; the next finds nothing listening, and the run ends.
    expect(report.results.length).toBeLessThanOrEqual(7);
    expect(report.results.at(-1)).toMatchObject({ kind: 'connection', name: 'reach the provider', passed: false });
    expect(report.unreachable).toMatch(new RegExp(`^cannot reach ${provider.baseUrl}: ECONNREFUSED, from case updateToken: .+ on \\(\\d+ cases not run\\)$`));
  });
});

describe('verify knows which mode the tokens must have', () => {
  it.each([
    ['the mode asked for first', 'https://sandbox.smileapi.io/v1', 'live_key', 'sandbox', { mode: 'SANDBOX', from: '--mode sandbox' }],
    ['then the real host', 'https://open.smileapi.io/v1', 'test_key', undefined, { mode: 'PRODUCTION', from: 'the host open.smileapi.io' }],
    [
      'then the real host, whatever the key',
      'https://sandbox.smileapi.io/v1',
      'live_key',
      undefined,
      { mode: 'SANDBOX', from: 'the host sandbox.smileapi.io' },
    ],
    ["then the mock's key pair", 'http://127.0.0.1:5002/v1', 'live_key', undefined, { mode: 'PRODUCTION', from: "the mock's key live_key" }],
    ['else nothing yet: the first token decides', 'http://127.0.0.1:5002/v1', 'acme_key', undefined, undefined],
  ] as const)('%s', (_, baseUrl, key, asked, want) => {
    expect(expectedMode(baseUrl, { key, secret: key.replace('key', 'secret') }, asked)).toEqual(want);
  });

  it('fails tokens of another mode than the one asked for', async () => {
    const { url } = await mockServer('smile');
    const report = await verifyInCode({ api: 'smile', baseUrl: `${url}/v1`, key: 'live_key', secret: 'live_secret', mode: 'sandbox' });
    expect(report.notes).toContain('every token must be of mode SANDBOX, the mode of --mode sandbox');
    const createToken = report.results.find((result) => result.name === 'createToken: POST /tokens');
    expect(createToken?.problems).toEqual(['body/data/mode must be "SANDBOX", the mode of --mode sandbox, got "PRODUCTION"']);
  });

  it('takes the mode of the first token for keys it does not know, and holds the rest to it', async () => {
    const credentials = [{ key: 'acme_key', secret: 'acme_secret', mode: 'PRODUCTION' as const }];
    const { url } = await mockServer('smile', { smile: { credentials } });
    const report = await verifyInCode({ api: 'smile', baseUrl: `${url}/v1`, key: 'acme_key', secret: 'acme_secret' });
    expect(report.notes).toContain('every token must be of mode PRODUCTION, the mode of the first token of this run');
    expect(report.failed).toBe(0);
  });
});

describe('verify with a JUnit file it cannot write', () => {
  const missing = join(tmpdir(), `token-mock-no-such-directory-${process.pid}`);
  it.each([
    ['in a directory that does not exist', join(missing, 'report.xml'), `the directory ${missing} does not exist`],
    ['that is a directory', tmpdir(), `${tmpdir()} is a directory`],
    ['under a file', join(cli, 'report.xml'), `${cli} is not a directory`],
  ])('exits 2 before the run, saying why, for a path %s', async (_, path, why) => {
    const { mock, url } = await mockServer('wukongim');
    const result = await verify('--api', 'wukongim', '--base-url', url, '--junit', path);
    expect(result.stderr).toBe(`error: cannot write the JUnit report to ${path}: ${why}.\n`);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
    expect(mock.journal.entries()).toEqual([]); // nothing was sent
  });
});

describe('verify usage', () => {
  it.each([
    [['--base-url', 'http://127.0.0.1:1'], "required option '--api <api>' not specified"],
    [['--api', 'slack', '--base-url', 'http://127.0.0.1:1'], 'Allowed choices are smile, wukongim'],
    [['--api', 'smile'], "required option '--base-url <url>' not specified"],
    [['--api', 'smile', '--base-url', 'http://127.0.0.1:1', '--key', 'k'], '--key and --secret go together'],
    [['--api', 'smile', '--base-url', 'http://127.0.0.1:1', '--manager-token', 't'], '--manager-token is for --api wukongim'],
    [['--api', 'wukongim', '--base-url', 'http://127.0.0.1:1', '--mode', 'sandbox'], '--mode is for --api smile'],
    [['--api', 'smile', '--base-url', 'http://127.0.0.1:1', '--mode', 'live'], 'Allowed choices are sandbox, production'],
    [
      ['--api', 'smile', '--base-url', 'https://sandbox.smileapi.io/v1', '--mode', 'production'],
      '--mode production contradicts --base-url https://sandbox.smileapi.io/v1, which serves SANDBOX keys only',
    ],
  ])('exits 2 for %j', async (args, message) => {
    const result = await verify(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
