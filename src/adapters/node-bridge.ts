/**
 * The thin bridge between node:http and the mock's fetch entry, shared by the standalone server and
 * the express middleware. It builds no undici Request per call: the mock reads only method, url,
 * headers and the body, and this object gives exactly those.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventStream } from '../core/event-stream.js';
import type { WireReply } from '../core/reply.js';
import { BodyTooLargeError, type RequestLike } from '../core/request.js';

/** A node:http request seen through the part of the fetch Request interface the mock reads. */
export class IncomingRequest implements RequestLike {
  readonly method: string;
  readonly url: string;
  readonly clientAddress: string | undefined;
  readonly malformed: string | undefined;
  readonly headers: { get(name: string): string | null; forEach(callback: (value: string, key: string) => void): void };

  /**
   * @param preread a body an earlier middleware already consumed (express.json() and friends).
   */
  constructor(
    private readonly incoming: IncomingMessage,
    private readonly limit: number,
    path: string = incoming.url ?? '/',
    private readonly preread?: string,
  ) {
    this.method = incoming.method ?? 'GET';
    this.clientAddress = incoming.socket.remoteAddress;
    this.malformed = malformation(incoming);
    // The Host header is client input: the URL's origin is fixed so a bad one cannot break parsing.
    this.url = `http://localhost${path.startsWith('/') ? path : `/${path}`}`;
    const raw = incoming.headers;
    this.headers = {
      get(name) {
        const value = raw[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
      forEach(callback) {
        for (const [key, value] of Object.entries(raw)) {
          if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, key);
        }
      },
    };
  }

  /** Reads the body, rejecting with BodyTooLargeError as soon as it passes the limit (the API's, or the one this request was made with). */
  text(limit = this.limit): Promise<string> {
    if (this.preread !== undefined) return Promise.resolve(this.preread);
    const incoming = this.incoming;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          incoming.off('data', onData);
          incoming.pause();
          reject(new BodyTooLargeError(limit));
          return;
        }
        chunks.push(chunk);
      };
      incoming.on('data', onData);
      incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      incoming.once('error', reject);
    });
  }
}

/**
 * What makes a request malformed before any API reads it. The standalone server joins duplicate
 * headers (`joinDuplicateHeaders`), so two Host headers show as one with a comma, which a host name
 * never has: an O(1) check on the hot path, where a scan of the raw headers was a visible cost.
 */
function malformation(incoming: IncomingMessage): string | undefined {
  if (incoming.method === 'CONNECT') return 'the CONNECT method is not served here';
  return incoming.headers.host?.includes(',') ? 'a request carries one Host header, not several' : undefined;
}

/**
 * The most bytes of an oversized body read and thrown away before its 413 is written. A client that
 * is still sending when the server closes gets a reset instead of the answer (Node's fetch reports a
 * network error), so the rest of the body is read first, up to this much.
 */
export const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Writes the mock's wire reply to node:http. A 413 closes the connection, after reading what is left
 * of the body (up to DRAIN_LIMIT) so that the client reads the answer; a dropped connection (an
 * injected fault) closes it without an answer.
 * @example mock.handle(request).then((wire) => writeWire(wire, outgoing, incoming))
 */
export function writeWire(wire: WireReply, outgoing: ServerResponse, incoming?: IncomingMessage): Promise<void> | undefined {
  if (wire.drop) {
    outgoing.destroy();
    return undefined;
  }
  if (wire.stream) {
    writeStream(wire, wire.stream, outgoing);
    return undefined;
  }
  if (wire.status === 413 && incoming && !incoming.complete && !incoming.destroyed) return drain(incoming).then(() => write(wire, outgoing));
  write(wire, outgoing);
  return undefined;
}

function write(wire: WireReply, outgoing: ServerResponse): void {
  if (outgoing.destroyed) return;
  const headers = wire.body === null ? wire.headers : { ...wire.headers, 'content-length': String(Buffer.byteLength(wire.body)) };
  if (wire.status === 413) outgoing.shouldKeepAlive = false;
  outgoing.writeHead(wire.status, headers);
  outgoing.end(wire.body ?? undefined);
}

/** Reads and discards the rest of a request's body, up to DRAIN_LIMIT; resolves at its end, at the limit, or when the client goes. */
function drain(incoming: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', done);
      incoming.off('close', done);
      incoming.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT) done();
    };
    incoming.on('data', onData);
    incoming.once('end', done);
    incoming.once('close', done);
    incoming.once('error', done);
    incoming.resume();
  });
}

/** Open event streams and the server of each one's socket, so that a server closing can end its own (they never end on their own). */
const openStreams = new Map<EventStream, unknown>();
/** The servers whose `close` ends their streams first. */
const watched = new WeakSet<object>();

/**
 * Makes `server.close()` end the server's open event streams before it closes, on any node:http
 * server a stream is written on: the standalone server's and an express app's (`app.listen()`)
 * alike. A stream never ends on its own, and node:http's close waits for every connection, so an
 * open dashboard would otherwise hold `close()` for ever.
 */
function endStreamsOnClose(server: unknown): void {
  if (typeof server !== 'object' || server === null || watched.has(server)) return;
  const closable = server as { close?: (...args: unknown[]) => unknown };
  const close = closable.close;
  if (typeof close !== 'function') return;
  watched.add(server);
  closable.close = function (this: unknown, ...args: unknown[]) {
    const closing = close.apply(this, args);
    for (const [stream, owner] of openStreams) if (owner === server) stream.close();
    return closing;
  };
}

/**
 * Writes an event stream as the client reads it: the next chunk is taken only once the last one has
 * drained from the socket, so a client that stops reading leaves its events in the stream's bounded
 * queue (which drops them for a `resync`), never in the socket's buffer.
 */
function writeStream(wire: WireReply, stream: EventStream, outgoing: ServerResponse): void {
  // The connection is the stream's: once the stream ends, so does the connection.
  outgoing.shouldKeepAlive = false;
  outgoing.writeHead(wire.status, wire.headers);
  outgoing.flushHeaders();
  // node:net sets `server` on every socket a server accepted.
  const server = (outgoing.socket as { server?: unknown } | null)?.server;
  openStreams.set(stream, server);
  endStreamsOnClose(server);
  outgoing.once('close', () => {
    openStreams.delete(stream);
    stream.close();
  });
  const pump = async () => {
    for (let chunk = await stream.next(); chunk !== undefined && !outgoing.destroyed; chunk = await stream.next()) {
      if (outgoing.write(chunk)) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          outgoing.off('drain', done);
          outgoing.off('close', done);
          resolve();
        };
        outgoing.on('drain', done);
        outgoing.on('close', done);
      });
    }
    if (!outgoing.destroyed) outgoing.end();
  };
  pump().catch(() => outgoing.destroy());
}

/** The last resort when the mock itself failed: a plain 500, never a stack trace. */
export function writeFailure(outgoing: ServerResponse): void {
  if (outgoing.headersSent) {
    outgoing.destroy();
    return;
  }
  // A reply whose headers Node refused has left its status text and headers behind: none of it is the 500's.
  for (const name of outgoing.getHeaderNames()) outgoing.removeHeader(name);
  outgoing.statusMessage = 'Internal Server Error';
  outgoing.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  outgoing.end('internal error');
}
