/** Security defaults: loopback unless told, an admin token off loopback, bounded headers and slow clients cut off. */
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createMock } from 'token-mock';
import { serve } from 'token-mock/node';
import { describe, expect, it } from 'vitest';
import { answer } from './support/server.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

describe('the admin token', () => {
  it('guards the control API only', async () => {
    const mock = createMock({ adminToken: 's3cret' });
    const server = await serve(mock, { api: 'wukongim' });
    try {
      const refused = await answer(await fetch(`${server.url}/__mock/clock`));
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="token-mock control API"');
      expect(refused.body).toMatchObject({ type: 'urn:token-mock:problem:unauthorized', status: 401 });
      const wrong = await fetch(`${server.url}/__mock/reset`, { method: 'POST', headers: { authorization: 'Bearer guess' } });
      expect(wrong.status).toBe(401);
      const allowed = await fetch(`${server.url}/__mock/clock`, { headers: { authorization: 'Bearer s3cret' } });
      expect(allowed.status).toBe(200);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('is required to serve off loopback', () => {
    const refused = spawnSync(process.execPath, [cli, 'serve', '--host', '0.0.0.0', '--wukongim-port', '0', '--smile-port', '0', '--wukongim-ws-port', '0'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--host 0.0.0.0 is not a loopback address');
  });

  it('lets the server start off loopback when given', async () => {
    const child = spawn(
      process.execPath,
      [cli, 'serve', '--host', '0.0.0.0', '--admin-token', 't', '--wukongim-port', '0', '--smile-port', '0', '--wukongim-ws-port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
          if (output.includes('try: curl')) resolve(output);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(banner).toContain('(Authorization: Bearer <admin token>)');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('slow and oversized clients', () => {
  it('cuts off a client that does not finish its headers in time', async () => {
    const server = await serve(createMock(), { api: 'wukongim', headersTimeoutMs: 300 });
    try {
      const socket = connect(server.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
      // A slowloris keeps dribbling header bytes; the server must close it anyway.
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
      const started = performance.now();
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      await new Promise((resolve) => socket.once('close', resolve));
      clearInterval(drip);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('answers 431 to headers over 16 KB', async () => {
    const server = await serve(createMock(), { api: 'wukongim' });
    try {
      const response = await fetch(`${server.url}/health`, { headers: { 'x-big': 'x'.repeat(20_000) } });
      expect(response.status).toBe(431);
    } finally {
      await server.close();
    }
  });
});

/** Sends raw bytes and resolves with everything the server wrote before closing (or after `ms`). */
async function raw(port: number, bytes: string, ms = 2000): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  socket.write(bytes);
  await Promise.race([new Promise((resolve) => socket.once('close', resolve)), new Promise((resolve) => setTimeout(resolve, ms))]);
  socket.destroy();
  return received;
}

describe('malformed requests and too many connections', () => {
  it('answers a CONNECT request and two Host headers with a 400 in the API shape, not a dropped socket', async () => {
    const mock = createMock();
    const wukongim = await serve(mock, { api: 'wukongim' });
    const smile = await serve(mock, { api: 'smile' });
    try {
      const connectAnswer = await raw(wukongim.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
      expect(connectAnswer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(connectAnswer).toContain('{"msg":"the CONNECT method is not served here","status":400}');
      const twoHosts = await raw(smile.port, 'GET /v1/users HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\nConnection: close\r\n\r\n');
      expect(twoHosts).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(twoHosts).toContain('"code":"INVALID_PARAMETERS","message":"The request is malformed: a request carries one Host header, not several"');
      expect(mock.journal.entries().map((entry) => entry.status)).toEqual([400, 400]);
    } finally {
      await Promise.all([wukongim.close(), smile.close()]);
    }
  });

  it('answers 431 to more than 100 header fields instead of dropping the rest', async () => {
    const server = await serve(createMock(), { api: 'wukongim' });
    try {
      const fields = Array.from({ length: 101 }, (_, i) => `X-${i}: ${i}\r\n`).join('');
      expect(await raw(server.port, `GET /health HTTP/1.1\r\nHost: localhost\r\n${fields}\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
      const enough = Array.from({ length: 98 }, (_, i) => `X-${i}: ${i}\r\n`).join('');
      expect(await raw(server.port, `GET /health HTTP/1.1\r\nHost: localhost\r\n${enough}Connection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await server.close();
    }
  });

  it('closes connections over --max-connections at once, and serves again when one goes', async () => {
    const server = await serve(createMock(), { api: 'wukongim', maxConnections: 2 });
    try {
      const held = [connect(server.port, '127.0.0.1'), connect(server.port, '127.0.0.1')];
      await Promise.all(held.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await raw(server.port, 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n', 1000)).toBe('');
      held[0]?.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await raw(server.port, 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK/);
      held[1]?.destroy();
    } finally {
      await server.close();
    }
  });

  it('refuses an empty admin token', () => {
    expect(() => createMock({ adminToken: '' })).toThrow('the admin token must not be empty');
  });
});
