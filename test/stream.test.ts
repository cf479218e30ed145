import { connect } from 'node:net';
import express from 'express';
import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { tokenMock } from 'token-mock/express';
import { createHandlers } from 'token-mock/msw';
import { serve } from 'token-mock/node';
import { describe, expect, it } from 'vitest';

const START = '2026-01-01T00:00:00Z';

interface Received {
  topic: string;
  now: string;
  count: number;
  detail?: Record<string, unknown>;
}

/** Reads Server-Sent Events from a response body until `enough` says stop. */
async function readEvents(response: Response, enough: (events: Received[]) => boolean): Promise<Received[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: Received[] = [];
  let buffered = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const blocks = buffered.split('\n\n');
    buffered = blocks.pop() as string;
    for (const block of blocks) {
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (data) events.push(JSON.parse(data.slice(6)));
    }
  }
  reader.releaseLock();
  return events;
}

describe('GET /__mock/stream', () => {
  it('says hello, then tells of a clock change with the mock time', async () => {
    const mock = createMock({ startTime: START });
    const response = await mock.fetch(new Request('http://localhost/__mock/stream'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect((await readEvents(response, (events) => events.length > 0)).map((event) => event.topic)).toEqual(['hello']);
    await mock.fetch(
      new Request('http://localhost/__mock/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance":"5h"}' }),
    );
    const [event] = await readEvents(response, (events) => events.length > 0);
    expect(event).toMatchObject({ topic: 'clock', now: '2026-01-01T05:00:00.000Z', frozen: true });
    await response.body?.cancel();
    expect(mock.changes.subscribers).toBe(0);
  });

  it('names the API whose state a request changed, and merges repeated events a client has not read', async () => {
    const mock = createMock({ startTime: START });
    const response = await mock.fetch(new Request('http://localhost/__mock/stream'));
    await readEvents(response, (events) => events.length > 0);
    for (const uid of ['u1', 'u2', 'u3']) {
      await mock.fetch(
        new Request('http://localhost:5001/user/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ uid, token: 't', device_flag: 1, device_level: 1 }),
        }),
      );
    }
    // Unread, the three alike are one event each, counting three.
    const events = await readEvents(response, (seen) => seen.some((event) => event.topic === 'wukongim'));
    expect(events.filter((event) => event.topic === 'wukongim')).toMatchObject([{ detail: { operationId: 'updateToken' }, count: 3 }]);
    expect(events.filter((event) => event.topic === 'journal')).toMatchObject([{ detail: { api: 'wukongim' }, count: 3 }]);
    await response.body?.cancel();
  });

  it('tells of deliveries, fault rules, scenario steps and a reset', async () => {
    const mock = createMock({ startTime: START });
    const response = await mock.fetch(new Request('http://localhost/__mock/stream'));
    await readEvents(response, (events) => events.length > 0);
    const post = (path: string, body: unknown, type = 'application/json') =>
      mock.fetch(
        new Request(`http://localhost${path}`, {
          method: 'POST',
          headers: { 'content-type': type },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
    await post('/__mock/faults', { operationId: 'createToken', status: 503 });
    await post('/__mock/webhooks/emit', { api: 'smile', type: 'USER_CREATED' });
    await post('/__mock/scenarios', 'steps:\n  - at: 1m\n    createUser: { as: ada }\n', 'application/yaml');
    await post('/__mock/clock', { advance: '2m' });
    await post('/__mock/reset', {});
    const wanted = ['faults', 'deliveries', 'scenarios', 'smile', 'clock', 'reset'];
    const events = await readEvents(response, (seen) => wanted.every((topic) => seen.some((event) => event.topic === topic)));
    const step = events.find((event) => event.topic === 'scenarios' && event.detail?.action === 'createUser');
    expect(step?.detail).toEqual({ scenario: 1, step: 0, action: 'createUser' });
    await response.body?.cancel();
  });

  it('drops the backlog of a client that stopped reading and sends it one resync instead', async () => {
    const mock = createMock({ startTime: START, stream: { maxQueued: 16 } });
    const response = await mock.fetch(new Request('http://localhost/__mock/stream'));
    await readEvents(response, (events) => events.length > 0);
    for (let i = 0; i < 5000; i++) mock.changes.publish('scenarios', { step: i });
    const events = await readEvents(response, (seen) => seen.length > 0);
    // One resync in place of the backlog, then only what came after it, within the bound.
    expect(events[0]?.topic).toBe('resync');
    expect(events.length).toBeLessThanOrEqual(16);
    expect(events.at(-1)?.detail).toEqual({ step: 4999 });
    await response.body?.cancel();
  });

  it('keeps at most its bound for a socket that never reads, on the standalone server', async () => {
    const mock = createMock({ startTime: START, stream: { maxQueued: 64 } });
    const server = await serve(mock, { api: 'wukongim' });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.pause();
    socket.write(`GET /__mock/stream HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(mock.changes.subscribers).toBe(1);
    // 40 rounds of 50 events of 10 KB: 20 MB, were every event kept for the client.
    const pad = 'x'.repeat(10_000);
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 50; i++) mock.changes.publish('smile', { pad, n: round * 50 + i });
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.resume();
    await new Promise((resolve) => setTimeout(resolve, 500));
    socket.destroy();
    await server.close();
    expect(received).toContain('event: resync');
    // What reached the client is what the socket buffers held plus one queue, far from 20 MB.
    expect(received.length).toBeLessThan(10_000_000);
    expect(mock.changes.subscribers).toBe(0);
  });

  it('ends open streams when the standalone server closes', async () => {
    const mock = createMock({ startTime: START });
    const server = await serve(mock, { api: 'smile' });
    const response = await fetch(`${server.url}/__mock/stream`);
    await readEvents(response, (events) => events.length > 0);
    await server.close();
    expect(await readEvents(response, () => false)).toEqual([]);
    expect(mock.changes.subscribers).toBe(0);
  });

  /** An express app with the middleware on an ephemeral port, and a stream opened on it that has had its first event. */
  async function expressStream() {
    const mock = createMock({ startTime: START });
    const app = express();
    app.use(tokenMock(mock));
    const listening = app.listen(0);
    await new Promise((resolve) => listening.once('listening', resolve));
    const { port } = listening.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/__mock/stream`);
    await readEvents(response, (events) => events.length > 0);
    return { mock, listening, port, response };
  }

  it('streams through the express middleware too', async () => {
    const { listening, port, response } = await expressStream();
    await fetch(`http://127.0.0.1:${port}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"freeze":false}' });
    const [event] = await readEvents(response, (events) => events.length > 0);
    expect(event).toMatchObject({ topic: 'clock', frozen: false });
    await response.body?.cancel();
    await new Promise((resolve) => listening.close(resolve));
  });

  it("ends open streams when an express app's server closes, and close returns at once", async () => {
    const { mock, listening, response } = await expressStream();
    expect(mock.changes.subscribers).toBe(1);
    const closing = performance.now();
    // As an app shuts down: close() alone, with the stream still open and read.
    await new Promise((resolve) => listening.close(resolve));
    expect(performance.now() - closing).toBeLessThan(1000);
    expect(await readEvents(response, () => false)).toEqual([]);
    expect(mock.changes.subscribers).toBe(0);
  });

  it('streams through MSW handlers under setupServer, as a page under setupWorker would read it', async () => {
    const mock = createMock({ startTime: START });
    const server = setupServer(...createHandlers(mock));
    server.listen({ onUnhandledRequest: 'bypass' });
    try {
      const reader = new AbortController();
      const opened = performance.now();
      const response = await fetch('http://localhost:5001/__mock/stream', { signal: reader.signal });
      await readEvents(response, (events) => events.length > 0);
      const first = performance.now() - opened;
      const changed = performance.now();
      await fetch('http://localhost:5001/user/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: 'ada', token: 't', device_flag: 1, device_level: 1 }),
      });
      const events = await readEvents(response, (seen) => seen.some((event) => event.topic === 'wukongim'));
      const next = performance.now() - changed;
      expect(events.find((event) => event.topic === 'wukongim')?.detail).toEqual({ operationId: 'updateToken' });
      // The first event at once and the next one batch (50 ms) after its change; the bounds leave room for a busy core,
      // and stay far below the 15 s keep-alive a missed wake-up would wait for.
      expect(first).toBeLessThan(1000);
      expect(next).toBeLessThan(1000);
      // Aborting ends the mock's side at once (a cancelled body does not reach it under setupServer: see adapters/msw.ts).
      expect(mock.changes.subscribers).toBe(1);
      reader.abort();
      await expect.poll(() => mock.changes.subscribers, { timeout: 2000, interval: 5 }).toBe(0);
    } finally {
      server.close();
    }
  });

  it('asks for the admin token like every control call', async () => {
    const mock = createMock({ startTime: START, adminToken: 'secret' });
    expect((await mock.fetch(new Request('http://localhost/__mock/stream'))).status).toBe(401);
    const response = await mock.fetch(new Request('http://localhost/__mock/stream', { headers: { authorization: 'Bearer secret' } }));
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});
