/** A real local webhook receiver on an ephemeral port, scripted per request: status, delay, or no answer at all. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver got. */
export interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  /** The exact raw body. */
  body: string;
}

/** How to answer the n-th request (from 1). */
export interface Reaction {
  status?: number;
  /** Real milliseconds to wait before answering. */
  delayMs?: number;
  body?: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once `count` requests have arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * Starts a receiver answering 200 unless `react` says otherwise.
 * @example const receiver = await startReceiver((n) => ({ status: n < 3 ? 500 : 200 }));
 */
export async function startReceiver(react: (n: number, request: Received) => Reaction = () => ({})): Promise<Receiver> {
  const received: Received[] = [];
  let notify = () => {};
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Received = { url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      notify();
      const reaction = react(received.length, entry);
      const answer = () => {
        if (response.destroyed) return;
        response.writeHead(reaction.status ?? 200, { 'content-type': 'text/plain' });
        response.end(reaction.body ?? 'ok');
      };
      if (reaction.delayMs) setTimeout(answer, reaction.delayMs).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    waitForCount(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the receiver got ${received.length} of ${count} requests within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          resolve(received.slice(0, count));
        };
        notify = check;
        check();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens: connections are refused. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hook`;
}
