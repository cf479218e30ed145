/**
 * The request log of `token-mock serve`: its lines as a table, JSON lines parsed back, and, through
 * the CLI as a child process, a line per request, refusal, preflight and webhook attempt with no
 * secret in any of them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMock } from 'token-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { attachRequestLog, createRequestLog, type LogEvent, redact } from '../src/cli/request-log.js';
import { startReceiver } from './support/receiver.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const T = Date.parse('2026-01-01T00:00:00Z');

/** The lines a log writes for these events. */
async function lines(format: 'pretty' | 'json', events: LogEvent[], quiet = false): Promise<string[]> {
  let text = '';
  const log = createRequestLog({ format, quiet, color: false, write: (chunk) => (text += chunk) });
  for (const event of events) log.write(event);
  log.flush();
  return text.split('\n').filter((line) => line !== '');
}

const request: LogEvent = {
  kind: 'request',
  time: T,
  api: 'wukongim',
  method: 'POST',
  path: '/user/token',
  status: 400,
  ms: 1.2,
  operationId: 'updateToken',
  fault: null,
  violation: 'body/device_flag: must be integer',
};

describe('the lines', () => {
  const rows: [string, LogEvent, string][] = [
    [
      'a request with its first violation',
      request,
      '2026-01-01T00:00:00.000Z wukongim POST /user/token 400 1.2ms updateToken violation: body/device_flag: must be integer',
    ],
    [
      'a faulted request',
      { ...request, api: 'smile', path: '/v1/tokens?userId=u1', status: 503, operationId: 'createToken', fault: 'tokens-down', violation: null },
      '2026-01-01T00:00:00.000Z smile    POST /v1/tokens?userId=u1 503 1.2ms createToken fault=tokens-down',
    ],
    [
      'a refusal',
      {
        kind: 'refused',
        time: T,
        api: 'admin',
        method: 'POST',
        path: '/__mock/reset',
        status: 403,
        rule: 'origin',
        detail: 'start with --cors-origin https://evil.test',
      },
      '2026-01-01T00:00:00.000Z admin    POST /__mock/reset 403 refused (origin): start with --cors-origin https://evil.test',
    ],
    [
      'a preflight',
      { kind: 'preflight', time: T, api: 'smile', method: 'OPTIONS', path: '/v1/users', status: 204, rule: null, detail: null },
      '2026-01-01T00:00:00.000Z smile    OPTIONS /v1/users 204 preflight',
    ],
    [
      'a webhook attempt with a retry scheduled',
      {
        kind: 'webhook',
        time: T,
        api: 'smile',
        type: 'USER_CREATED',
        url: 'http://127.0.0.1:9000/hook',
        attempt: 1,
        maxAttempts: 3,
        status: 500,
        ms: 3.4,
        outcome: 'retry scheduled',
        error: null,
        nextAttemptAt: '2026-01-01T00:00:30.000Z',
      },
      '2026-01-01T00:00:00.000Z webhook  USER_CREATED → http://127.0.0.1:9000/hook 500 3.4ms attempt 1/3 retry scheduled at 2026-01-01T00:00:30.000Z',
    ],
    [
      'an IM connection',
      { kind: 'im', time: T, event: 'online', uid: 'ana-1', deviceFlag: 1, connectionId: 3 },
      '2026-01-01T00:00:00.000Z im       ana-1/1 connection 3 online',
    ],
  ];
  for (const [name, event, want] of rows) {
    it(`writes ${name} on one line`, async () => {
      expect(await lines('pretty', [event])).toEqual([want]);
    });
  }

  it('writes one JSON object a line, which parses back to the event with its time as ISO 8601', async () => {
    const [line] = await lines('json', [request]);
    expect(JSON.parse(line as string)).toEqual({ ...request, time: '2026-01-01T00:00:00.000Z' });
  });

  it('writes nothing when quiet', async () => {
    expect(await lines('pretty', [request], true)).toEqual([]);
  });

  const secrets: [string, string][] = [
    ['Authorization: Basic dGVzdF9rZXk6dGVzdF9zZWNyZXQ=', 'Authorization: Basic …'],
    ['Bearer s3cret-admin', 'Bearer …'],
    ['/consume eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl', '/consume eyJhbGci…'],
    ['GET /hook?token=abc&x=1&api_key=k', 'GET /hook?token=…&x=1&api_key=…'],
    ['http://user:pa55@hooks.example.test/x', 'http://…@hooks.example.test/x'],
    ['POST /v1/tokens?userId=u1&Signature=abc', 'POST /v1/tokens?userId=u1&Signature=…'],
    ['authorization: basic dGVzdA==', 'authorization: basic …'],
  ];
  for (const [given, want] of secrets) {
    it(`masks ${want}`, () => {
      expect(redact(given)).toBe(want);
    });
  }

  it('leaves a line with no secret as it is, a query and a path named for tokens included', () => {
    const line = 'smile    POST /v1/tokens?userId=tenant-0123 201 0.3ms refreshToken';
    expect(redact(line)).toBe(line);
  });
});

describe('a log attached to a mock', () => {
  it('has a line for each simulated IM connect and kick, between the requests that made them', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    let text = '';
    const log = createRequestLog({ format: 'json', quiet: false, color: false, write: (chunk) => (text += chunk) });
    attachRequestLog(mock, log);
    const post = (path: string, body: unknown) =>
      mock.fetch(new Request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    await post('/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
    await post('/__mock/wukongim/connect', { uid: 'alice', token: 't1', device_flag: 1, device_id: 'a' });
    await post('/user/token', { uid: 'alice', token: 't2', device_flag: 1, device_level: 1 });
    log.flush();
    const said = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .map((event) => (event.kind === 'im' ? `im ${event.uid} ${event.connectionId} ${event.event}` : `${event.kind} ${event.operationId}`));
    expect(said).toEqual(['request updateToken', 'im alice 1 online', 'request connectDevice', 'im alice 1 offline', 'request updateToken']);
  });
});

describe('token-mock serve, logging', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  /** Starts the CLI; resolves with its URL and a reader of what it printed. */
  function start(args: string[], env: Record<string, string> = {}): Promise<{ url: string; output: () => string }> {
    const proc = spawn(process.execPath, [cli, 'serve', '--port', '0', '--start-time', '2026-01-01T00:00:00Z', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    child = proc;
    let output = '';
    return new Promise((resolve, reject) => {
      proc.stderr.on('data', (chunk) => {
        output += chunk;
      });
      proc.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /WuKongIM\s+(http:\/\/\S+)[\s\S]*try: curl[^\n]*\n/.exec(output);
        if (match) resolve({ url: match[1] as string, output: () => output });
      });
      proc.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
  }

  it('logs requests, refusals, preflights and webhook attempts as JSON lines, never a secret', async () => {
    const receiver = await startReceiver((n) => ({ status: n === 1 ? 500 : 200 }));
    try {
      const { url, output } = await start(['--log-format', 'json', '--admin-token', 'adm1n-s3cret', '--manager-token', 'mgr-s3cret']);
      const basic = `Basic ${Buffer.from('test_key:test_secret').toString('base64')}`;
      const smile = (path: string, init: RequestInit = {}) =>
        fetch(`${url}/v1${path}`, { ...init, headers: { authorization: basic, 'content-type': 'application/json', ...(init.headers as object) } });
      await smile('/webhooks', {
        method: 'POST',
        body: JSON.stringify({
          name: 'hook',
          url: `${receiver.url}/hook?token=rcv-s3cret`,
          eventTypes: ['USER_CREATED'],
          active: true,
          secret: 'whsec-s3cret',
        }),
      });
      const created = await (await smile('/users', { method: 'POST' })).json();
      const accessToken = created.data.token.accessToken as string;
      await fetch(`${url}/__mock/smile/tokens/consume?token=${accessToken}`, {
        method: 'POST',
        headers: { authorization: 'Bearer adm1n-s3cret', 'content-type': 'application/json' },
        body: JSON.stringify({ accessToken }),
      });
      await fetch(`${url}/user/token`, { method: 'POST', headers: { token: 'mgr-s3cret' }, body: '{"uid":"ana","token":"im-s3cret","device_flag":"1"}' });
      await fetch(`${url}/__mock/reset`, { method: 'POST', headers: { origin: 'https://evil.test', 'content-type': 'text/plain' } });
      await fetch(`${url}/v1/users`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
      await receiver.waitForCount(1);
      await fetch(`${url}/__mock/clock`, {
        method: 'POST',
        headers: { authorization: 'Bearer adm1n-s3cret', 'content-type': 'application/json' },
        body: '{"advance":"30s"}',
      });
      await receiver.waitForCount(2);
      await expect
        .poll(
          () =>
            output()
              .split('\n')
              .filter((line) => line.includes('"kind":"webhook"')).length,
        )
        .toBe(2);

      const log = output()
        .slice(output().indexOf('try: curl'))
        .split('\n')
        .slice(1)
        .filter((line) => line !== '');
      const events = log.map((line) => JSON.parse(line));
      const said = (event: Record<string, unknown>) => `${event.kind} ${event.method ?? event.type} ${event.status}`;
      // Deliveries go out on their own time, so their lines are checked apart from the requests'.
      expect(events.filter((event) => event.kind !== 'webhook').map(said)).toEqual([
        'request POST 200',
        'request POST 201',
        'request POST 200',
        'request POST 400',
        'refused POST 403',
        'preflight OPTIONS 204',
        'request POST 200',
      ]);
      const [wukongim, refused] = [events.find((event) => event.api === 'wukongim'), events.find((event) => event.kind === 'refused')];
      expect(wukongim).toMatchObject({ path: '/user/token', operationId: 'updateToken', violation: expect.stringContaining('/device_flag') });
      expect(refused).toMatchObject({ api: 'admin', rule: 'origin', time: '2026-01-01T00:00:00.000Z' });
      expect(events.filter((event) => event.kind === 'webhook')).toMatchObject([
        { type: 'USER_CREATED', status: 500, outcome: 'retry scheduled', attempt: 1, maxAttempts: 3 },
        { type: 'USER_CREATED', status: 200, outcome: 'delivered', attempt: 2 },
      ]);
      for (const secret of [
        'whsec-s3cret',
        'adm1n-s3cret',
        'mgr-s3cret',
        'im-s3cret',
        'rcv-s3cret',
        'test_secret',
        'dGVzdF9rZXk6dGVzdF9zZWNyZXQ',
        accessToken,
        accessToken.split('.')[1] as string,
      ]) {
        expect(log.join('\n')).not.toContain(secret);
      }
    } finally {
      await receiver.close();
    }
  }, 30_000);

  it('prints only the banner with --quiet, set here through TOKEN_MOCK_QUIET', async () => {
    const { url, output } = await start([], { TOKEN_MOCK_QUIET: 'true' });
    await fetch(`${url}/health`);
    await fetch(`${url}/nowhere`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(output().slice(output().indexOf('try: curl')).trim().split('\n')).toHaveLength(1);
  });

  it('keeps answering while nobody reads its output, and says afterwards how many lines it dropped', async () => {
    const { url, output } = await start([]);
    // The reader stops: the pipe's buffer fills after a few hundred lines.
    child?.stdout?.pause();
    const started = performance.now();
    for (let round = 0; round < 40; round++) {
      const answers = await Promise.all(Array.from({ length: 250 }, () => fetch(`${url}/health?${'q'.repeat(200)}`)));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
    }
    // 10,000 answers (about 3 MB of log lines) while the output is stuck, without waiting on it.
    expect(performance.now() - started).toBeLessThan(30_000);
    child?.stdout?.resume();
    await expect.poll(() => output(), { timeout: 5_000 }).toMatch(/token-mock: \d+ log lines were dropped while standard output was not being read/);
    // And the log goes on once it is read again.
    await fetch(`${url}/health?after`);
    await expect.poll(() => output(), { timeout: 5_000 }).toContain('/health?after');
  });

  it('logs pretty lines without colour when the output is not a terminal', async () => {
    const { url, output } = await start([]);
    await fetch(`${url}/health`);
    await expect.poll(() => output()).toMatch(/\n2026-01-01T00:00:00\.000Z wukongim GET \/health 200 [\d.]+ms health\n/);
    expect(output()).not.toContain('\u001b[');
  });
});
