/**
 * The proxy in front of two upstreams on loopback: the mock itself (server-v2 profile), and a
 * deliberately wrong provider written here. Answers pass through byte for byte (gzip, chunked, 204,
 * HEAD); violations are found in each direction; an upstream that is down, resets or is slow gets a
 * 502 or 504 in the API's shape; credentials reach the upstream but never the journal or the HAR.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import ajvModule from 'ajv';
import ajvFormats from 'ajv-formats';
import { createMock, type Mock } from 'token-mock';
import { type RunningServer, serve } from 'token-mock/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy, type MockProxy } from '../src/proxy/index.js';
import { refusingUrl } from './support/receiver.js';
import { SANDBOX } from './support/smile.js';

/** The HAR 1.2 schema as the har-schema package gives it (draft-06, its keywords read the same by ajv's default draft). */
function harValidator() {
  // CommonJS modules whose `exports.default` is the real export; har-schema ships JSON without types.
  const ajv = new ajvModule.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const harSchemas = createRequire(import.meta.url)('har-schema') as Record<string, object>;
  ajv.addMetaSchema({ $id: 'http://json-schema.org/draft-06/schema#', type: ['object', 'boolean'] });
  for (const schema of Object.values(harSchemas)) ajv.addSchema(schema);
  return ajv.getSchema('har.json#') as ((data: unknown) => boolean) & { errors?: unknown };
}

/** What the wrong provider last saw. */
const seen: { headers?: IncomingMessage['headers']; aborted?: boolean; body?: string } = {};

/** A provider that breaks the WuKongIM contract on purpose, and serves raw bytes for the pass-through checks. */
function wrongProvider(incoming: IncomingMessage, outgoing: ServerResponse): void {
  seen.headers = incoming.headers;
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.on('close', () => {
    if (!incoming.complete) seen.aborted = true;
  });
  incoming.on('end', () => {
    seen.body = Buffer.concat(chunks).toString('utf8');
    const path = incoming.url ?? '/';
    if (path === '/user/token') {
      // The documented answer is {"status":200}; a string there breaks it.
      outgoing.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'X-Provider': 'wrong' });
      outgoing.end('{"status":"ok"}');
    } else if (path === '/health') {
      // Compressed and chunked: no content-length, gzip bytes.
      outgoing.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-trace': 'a b' });
      const gz = gzipSync('{"status":"up"}');
      outgoing.write(gz.subarray(0, 7));
      setTimeout(() => outgoing.end(gz.subarray(7)), 5);
    } else if (path === '/user/device_quit') {
      outgoing.writeHead(204, { 'x-empty': 'yes' });
      outgoing.end();
    } else if (path === '/route') {
      outgoing.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      outgoing.end('{}');
    } else if (path === '/slow') {
      // Never answers: the proxy's timeout ends it.
    } else if (path === '/reset') {
      incoming.socket.destroy();
    } else if (path === '/hang-body') {
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.write('{"partial":');
    } else {
      outgoing.writeHead(404, { 'content-type': 'application/json' });
      outgoing.end('{"msg":"nope","status":404}');
    }
  });
}

/** A raw exchange: status, headers and body bytes as they came. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; rawHeaders: string[]; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The headers an answer carries end to end: connection framing and the date aside. */
function endToEnd(rawHeaders: string[]): string[][] {
  const pairs: string[][] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (['connection', 'keep-alive', 'transfer-encoding', 'date'].includes(name)) continue;
    pairs.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
  }
  return pairs;
}

let wrong: Server;
let wrongUrl: string;
let upstreamMock: Mock;
let upstream: RunningServer;
let proxyMock: Mock;
let proxy: MockProxy;
let front: RunningServer;
let toWrong: RunningServer;
let wrongProxy: MockProxy;
let wrongMock: Mock;

beforeAll(async () => {
  wrong = createServer(wrongProvider);
  await new Promise<void>((resolve) => wrong.listen(0, '127.0.0.1', resolve));
  wrongUrl = `http://127.0.0.1:${(wrong.address() as AddressInfo).port}`;
  upstreamMock = createMock({ startTime: '2026-01-01T00:00:00Z', wukongim: { profile: 'server-v2' } });
  upstream = await serve(upstreamMock);
  proxyMock = createMock({ wukongim: { profile: 'server-v2' }, smile: { users: 0 } });
  proxy = createProxy(proxyMock, { upstreams: { wukongim: new URL(upstream.url), smile: new URL(`${upstream.url}/v1`) } });
  front = await serve(proxyMock, { forward: proxy.forward });
  wrongMock = createMock({ wukongim: { profile: 'server-v2' }, smile: { users: 0 } });
  wrongProxy = createProxy(wrongMock, { upstreams: { wukongim: new URL(wrongUrl), smile: new URL(`${await refusingUrl()}/v1`) }, timeoutMs: 300 });
  toWrong = await serve(wrongMock, { api: 'wukongim', forward: wrongProxy.forward });
});
afterAll(async () => {
  await Promise.all([upstream.close(), front.close(), toWrong.close(), new Promise((resolve) => wrong.close(resolve))]);
});

describe('pass-through', () => {
  it('answers what the upstream answered, byte for byte: gzip and chunked, 204, HEAD', async () => {
    for (const [method, path] of [
      ['GET', '/health'],
      ['POST', '/user/device_quit'],
      ['HEAD', '/route'],
      ['GET', '/route'],
    ] as const) {
      const direct = await raw(`${wrongUrl}${path}`, { method });
      const proxied = await raw(`${toWrong.url}${path}`, { method });
      expect(proxied.status, `${method} ${path}`).toBe(direct.status);
      expect(endToEnd(proxied.rawHeaders), `${method} ${path}`).toEqual(endToEnd(direct.rawHeaders));
      expect(proxied.body.equals(direct.body), `${method} ${path}`).toBe(true);
    }
    // The gzip body stayed compressed on the wire, and the journal shows it decoded.
    const health = wrongMock.journal.entries().find((entry) => entry.path === '/health');
    expect(health?.response.body).toBe('{"status":"up"}');
  });

  it('forwards the method, path, query, headers and body, with Host the upstream’s', async () => {
    const body = JSON.stringify({ uid: 'u-pass', token: 't', device_flag: 1, device_level: 1 });
    await raw(`${toWrong.url}/user/token?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-app': 'demo', token: 'manager' }, body });
    expect(seen.body).toBe(body);
    expect(seen.headers?.['x-app']).toBe('demo');
    expect(seen.headers?.token).toBe('manager');
    expect(seen.headers?.host).toBe(new URL(wrongUrl).host);
  });

  it('serves the mock’s own answers through it unchanged, and its control API beside them', async () => {
    const direct = await raw(`${upstream.url}/v1/users?size=2`, { headers: { authorization: SANDBOX } });
    const proxied = await raw(`${front.url}/v1/users?size=2`, { headers: { authorization: SANDBOX } });
    expect(proxied.status).toBe(200);
    expect(JSON.parse(proxied.body.toString()).data.items).toEqual(JSON.parse(direct.body.toString()).data.items);
    const journal = await raw(`${front.url}/__mock/journal?api=smile`);
    const [entry] = JSON.parse(journal.body.toString()).items;
    expect(entry).toMatchObject({ api: 'smile', operationId: 'listUsers', status: 200, proxied: true, violations: [] });
  });
});

describe('violations', () => {
  it('are the app’s when its request breaks the spec, and the request still reaches the upstream as sent', async () => {
    const before = upstreamMock.journal.total;
    const bad = '{"uid":5}';
    const answer = await raw(`${front.url}/user/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bad });
    expect(answer.status).toBe(400);
    expect(upstreamMock.journal.total).toBe(before + 1);
    expect(upstreamMock.journal.entries().at(-1)?.request.body).toBe(bad);
    const entry = proxyMock.journal.entries().at(-1);
    expect(entry?.proxied).toBe(true);
    expect(entry?.violations.map((v) => `${v.in}${v.path}`)).toContain('body/uid');
  });

  it('are the provider’s when its answer breaks the spec', async () => {
    const body = JSON.stringify({ uid: 'u1', token: 't1', device_flag: 1, device_level: 1 });
    const answer = await raw(`${toWrong.url}/user/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(answer.body.toString()).toBe('{"status":"ok"}');
    const entry = wrongMock.journal.entries().at(-1);
    expect(entry?.violations).toContainEqual(expect.objectContaining({ in: 'response', path: '/status' }));
    expect(entry?.violations.filter((v) => v.in !== 'response')).toEqual([]);
    const health = wrongMock.journal.entries().find((e) => e.path === '/health');
    expect(health?.violations.some((v) => v.in === 'response')).toBe(true);
    expect(wrongProxy.report.violations).toBeGreaterThan(0);
    const junit = wrongProxy.report.junit();
    expect(junit).toContain('name="updateToken"');
    expect(junit).toMatch(/<failure message="[^"]*response\/status/);
  });
});

describe('failures', () => {
  it('an upstream that is down gets a 502 in the API’s own shape, journaled', async () => {
    const smileFront = await serve(wrongMock, { api: 'smile', forward: wrongProxy.forward });
    try {
      const answer = await raw(`${smileFront.url}/v1/users`, { headers: { authorization: SANDBOX } });
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.body.toString())).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect(answer.headers['x-token-mock-upstream-error']).toMatch(/cannot reach the upstream: ECONNREFUSED/);
      expect(wrongMock.journal.entries().at(-1)).toMatchObject({ status: 502, proxied: true, error: expect.stringContaining('ECONNREFUSED') });
    } finally {
      await smileFront.close();
    }
  });

  it('an upstream that resets gets a 502, one that is slow a 504 within the timeout', async () => {
    const reset = await raw(`${toWrong.url}/reset`);
    expect(reset.status).toBe(502);
    expect(JSON.parse(reset.body.toString())).toEqual({ msg: expect.any(String), status: 502 });
    const started = performance.now();
    const slow = await raw(`${toWrong.url}/slow`);
    expect(slow.status).toBe(504);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(wrongMock.journal.entries().at(-1)).toMatchObject({ status: 504, error: expect.stringContaining('300 ms') });
    // With a body sent whole, the aborted upstream request leaves the client's connection to be answered.
    const slowPost = await raw(`${toWrong.url}/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(slowPost.status).toBe(504);
    expect(wrongMock.journal.entries().at(-1)).toMatchObject({ method: 'POST', status: 504, request: { body: '{"a":1}' } });
  });

  it('an answer that falls silent mid-body is cut off, never hangs', async () => {
    await expect(raw(`${toWrong.url}/hang-body`)).rejects.toThrow();
    expect(wrongMock.journal.entries().at(-1)).toMatchObject({ status: 200, error: expect.stringContaining('fell silent') });
  });

  it('a client that goes away aborts the upstream request', async () => {
    seen.aborted = false;
    const req = httpRequest(`${toWrong.url}/slow-upload`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100' } });
    req.on('error', () => {});
    req.write('{"a":');
    await expect.poll(() => seen.headers?.['content-length']).toBe('100');
    req.destroy();
    await expect.poll(() => seen.aborted).toBe(true);
  });
});

describe('secrets and recordings', () => {
  it('credentials reach the upstream but the journal and the HAR say REDACTED', async () => {
    const created = await raw(`${front.url}/v1/users`, { method: 'POST', headers: { authorization: SANDBOX } });
    expect(created.status).toBe(201);
    const token = JSON.parse(created.body.toString()).data.token.accessToken as string;
    const entry = proxyMock.journal.entries().at(-1);
    expect(entry?.request.headers.authorization).toBe('REDACTED');
    const har = JSON.parse((await raw(`${front.url}/__mock/har`)).body.toString());
    const text = JSON.stringify(har);
    expect(text).not.toContain(SANDBOX.slice(6));
    expect(text).not.toContain(token);
    const recorded = har.log.entries.find(
      (e: { request: { method: string; url: string } }) => e.request.method === 'POST' && e.request.url.endsWith('/v1/users'),
    );
    expect(JSON.parse(recorded.response.content.text).data.token.accessToken).toBe('REDACTED');
    expect(recorded._tokenMock).toMatchObject({ api: 'smile', operationId: 'createUser', proxied: true });
  });

  it('GET /__mock/har is HAR 1.2 by the har-schema package, and @mswjs/source replays it as recorded', async () => {
    const har = JSON.parse((await raw(`${front.url}/__mock/har`)).body.toString());
    const validate = harValidator();
    expect(validate(har), JSON.stringify(validate.errors)).toBe(true);
    const { fromTraffic } = await import('@mswjs/source/traffic');
    const { setupServer } = await import('msw/node');
    const listed = har.log.entries.find((e: { request: { url: string } }) => e.request.url.includes('/v1/users?size=2'));
    const server = setupServer(...fromTraffic(har, (entry) => (entry.request.url.includes('/v1/users?size=2') ? { ...entry, time: 0 } : undefined)));
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const replayed = await fetch(listed.request.url);
      expect(replayed.status).toBe(200);
      expect(await replayed.text()).toBe(listed.response.content.text);
    } finally {
      server.close();
    }
  });
});

describe('token-mock proxy', () => {
  // The CLI runs from the built JavaScript, as `npm start` does; `npm test` builds before testing.
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

  /** Runs the proxy until the banner is out, makes `exchange` happen, then stops it with SIGTERM. */
  async function run(args: string[], exchange: (url: string) => Promise<void>, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [cli, 'proxy', '--port', '0', '--quiet', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await expect.poll(() => /control\s+(http:\/\/\S+)\/__mock/.exec(output)?.[1], { timeout: 10_000 }).toBeDefined();
    await exchange((/control\s+(http:\/\/\S+)\/__mock/.exec(output) as RegExpExecArray)[1] as string);
    child.kill('SIGTERM');
    return { code: await exited, output };
  }

  it('--fail-on-violation exits 1 and --junit names each violation; --record writes a redacted HAR', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'token-mock-proxy-'));
    try {
      const junit = join(folder, 'report.xml');
      const record = join(folder, 'session.har');
      const args = ['--wukongim-upstream', wrongUrl, '--profile', 'server-v2', '--fail-on-violation', '--junit', junit, '--record', record];
      const { code, output } = await run(args, async (url) => {
        const body = JSON.stringify({ uid: 'u1', token: 'device-secret', device_flag: 1, device_level: 1 });
        const answer = await raw(`${url}/user/token`, { method: 'POST', headers: { 'content-type': 'application/json', token: 'manager-secret' }, body });
        expect(answer.status).toBe(200);
      });
      expect(code, output).toBe(1);
      expect(output).toContain('1 exchanges proxied');
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toMatch(
        /<testcase classname="proxy.wukongim" name="updateToken"[^>]*>\s*<failure message="1 of 1 exchanges broke the spec: response\/status/,
      );
      const har = JSON.parse(readFileSync(record, 'utf8'));
      expect(harValidator()(har)).toBe(true);
      expect(har.log.entries).toHaveLength(1);
      const text = JSON.stringify(har);
      expect(text).not.toContain('device-secret');
      expect(text).not.toContain('manager-secret');
      // Written by temporary file and rename: nothing but the two files is left behind.
      expect(readdirSync(folder).sort()).toEqual(['report.xml', 'session.har']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('exits 0 without violations, takes its flags from TOKEN_MOCK_* variables, and refuses to start with no upstream (exit 2)', async () => {
    const { code, output } = await run(
      ['--fail-on-violation'],
      async (url) => {
        expect((await raw(`${url}/health`)).status).toBe(200);
      },
      { TOKEN_MOCK_WUKONGIM_UPSTREAM: upstream.url, TOKEN_MOCK_PROFILE: 'server-v2' },
    );
    expect(code, output).toBe(0);
    expect(output).toContain(upstream.url);
    expect(output).toContain('WuKongIM contract: server-v2');
    const refused = spawn(process.execPath, [cli, 'proxy'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let error = '';
    refused.stderr.on('data', (chunk) => (error += chunk));
    expect(await new Promise((resolve) => refused.once('exit', resolve))).toBe(2);
    expect(error).toContain('--wukongim-upstream, --smile-upstream, or both');
  });
});
