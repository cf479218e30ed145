/** The standalone server answers a socket's requests one at a time while its client is not reading. */
import { connect, type Socket } from 'node:net';
import { createMock, type Mock, type RequestLike } from 'token-mock';
import { type RunningServer, serve } from 'token-mock/node';
import { afterEach, describe, expect, it } from 'vitest';

let server: RunningServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

/** A journal full of entries with about 8 KB of headers each, as a busy client's requests leave it. */
async function fullJournal(): Promise<Mock> {
  const mock = createMock({ startTime: '2026-01-01T00:00:00Z', journalSize: 1000 });
  const headers = Array.from({ length: 8 }, (_, i) => [`x-padding-${i}`, String(i).repeat(1000)] as const);
  const request: RequestLike = {
    method: 'GET',
    url: 'http://localhost:5001/health',
    headers: {
      get: () => null,
      forEach: (callback: (value: string, key: string) => void) => {
        for (const [key, value] of headers) callback(value, key);
      },
    } as RequestLike['headers'],
    text: async () => '',
  };
  for (let i = 0; i < 1000; i++) await mock.handle(request);
  return mock;
}

/** Opens a raw connection and sends `count` requests in one write. */
async function pipeline(port: number, path: string, count: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`GET ${path} HTTP/1.1\r\nhost: localhost\r\n\r\n`.repeat(count));
  return socket;
}

/** The highest heap use seen over `ms`, sampled every few milliseconds. */
async function peakHeap(ms: number): Promise<number> {
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  await new Promise((resolve) => setTimeout(resolve, ms));
  clearInterval(sampler);
  return Math.max(peak, process.memoryUsage().heapUsed);
}

describe('pipelined requests from a client that does not read', () => {
  it('keep at most about one answer buffered: 200 journal pages of 850 KB grow the heap by less than 64 MB', async () => {
    const mock = await fullJournal();
    server = await serve(mock, { api: 'wukongim' });
    const page = await fetch(`${server.url}/__mock/journal?limit=100`);
    expect((await page.arrayBuffer()).byteLength).toBeGreaterThan(800_000);
    const before = process.memoryUsage().heapUsed;
    const socket = await pipeline(server.port, '/__mock/journal?limit=100', 200);
    socket.pause(); // reads nothing: the answers back up on the server
    const growth = (await peakHeap(1500)) - before;
    // Each answer the server holds is 850 KB; all 200 of them would be 170 MB.
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    const answered = mock.journal.total;
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The requests still queued are dropped with their client, and the server answers others.
    expect(mock.journal.total).toBe(answered);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/__mock/journal?limit=1`)).status).toBe(200);
  });

  it('answers a reply it cannot write with a 500, and goes on with the next request of the socket', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    // A reply Node refuses to write (a header value it cannot carry), as a defect of the mock would make one.
    const broken = Object.create(mock) as typeof mock;
    broken.handle = async (request) => {
      const reply = await mock.handle(request);
      return new URL(request.url).pathname === '/health' ? { ...reply, status: 503, headers: { ...reply.headers, 'x-broken': '不' } } : reply;
    };
    server = await serve(broken, { api: 'wukongim' });
    const socket = await pipeline(server.port, '/health', 1);
    socket.write('GET /__mock/clock HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    await new Promise((resolve) => socket.once('end', resolve));
    // The status line's text is the 500's own, not that of the reply that could not be written.
    expect([...received.matchAll(/HTTP\/1\.1 (\d{3} [A-Za-z ]+)\r\n/g)].map((match) => match[1])).toEqual(['500 Internal Server Error', '200 OK']);
  });

  it('still answers every pipelined request, in order, to a client that reads', async () => {
    const mock = await fullJournal();
    server = await serve(mock, { api: 'wukongim' });
    const socket = await pipeline(server.port, '/__mock/journal?limit=100', 20);
    socket.write('GET /health HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    await new Promise((resolve) => socket.once('end', resolve));
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    expect(statuses).toEqual(Array(21).fill('200'));
    expect(received.endsWith('{"status":"ok"}')).toBe(true);
  });
});
