/** What a handler answers, and how it becomes a fetch `Response`. */

/** A handler's answer. `body` is serialised as JSON unless it is a string; undefined means no body. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the media type the spec gives this response (`application/json` otherwise). */
  mediaType?: string;
}

/** A reply with its body serialised, ready for the wire and the journal. */
export interface WireReply {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** Serialises a reply. The media type defaults to JSON, with the charset the real servers send. */
export function toWire(reply: Reply, mediaType = 'application/json'): WireReply {
  if (reply.body === undefined) return { status: reply.status, headers: { ...reply.headers }, body: null };
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const headers = { 'content-type': `${reply.mediaType ?? mediaType}; charset=utf-8`, ...reply.headers };
  return { status: reply.status, headers, body };
}

/** Builds a fetch Response from a wire reply. */
export function toResponse(wire: WireReply): Response {
  return new Response(wire.body, { status: wire.status, headers: wire.headers });
}
