/** token-mock/msw in Node: a real setupServer, the real hosts' modes, and pass-through of what the mock does not serve. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { afterEach, describe, expect, it } from 'vitest';

const basic = (pair: string) => ({ authorization: `Basic ${btoa(pair)}` });
let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

function intercept(...handlers: ReturnType<typeof createHandlers>) {
  const server = setupServer(...handlers);
  server.listen({ onUnhandledRequest: 'bypass' });
  stop = () => server.close();
}

describe('token-mock/msw', () => {
  it('gives SANDBOX tokens on the sandbox host and PRODUCTION tokens on the production host', async () => {
    intercept(...createHandlers(createMock()));
    const sandbox = await fetch('https://sandbox.smileapi.io/v1/users', { method: 'POST', headers: basic('test_key:test_secret') });
    expect(sandbox.status).toBe(201);
    expect((await sandbox.json()).data.token.mode).toBe('SANDBOX');
    const production = await fetch('https://open.smileapi.io/v1/users', { method: 'POST', headers: basic('live_key:live_secret') });
    expect((await production.json()).data.token.mode).toBe('PRODUCTION');
  });

  it('refuses a key of the other mode, as the real hosts do', async () => {
    intercept(...createHandlers(createMock()));
    const crossed = await fetch('https://open.smileapi.io/v1/users', { method: 'POST', headers: basic('test_key:test_secret') });
    expect(crossed.status).toBe(401);
    expect(await crossed.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'The API key is a SANDBOX key; this host serves PRODUCTION' });
  });

  it('serves the control API beside Smile and under WuKongIM, at configured base URLs', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    intercept(...createHandlers(mock, { wukongimUrl: 'https://im.example.test/api', smileSandboxUrl: 'https://smile.example.test/v1/' }));
    const token = await fetch('https://im.example.test/api/user/token', { method: 'POST', body: JSON.stringify({ uid: 'a', token: 't', device_flag: 1 }) });
    expect(await token.json()).toEqual({ status: 'ok' });
    expect(mock.wukongim.devices({ uid: 'a' })).toHaveLength(1);
    const users = await fetch('https://smile.example.test/v1/users?size=1', { headers: basic('test_key:test_secret') });
    expect((await users.json()).data.items).toHaveLength(1);
    await fetch('https://smile.example.test/__mock/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance":"1h"}' });
    expect(mock.clock.iso()).toBe('2026-01-01T01:00:00.000Z');
  });

  it('lets requests the mock does not serve pass through untouched', async () => {
    const real = createServer((request, response) => response.end(`real server saw ${request.method} ${request.url}`));
    await new Promise<void>((resolve) => real.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(real.address() as AddressInfo).port}`;
    try {
      intercept(...createHandlers(createMock(), { wukongimUrl: origin }));
      const other = await fetch(`${origin}/message/send`, { method: 'POST', body: '{}' });
      expect(await other.text()).toBe('real server saw POST /message/send');
      const served = await fetch(`${origin}/health`);
      expect(await served.json()).toEqual({ status: 'ok' });
    } finally {
      real.closeAllConnections();
      await new Promise((resolve) => real.close(resolve));
    }
  });

  it('turns an injected dropped connection into a network error', async () => {
    intercept(...createHandlers(createMock({ faults: [{ path: '/health', drop: true }] })));
    await expect(fetch('http://localhost:5001/health')).rejects.toThrow('Failed to fetch');
  });
});
