/** What a handler answers, its wire form (what adapters that write bytes use), and a fetch `Response` built from that. */
import type { EventStream } from './event-stream.js';

/**
 * A JSON value together with its serialised text, for answers built from pieces serialised earlier
 * (a page of cached users, say). The wire gets `text`; strict-mode validation checks `value`.
 */
export class JsonText<T = unknown> {
  constructor(
    readonly value: T,
    readonly text: string,
  ) {}
}

/** The value of a body, whether or not it came pre-serialised. */
export function bodyValue(body: unknown): unknown {
  return body instanceof JsonText ? body.value : body;
}

/** A handler's answer. `body` is serialised as JSON unless it is a string; undefined means no body. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the media type the spec gives this response (`application/json` otherwise). */
  mediaType?: string;
  /** A body that goes on until the client leaves (Server-Sent Events); `body` is then undefined. */
  stream?: EventStream;
}

/** A reply with its body serialised, ready for the wire and the journal. */
export interface WireReply {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  /** An injected fault: close the connection without answering. */
  drop?: boolean;
  /** An open-ended body, taken chunk by chunk as the client reads (`body` is null). */
  stream?: EventStream;
}

const contentTypes = new Map(['application/json', 'application/problem+json'].map((type) => [type, `${type}; charset=utf-8`]));

/** Serialises a reply. The media type defaults to JSON, with the charset the real servers send. */
export function toWire(reply: Reply, mediaType = 'application/json'): WireReply {
  if (reply.stream) return { status: reply.status, headers: { ...reply.headers }, body: null, stream: reply.stream };
  if (reply.body === undefined) return { status: reply.status, headers: { ...reply.headers }, body: null };
  const body = typeof reply.body === 'string' ? reply.body : reply.body instanceof JsonText ? reply.body.text : JSON.stringify(reply.body);
  const contentType = contentTypes.get(reply.mediaType ?? mediaType) ?? `${reply.mediaType ?? mediaType}; charset=utf-8`;
  const headers = reply.headers ? { 'content-type': contentType, ...reply.headers } : { 'content-type': contentType };
  return { status: reply.status, headers, body };
}

/** Builds a fetch Response from a wire reply; a dropped connection is a network error, as fetch reports one. */
export function toResponse(wire: WireReply): Response {
  if (wire.drop) return Response.error();
  if (wire.stream) return new Response(readable(wire.stream), { status: wire.status, headers: wire.headers });
  return new Response(wire.body, { status: wire.status, headers: wire.headers });
}

/**
 * A ReadableStream over an event stream that pulls only when its reader reads (high-water mark 0):
 * a reader that stops leaves the events in the stream's own bounded queue, not in this one.
 */
function readable(stream: EventStream): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await stream.next();
        if (chunk === undefined) controller.close();
        else controller.enqueue(encoder.encode(chunk));
      },
      cancel: () => stream.close(),
    },
    { highWaterMark: 0 },
  );
}
