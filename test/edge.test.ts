/**
 * The edge of a mock on a socket: CORS as a browser app needs it, and the control API out of reach of
 * a hostile page (foreign origins, rebound hosts, clients off loopback), on the standalone server and
 * in express. The rules themselves are tables here; the servers are real, on ephemeral loopback ports.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createMock } from 'token-mock';
import { tokenMock } from 'token-mock/express';
import { type EdgeEvent, type RunningServer, serve } from 'token-mock/node';
import { afterEach, describe, expect, it } from 'vitest';
import { cors } from '../src/core/cors.js';
import { type EdgeRequest, isAllowedHost, refusal } from '../src/core/origin-guard.js';

const SANDBOX = `Basic ${Buffer.from('test_key:test_secret').toString('base64')}`;
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof serve>[1] = {}, mockOptions: Parameters<typeof createMock>[0] = {}) {
  const mock = createMock({ startTime: '2026-01-01T00:00:00Z', ...mockOptions });
  const events: EdgeEvent[] = [];
  const server = await serve(mock, { onEdge: (event) => events.push(event), ...options });
  running.push(server);
  return { mock, server, events };
}

/** A request with a Host of our choosing (fetch sets its own), answered with its status and body. */
function send(url: string, path: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, path, method, headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode as number, body: text }));
    });
    call.once('error', reject);
    call.end(body);
  });
}

/** A request from a page: the headers a browser adds. */
const fromPage = (origin: string, init: RequestInit = {}) => ({ ...init, headers: { origin, ...(init.headers as Record<string, string>) } });

describe('the rules, as a table', () => {
  const base: EdgeRequest = { api: 'admin', host: '127.0.0.1:5001', origin: null, authorization: null, clientAddress: '127.0.0.1' };
  const rows: [string, Partial<EdgeRequest>, { adminToken?: string; corsOrigins?: string[]; allowedHosts?: string[] }, string | undefined][] = [
    ['curl on loopback', {}, {}, undefined],
    ['a page on a loopback origin', { origin: 'http://localhost:5173' }, {}, undefined],
    ['a page on [::1]', { origin: 'http://[::1]:8080', host: '[::1]:5001' }, {}, undefined],
    ['a page on another site', { origin: 'https://evil.test' }, {}, 'origin'],
    ['an opaque origin (a sandboxed frame, a file)', { origin: 'null' }, {}, 'origin'],
    ['a listed origin', { origin: 'https://app.example.test' }, { corsOrigins: ['https://app.example.test'] }, undefined],
    ['any origin with *', { origin: 'https://evil.test' }, { corsOrigins: ['*'] }, undefined],
    ['a rebound host', { host: 'evil.test:5001' }, {}, 'host'],
    ['a rebound host on an API', { api: 'wukongim', host: 'evil.test:5001' }, {}, 'host'],
    ['a foreign origin on an API', { api: 'smile', origin: 'https://evil.test' }, {}, undefined],
    ['an IP address as Host', { host: '192.168.1.20:5001' }, {}, undefined],
    ['a subdomain of localhost', { host: 'app.localhost:5001' }, {}, undefined],
    ['an allowed host', { host: 'token-mock:5001' }, { allowedHosts: ['token-mock'] }, undefined],
    ['an allowed domain', { host: 'mock.ci.example.test' }, { allowedHosts: ['.example.test'] }, undefined],
    ['a client off loopback, no token configured', { clientAddress: '10.0.0.7' }, {}, 'client'],
    ['an IPv4-mapped loopback client', { clientAddress: '::ffff:127.0.0.1' }, {}, undefined],
    ['a client off loopback with a token configured (the guard asks for it)', { clientAddress: '10.0.0.7' }, { adminToken: 't' }, undefined],
    ['a foreign page carrying the token', { origin: 'https://evil.test', host: 'evil.test', authorization: 'Bearer t' }, { adminToken: 't' }, undefined],
    ['a foreign page with a wrong token', { origin: 'https://evil.test', authorization: 'Bearer guess' }, { adminToken: 't' }, 'origin'],
  ];
  for (const [name, given, rules, want] of rows) {
    it(`${want ? `refuses (${want})` : 'lets through'}: ${name}`, () => {
      expect(refusal({ ...base, ...given }, rules)?.rule).toBe(want);
    });
  }

  it('reads Host names as a browser sends them', () => {
    expect(isAllowedHost('LOCALHOST:5001')).toBe(true);
    expect(isAllowedHost('localhost.:5001')).toBe(true);
    expect(isAllowedHost('127.0.0.1.evil.test')).toBe(false);
    expect(isAllowedHost('localhost.evil.test')).toBe(false);
  });

  it('answers CORS per API', () => {
    const preflight = { method: 'OPTIONS', requestMethod: 'POST', requestHeaders: 'authorization,content-type' };
    expect(cors('wukongim', { ...preflight, origin: 'https://anywhere.test' }).headers['access-control-allow-origin']).toBe('*');
    expect(cors('wukongim', { method: 'OPTIONS', origin: null, requestMethod: null, requestHeaders: null }).preflight).toBe(true);
    expect(cors('smile', { ...preflight, origin: 'http://localhost:5173' }).headers).toMatchObject({
      'access-control-allow-origin': 'http://localhost:5173',
      'access-control-allow-headers': 'authorization,content-type',
      vary: 'Origin',
    });
    expect(cors('smile', { ...preflight, origin: 'https://evil.test' })).toMatchObject({ headers: {}, preflight: true, allowed: false });
    const listed = ['https://app.example.test'];
    expect(cors('smile', { ...preflight, origin: 'http://localhost:5173' }, listed).allowed).toBe(false);
    expect(cors('wukongim', { ...preflight, origin: 'https://app.example.test' }, listed).headers['access-control-allow-origin']).toBe(
      'https://app.example.test',
    );
    expect(cors('admin', { ...preflight, origin: 'http://localhost:5173' }, listed).allowed).toBe(true);
  });
});

describe('the standalone server', () => {
  it('answers a WuKongIM preflight from any origin as the real server does, and CORS on every answer', async () => {
    const { server, events } = await start({ api: 'wukongim' });
    const preflight = await fetch(
      `${server.url}/user/token`,
      fromPage('https://app.example.test', { method: 'OPTIONS', headers: { 'access-control-request-method': 'POST' } }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS, GET, PUT,DELETE,PATCH');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('token');
    const answer = await fetch(
      `${server.url}/user/token`,
      fromPage('https://app.example.test', { method: 'POST', body: '{"uid":"ana","token":"t1","device_flag":1}' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(events).toEqual([{ kind: 'preflight', api: 'wukongim', method: 'OPTIONS', path: '/user/token', status: 204 }]);
  });

  it('answers Smile for loopback origins only, unless --cors-origin says otherwise', async () => {
    const { server } = await start({ api: 'smile' });
    const ask = (origin: string) =>
      fetch(
        `${server.url}/v1/users`,
        fromPage(origin, { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } }),
      );
    const local = await ask('http://localhost:5173');
    expect(local.status).toBe(204);
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(local.headers.get('access-control-allow-headers')).toBe('authorization');
    const foreign = await ask('https://app.example.test');
    expect(foreign.status).toBe(204);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const users = await fetch(`${server.url}/v1/users?size=1`, fromPage('http://127.0.0.1:5173', { headers: { authorization: SANDBOX } }));
    expect(users.status).toBe(200);
    expect(users.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');

    const listed = await start({ api: 'smile', corsOrigins: ['https://app.example.test'] });
    const now = await fetch(`${listed.server.url}/v1/users?size=1`, fromPage('https://app.example.test', { headers: { authorization: SANDBOX } }));
    expect(now.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    const loopback = await fetch(`${listed.server.url}/v1/users?size=1`, fromPage('http://localhost:5173', { headers: { authorization: SANDBOX } }));
    expect(loopback.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a simple text/plain POST to /__mock/reset from a foreign page, and leaves the state as it was', async () => {
    const { server, mock, events } = await start({ api: 'wukongim' });
    await fetch(`${server.url}/user/token`, { method: 'POST', body: '{"uid":"ana","token":"t1","device_flag":1}' });
    const refused = await fetch(
      `${server.url}/__mock/reset`,
      fromPage('https://evil.test', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const problem = await refused.json();
    expect(problem).toMatchObject({ type: 'urn:token-mock:problem:foreign-origin', status: 403, title: 'Origin not allowed' });
    expect(problem.detail).toContain('--cors-origin https://evil.test');
    expect(mock.wukongim.counts().slots.count).toBe(1);
    expect(events.at(-1)).toMatchObject({ kind: 'refused', api: 'admin', rule: 'origin', status: 403 });

    const local = await fetch(`${server.url}/__mock/clock`, fromPage('http://localhost:5173'));
    expect(local.status).toBe(200);
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('refuses a rebound Host on the control API and on the APIs, so a rebound page cannot overwrite a token', async () => {
    const { server, mock } = await start({ api: 'wukongim' });
    const rebound = { host: `evil.test:${server.port}`, 'content-type': 'text/plain' };
    const token = await send(server.url, '/user/token', 'POST', rebound, '{"uid":"ana","token":"t1","device_flag":1}');
    expect(token.status).toBe(403);
    expect(JSON.parse(token.body)).toMatchObject({ type: 'urn:token-mock:problem:rebound-host' });
    expect(JSON.parse(token.body).detail).toContain('--allowed-hosts evil.test');
    expect((await send(server.url, '/__mock/reset', 'POST', rebound)).status).toBe(403);
    expect(mock.wukongim.counts().slots.count).toBe(0);

    const allowed = await start({ api: 'wukongim', allowedHosts: ['evil.test'] });
    expect((await send(allowed.server.url, '/health', 'GET', { host: 'evil.test' })).status).toBe(200);
  });

  it('lets a foreign page through with the admin token', async () => {
    const { server } = await start({ api: 'smile' }, { adminToken: 's3cret' });
    const withToken = await fetch(`${server.url}/__mock/clock`, fromPage('https://evil.test', { headers: { authorization: 'Bearer s3cret' } }));
    expect(withToken.status).toBe(200);
    const without = await fetch(`${server.url}/__mock/clock`, fromPage('https://evil.test'));
    expect(without.status).toBe(403);
  });

  it('answers HEAD wherever GET answers, without a body', async () => {
    const { server } = await start();
    for (const path of ['/health', '/__mock/clock']) {
      const head = await fetch(server.url + path, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    }
    expect((await fetch(`${server.url}/v1/users`, { method: 'HEAD', headers: { authorization: SANDBOX } })).status).toBe(200);
  });

  it('serves every API on one port: WuKongIM at /, Smile at /v1, the control API at /__mock', async () => {
    const { server } = await start();
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    expect((await (await fetch(`${server.url}/v1/users?size=1`, { headers: { authorization: SANDBOX } })).json()).code).toBe('OK');
    expect((await (await fetch(`${server.url}/__mock/clock`)).json()).now).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('express', () => {
  async function listen(app: express.Express): Promise<string> {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    running.push({ close: () => new Promise<void>((done) => server.close(() => done())) });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('keeps the control API from foreign pages and rebound hosts, and leaves the APIs to the app', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    const app = express();
    app.use(tokenMock(mock));
    const url = await listen(app);
    const reset = await fetch(`${url}/__mock/reset`, fromPage('https://evil.test', { method: 'POST', headers: { 'content-type': 'text/plain' } }));
    expect(reset.status).toBe(403);
    expect((await reset.json()).type).toBe('urn:token-mock:problem:foreign-origin');
    expect((await send(url, '/__mock/clock', 'GET', { host: 'evil.test' })).status).toBe(403);
    expect((await fetch(`${url}/__mock/clock`)).status).toBe(200);
    // The app's own origin rules apply to the APIs: no CORS headers from the mock, no refusal.
    expect((await send(url, '/health', 'GET', { host: 'app.example.test', origin: 'https://evil.test' })).status).toBe(200);
    const health = await fetch(`${url}/health`, fromPage('https://evil.test'));
    expect(health.status).toBe(200);
    expect(health.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('limits a client can read', () => {
  let server: RunningServer;

  it('answers a 5 MB body with a 413 that Node fetch receives', async () => {
    ({ server } = await start({ api: 'wukongim' }));
    const body = JSON.stringify({ uid: 'ana', token: 'x'.repeat(5 * 1024 * 1024), device_flag: 1 });
    const response = await fetch(`${server.url}/user/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toMatchObject({ status: 413 });
    const control = await fetch(`${server.url}/__mock/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(control.status).toBe(413);
    // Streamed, without a Content-Length: the server finds out while reading.
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 5 * 1024 * 1024) controller.close();
        else {
          sent += chunk.length;
          controller.enqueue(chunk);
        }
      },
    });
    const streamed = await fetch(`${server.url}/user/token`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
