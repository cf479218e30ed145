/**
 * State seeded from HAR recordings: the mock's own (recorded over a real server on an ephemeral port)
 * and a provider's, written here as a browser would save it. The seeded mock goes on behaving: its
 * recorded users answer as recorded and get new tokens, its recorded slots authenticate and are
 * kicked. Bad recordings change nothing, on the control API, in `createMock` and on the CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { setupServer } from 'msw/node';
import { createMock, isMockError, type Mock } from 'token-mock';
import { tokenMock } from 'token-mock/express';
import { createHandlers } from 'token-mock/msw';
import { serve } from 'token-mock/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSummary } from '../src/har/seed.js';
import { SANDBOX } from './support/smile.js';

const START = '2026-01-01T00:00:00Z';
// biome-ignore lint/suspicious/noExplicitAny: a HAR document is walked freely here
type Har = any;

const json = (body: unknown) => ({ method: 'POST', headers: { authorization: SANDBOX, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A session against the mock over real HTTP, and the HAR its control API answers afterwards. */
let recorded: { har: Har; userId: string; userText: string; webhookId: string };

beforeAll(async () => {
  const mock = createMock({ seed: 5, startTime: START });
  const server = await serve(mock, { host: '127.0.0.1' });
  try {
    const created = await (await fetch(`${server.url}/v1/users`, json({ externalMetadata: { plan: 'gold' } }))).json();
    const userId = created.data.user.id as string;
    const hook = { name: 'app', url: 'http://127.0.0.1:9/hooks', eventTypes: ['USER_CREATED'], active: true, secret: 'whsec_app' };
    const webhook = await (await fetch(`${server.url}/v1/webhooks`, json(hook))).json();
    await fetch(`${server.url}/user/token`, { method: 'POST', body: JSON.stringify({ uid: 'alice', token: 'tok-a', device_flag: 1, device_level: 1 }) });
    await fetch(`${server.url}/v1/tokens?userId=${userId}`, { method: 'POST', headers: { authorization: SANDBOX } });
    const userText = await (await fetch(`${server.url}/v1/users/${userId}`, { headers: { authorization: SANDBOX } })).text();
    await fetch(`${server.url}/v1/users/tenant-00000000000000000000000000000000`, { headers: { authorization: SANDBOX } });
    await fetch(`${server.url}/__mock/state`);
    const har = await (await fetch(`${server.url}/__mock/har`)).json();
    recorded = { har, userId, userText, webhookId: webhook.data.id };
  } finally {
    await server.close();
  }
});

/** The body of an answer without its per-request id. */
const withoutRequestId = (text: string) => ({ ...JSON.parse(text), requestId: undefined });

describe('seeding from the mock’s own recording', () => {
  it('a recorded user answers as recorded, gets new tokens, and unknown ids still get 404', async () => {
    const mock = createMock({ seed: 9, smile: { users: 0 }, fromHar: [recorded.har] });
    // The control API's own call is neither API's.
    expect(mock.seeded).toMatchObject({ users: 1, webhooks: 1, slots: 1, ignored: 1 });
    expect(mock.smile.userCount).toBe(1);
    const got = await mock.fetch(new Request(`http://localhost/v1/users/${recorded.userId}`, { headers: { authorization: SANDBOX } }));
    expect(got.status).toBe(200);
    expect(withoutRequestId(await got.text())).toEqual(withoutRequestId(recorded.userText));
    const token = await mock.fetch(
      new Request(`http://localhost/v1/tokens?userId=${recorded.userId}`, { method: 'POST', headers: { authorization: SANDBOX } }),
    );
    expect(token.status).toBe(201);
    const missing = await mock.fetch(new Request('http://localhost/v1/users/tenant-11111111111111111111111111111111', { headers: { authorization: SANDBOX } }));
    expect(missing.status).toBe(404);
  });

  it('lists what it cannot reproduce, one reason each, and gives a redacted webhook secret a seeded one', async () => {
    const mock = createMock({ seed: 9, fromHar: [{ label: 'session.har', document: recorded.har }] });
    const report = mock.seeded;
    expect(report?.unreproducible.map((item) => [item.entry.replace(/\d+\]$/, 'N]'), item.operationId])).toEqual([
      ['session.har entries[N]', 'createUser'],
      ['session.har entries[N]', 'updateToken'],
      ['session.har entries[N]', 'createToken'],
    ]);
    expect(report?.unreproducible[1]?.reason).toMatch(/token of alice \(device_flag 1\) was redacted/);
    const secret = report?.secrets[0];
    expect(secret?.webhookId).toBe(recorded.webhookId);
    expect(secret?.secret).toMatch(/^whsec_[0-9a-f]{32}$/);
    const subscriptions = await (await mock.fetch(new Request('http://localhost/__mock/webhooks/subscriptions'))).json();
    expect(subscriptions.items.find((w: { id: string }) => w.id === recorded.webhookId)).toMatchObject({
      secret: secret?.secret,
      url: 'http://127.0.0.1:9/hooks',
    });
    // The same recording and seed: the same secret; another seed, another.
    expect(createMock({ seed: 9, fromHar: [recorded.har] }).seeded?.secrets[0]?.secret).toBe(secret?.secret);
    expect(createMock({ seed: 10, fromHar: [recorded.har] }).seeded?.secrets[0]?.secret).not.toBe(secret?.secret);
    // A redacted device token authenticates nothing.
    expect(mock.wukongim.connect({ uid: 'alice', token: 'REDACTED', device_flag: 1, device_id: 'd1' }).reason_code).not.toBe(1);
  });

  it('loading the same recording twice gives the same state, and a reset seeds it again', async () => {
    const mock = createMock({ seed: 2, startTime: START, fromHar: [recorded.har] });
    const once = JSON.stringify(mock.snapshot());
    mock.seedFromHar(recorded.har);
    expect(JSON.stringify(mock.snapshot())).toBe(once);
    await mock.fetch(new Request(`http://localhost/v1/users/${recorded.userId}/resetSession`, { method: 'POST', headers: { authorization: SANDBOX } }));
    mock.reset();
    expect(JSON.stringify(mock.snapshot())).toBe(once);
  });

  it('the same recording and seed give byte-identical answers behind a real server, express and MSW', async () => {
    const ask = async (fetcher: (url: string, init: RequestInit) => Promise<Response>, base: string) => {
      const texts: string[] = [];
      for (const path of [`/v1/users/${recorded.userId}`, '/v1/users?size=5', `/v1/webhooks/${recorded.webhookId}`])
        texts.push(await (await fetcher(base + path, { headers: { authorization: SANDBOX } })).text());
      return texts;
    };
    const served = createMock({ seed: 4, startTime: START, fromHar: [recorded.har] });
    const server = await serve(served, { host: '127.0.0.1', api: 'smile' });
    const overHttp = await ask(fetch, server.url).finally(() => server.close());
    const intercepted = createMock({ seed: 4, startTime: START, fromHar: [recorded.har] });
    const msw = setupServer(...createHandlers(intercepted, { imUrl: false }));
    msw.listen({ onUnhandledRequest: 'error' });
    const overMsw = await ask(fetch, 'https://sandbox.smileapi.io').finally(() => msw.close());
    expect(overMsw).toEqual(overHttp);
    const app = express().use(tokenMock(createMock({ seed: 4, startTime: START, fromHar: [recorded.har] })));
    const listening = await new Promise<Server>((resolve) => {
      const started = app.listen(0, '127.0.0.1', () => resolve(started));
    });
    const overExpress = await ask(fetch, `http://127.0.0.1:${(listening.address() as AddressInfo).port}`).finally(
      () => new Promise((resolve) => listening.close(resolve)),
    );
    expect(overExpress).toEqual(overHttp);
    expect(JSON.parse(overHttp[0] as string).data.externalMetadata).toEqual({ plan: 'gold' });
  });
});

/** One exchange as a browser saves it, with the request's headers besides its content type. */
const harEntry = (method: string, url: string, status: number, body: unknown, requestBody?: unknown, headers: Record<string, string> = {}) => ({
  startedDateTime: '2026-03-02T10:00:00.000Z',
  time: 12,
  request: {
    method,
    url,
    httpVersion: 'HTTP/2',
    cookies: [],
    headers: [{ name: 'Content-Type', value: 'application/json' }, ...Object.entries(headers).map(([name, value]) => ({ name, value }))],
    queryString: [],
    headersSize: -1,
    bodySize: -1,
    ...(requestBody === undefined ? {} : { postData: { mimeType: 'application/json', text: JSON.stringify(requestBody) } }),
  },
  response: {
    status,
    statusText: '',
    httpVersion: 'HTTP/2',
    cookies: [],
    headers: [] as { name: string; value: string }[],
    content: { size: -1, mimeType: 'application/json', text: JSON.stringify(body) },
    redirectURL: '',
    headersSize: -1,
    bodySize: -1,
  },
  cache: {},
  timings: { send: 0, wait: 12, receive: 0 },
});

/** A provider's traffic as a browser saves it: other hosts beside, real-looking ids, an unredacted device token. */
function providerHar(): Har {
  const user = { id: 'acme-0123456789abcdef0123456789abcdef', externalMetadata: { crm: '42' }, createdAt: '2025-11-30T08:15:00.000Z', providers: [] };
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY21lIn0.c2lnbmVkLWJ5LXNtaWxl';
  return {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      entries: [
        harEntry('GET', 'https://fonts.example.com/css?family=Inter', 200, {}),
        harEntry('POST', 'https://sandbox.smileapi.io/v1/users', 201, {
          code: 'OK',
          message: 'Success',
          requestId: 'r-1',
          data: { user, token: { id: 'tk-00112233445566778899aabbccddeeff', mode: 'SANDBOX', accessToken: jwt, expiresAt: '2025-11-30T13:15:00.000Z' } },
        }),
        harEntry('GET', 'https://sandbox.smileapi.io/v1/users?size=1', 200, { code: 'OK', message: 'Success', requestId: 'r-2', data: { items: [user] } }),
        harEntry('POST', 'https://im.example.com/user/token', 200, { status: 200 }, { uid: 'bob', token: 'tok-bob', device_flag: 0, device_level: 1 }),
        harEntry('POST', 'https://im.example.com/user/token', 200, { status: 200 }, { uid: 'carol', token: 'tok-c', device_flag: 2, device_level: 0 }),
        harEntry('POST', 'https://im.example.com/user/device_quit', 200, { status: 200 }, { uid: 'carol', device_flag: -1 }),
      ],
    },
  };
}

describe('seeding from a provider’s recording', () => {
  it('keeps users as recorded, device slots that authenticate and are kicked, and counts other hosts as ignored', () => {
    const mock = createMock({ smile: { users: 0 }, wukongim: { profile: 'server-v2' }, fromHar: [providerHar()] });
    expect(mock.seeded).toMatchObject({ entries: 6, ignored: 1, users: 1, slots: 2, unreproducibleCount: 1 });
    expect(mock.seeded?.unreproducible[0]?.reason).toMatch(/signed by whoever answered/);
    expect(mock.smile.user('acme-0123456789abcdef0123456789abcdef')).toMatchObject({ createdAt: '2025-11-30T08:15:00.000Z', externalMetadata: { crm: '42' } });
    const online = mock.wukongim.connect({ uid: 'bob', token: 'tok-bob', device_flag: 0, device_id: 'phone' });
    expect(online.reason_code).toBe(1);
    mock.wukongim.updateToken({ uid: 'bob', token: 'tok-bob-2', device_flag: 0, device_level: 1 });
    expect(mock.wukongim.connections({ uid: 'bob' })[0]?.state).toBe('kicked');
    // device_quit emptied carol's slot: her old token no longer connects.
    expect(mock.wukongim.connect({ uid: 'carol', token: 'tok-c', device_flag: 2, device_id: 'pc' }).reason_code).not.toBe(1);
    expect(mock.wukongim.devices({ uid: 'carol' })[0]).toMatchObject({ token: '', device_level: 1 });
    expect(mock.seeded?.ignoredHosts).toEqual(['https://fonts.example.com']);
  });

  it("leaves out a host that no entry shows to be either API's, on the APIs' own paths too", () => {
    const har = providerHar();
    // The app's own server: a health check and a backend of its own under /v1, both in shapes of their own.
    har.log.entries.push(
      harEntry('GET', 'http://localhost:5173/health', 200, { healthy: 'yes' }),
      harEntry('GET', 'http://localhost:5173/v1/users/me', 200, { name: 'Ada' }),
    );
    const mock = createMock({ smile: { users: 0 }, wukongim: { profile: 'server-v2' }, fromHar: [har] });
    expect(mock.seeded).toMatchObject({ entries: 8, ignored: 3, users: 1, slots: 2 });
    expect(mock.seeded?.ignoredHosts).toEqual(['https://fonts.example.com', 'http://localhost:5173']);
    expect(mock.seeded && seedSummary(mock.seeded)).toContain("left out as neither API's: https://fonts.example.com, http://localhost:5173");
  });

  it("leaves out the answers a mock made itself: the proxy's 502, an upstream mock's injected fault", () => {
    const har = providerHar();
    const madeBy = (header: string, value: string, status: number) => {
      const made = harEntry('POST', 'https://im.example.com/user/token', status, { error: 'not the provider' }, { uid: 'dave', token: 't', device_flag: 1 });
      made.response.headers.push({ name: header, value });
      return made;
    };
    har.log.entries.push(madeBy('x-token-mock-upstream-error', 'connect ECONNREFUSED 127.0.0.1:5001', 502), madeBy('X-Token-Mock-Fault', 'teapot', 418));
    const mock = createMock({ smile: { users: 0 }, wukongim: { profile: 'server-v2' }, fromHar: [har] });
    expect(mock.seeded).toMatchObject({ entries: 8, ignored: 3, slots: 2 });
  });

  it('refuses recorded users past --max-users rather than forget the oldest of them', () => {
    const seed = () => createMock({ smile: { users: 1, maxUsers: 1 }, wukongim: { profile: 'server-v2' }, fromHar: [providerHar()] });
    expect(seed).toThrow(/make a state the mock cannot hold, so nothing was changed: \/log\/entries hold 2 Smile users .* at most 1 \(--max-users/);
  });

  it('reads every entry of a host that one entry shows to be Smile’s, and refuses its answer that breaks the spec', () => {
    const har = providerHar();
    har.log.entries.push(
      harEntry('GET', 'http://localhost:5002/v1/users?size=10', 200, { code: 'OK', message: 'Success', requestId: 'r', data: { items: [] } }, undefined, {
        Authorization: SANDBOX,
      }),
      harEntry('GET', 'http://localhost:5002/v1/users/me', 200, { name: 'Ada' }),
    );
    expect(() => createMock({ smile: { users: 0 }, wukongim: { profile: 'server-v2' }, fromHar: [har] })).toThrow(/getUser → 200/);
  });
});

describe('bad recordings change nothing', () => {
  let mock: Mock;
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    mock = createMock({ startTime: START, adminMaxBodyBytes: 64 * 1024 });
    const server = await serve(mock, { host: '127.0.0.1' });
    url = `${server.url}/__mock/har`;
    close = () => server.close();
  });
  afterAll(() => close());

  const post = async (body: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
  };
  const contradicting = () => {
    const har = structuredClone(recorded.har);
    const got = har.log.entries.find((e: Har) => e._tokenMock.operationId === 'getUser' && e.response.status === 200);
    got.response.content.text = got.response.content.text.replace('"createdAt":"', '"createdAt":"yesterday ');
    return har;
  };

  it.each([
    ['not JSON', '{"log": ', 400, 'malformed-json', /JSON/],
    ['not HAR', '{"entries": []}', 400, 'invalid-har', /is not HAR.*\/log is required/],
    ['not HAR 1.2', JSON.stringify({ log: { version: '1.1', creator: { name: 'x', version: '1' }, entries: [] } }), 400, 'invalid-har', /not HAR 1\.2/],
    ['over --admin-max-body', JSON.stringify({ log: { pad: 'x'.repeat(70 * 1024) } }), 413, 'payload-too-large', /65536-byte limit/],
  ])('%s: a problem, and the state as it was', async (_what, body, status, slug, detail) => {
    const before = JSON.stringify(mock.snapshot());
    const answer = await post(body);
    expect(answer.status).toBe(status);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.body.type).toMatch(new RegExp(`${slug}$`));
    expect(answer.body.detail).toMatch(detail);
    expect(JSON.stringify(mock.snapshot())).toBe(before);
  });

  it('an answer that contradicts the spec refuses the whole recording, naming the entry', async () => {
    const before = JSON.stringify(mock.snapshot());
    const answer = await post(JSON.stringify(contradicting()));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({
      path: expect.stringMatching(/^\/body\/log\/entries\/\d+$/),
      message: expect.stringMatching(/getUser → 200.*createdAt/),
    });
    expect(JSON.stringify(mock.snapshot())).toBe(before);
    // The same in createMock: it throws the domain error.
    let thrown: unknown;
    try {
      createMock({ fromHar: [contradicting()] });
    } catch (error) {
      thrown = error;
    }
    expect(isMockError(thrown) && thrown.kind).toBe('invalid-har');
  });

  it('a good recording is added and reported', async () => {
    const answer = await post(JSON.stringify(recorded.har));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ users: 1, webhooks: 1, slots: 1, unreproducibleCount: 3 });
    expect(mock.smile.user(recorded.userId)).toBeDefined();
  });
});

describe('token-mock serve --from-har', () => {
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const folder = mkdtempSync(join(tmpdir(), 'token-mock-from-har-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Runs serve until its banner is out (or it exits), then stops it. */
  async function run(args: string[]) {
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let code: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (exit) => {
        code = exit;
        resolve();
      }),
    );
    await expect.poll(() => code !== undefined || /try: curl/.test(stdout), { timeout: 10_000 }).toBe(true);
    const base = /control\s+(http:\/\/\S+)\/__mock/.exec(stdout)?.[1];
    const user = base && (await fetch(`${base}/v1/users/${recorded.userId}`, { headers: { authorization: SANDBOX } }));
    child.kill('SIGTERM');
    await exited;
    return { code, stdout, stderr, user: user ? await user.text() : undefined };
  }

  it('seeds from the file, with the banner saying what and what not', async () => {
    const file = join(folder, 'session.har');
    writeFileSync(file, JSON.stringify(recorded.har));
    const { stdout, user } = await run(['--from-har', file, '--users', '0']);
    expect(stdout).toMatch(/seeded {4}1 Smile user, 1 webhook subscription and 1 WuKongIM device slot from \d+ entries/);
    expect(stdout).toMatch(/not reproduced: .*session\.har entries\[\d+\] \(createToken\)/);
    expect(stdout).toMatch(new RegExp(`webhook ${recorded.webhookId}: its secret was redacted; it signs with whsec_`));
    expect(withoutRequestId(user as string)).toEqual(withoutRequestId(recorded.userText));
  });

  it('reads a recording that starts with a byte-order mark, as some tools write them', async () => {
    const file = join(folder, 'bom.har');
    writeFileSync(file, `\ufeff${JSON.stringify(recorded.har)}`);
    const { stdout } = await run(['--from-har', file, '--users', '0']);
    expect(stdout).toMatch(/1 Smile user, 1 webhook subscription and 1 WuKongIM device slot/);
  });

  it.each([
    ['missing', () => join(folder, 'none.har'), /--from-har .*none\.har: no such file/],
    [
      'not JSON',
      () => {
        const file = join(folder, 'text.har');
        writeFileSync(file, 'GET / HTTP/1.1');
        return file;
      },
      /--from-har .*text\.har: is not JSON/,
    ],
    [
      'not JSON, over several lines',
      () => {
        const file = join(folder, 'lines.har');
        writeFileSync(file, '{\n  "log": nope\n}');
        return file;
      },
      /--from-har .*lines\.har: is not JSON: .*"log": nope/,
    ],
    ['a directory', () => folder, /--from-har .*: is a directory, not a recording/],
    [
      'over 64 MiB',
      () => {
        const file = join(folder, 'huge.har');
        writeFileSync(file, '');
        truncateSync(file, 65 * 1024 * 1024);
        return file;
      },
      /huge\.har: is 65\.0 MiB; a recording may be at most 64\.0 MiB/,
    ],
    [
      'contradicting the spec',
      () => {
        const file = join(folder, 'wrong.har');
        const har = structuredClone(recorded.har);
        const got = har.log.entries.find((e: Har) => e._tokenMock.operationId === 'getUser' && e.response.status === 200);
        got.response.content.text = got.response.content.text.replace('"createdAt":"', '"createdAt":"yesterday ');
        writeFileSync(file, JSON.stringify(har));
        return file;
      },
      /wrong\.har holds answers that contradict the spec, so nothing was changed: \/log\/entries\/\d+ getUser → 200/,
    ],
  ])('a recording %s: one line, exit 2', async (_what, make, line) => {
    const { code, stderr, stdout } = await run(['--from-har', make()]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(line);
  });
});
