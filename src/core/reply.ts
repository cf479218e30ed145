/** What a handler answers, and how it becomes a fetch `Response`. */

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
}

/** A reply with its body serialised, ready for the wire and the journal. */
export interface WireReply {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  /** An injected fault: close the connection without answering. */
  drop?: boolean;
}

const contentTypes = new Map(['application/json', 'application/problem+json'].map((type) => [type, `${type}; charset=utf-8`]));

/** Serialises a reply. The media type defaults to JSON, with the charset the real servers send. */
export function toWire(reply: Reply, mediaType = 'application/json'): WireReply {
  if (reply.body === undefined) return { status: reply.status, headers: { ...reply.headers }, body: null };
  const body = typeof reply.body === 'string' ? reply.body : reply.body instanceof JsonText ? reply.body.text : JSON.stringify(reply.body);
  const contentType = contentTypes.get(reply.mediaType ?? mediaType) ?? `${reply.mediaType ?? mediaType}; charset=utf-8`;
  const headers = reply.headers ? { 'content-type': contentType, ...reply.headers } : { 'content-type': contentType };
  return { status: reply.status, headers, body };
}

const WIRE = Symbol.for('token-mock.wire');
const REAL = Symbol('token-mock.real');

/**
 * A Response that builds its real one on first use. Every property and method of Response works, and
 * `instanceof Response` holds; the Node adapter, which reads the wire reply directly, never pays for
 * a web stream per request (undici's Response dominated the profile of the standalone server).
 */
class LazyResponse {
  [WIRE]: WireReply;
  [REAL]?: Response;
  constructor(wire: WireReply) {
    this[WIRE] = wire;
  }
}
Object.setPrototypeOf(LazyResponse.prototype, Response.prototype);

function real(lazy: LazyResponse): Response {
  lazy[REAL] ??= new Response(lazy[WIRE].body, { status: lazy[WIRE].status, headers: lazy[WIRE].headers });
  return lazy[REAL];
}

const lazyPrototype: object = LazyResponse.prototype;
for (const key of Reflect.ownKeys(Response.prototype)) {
  if (key === 'constructor' || key === 'status' || key === 'ok' || key === 'type') continue;
  const descriptor = Object.getOwnPropertyDescriptor(Response.prototype, key) as PropertyDescriptor;
  if (typeof descriptor.value === 'function') {
    const method = descriptor.value as (...args: unknown[]) => unknown;
    Object.defineProperty(lazyPrototype, key, {
      value: function (this: LazyResponse, ...args: unknown[]) {
        return method.apply(real(this), args);
      },
    });
  } else if (descriptor.get) {
    const getter = descriptor.get;
    Object.defineProperty(lazyPrototype, key, {
      get(this: LazyResponse) {
        return getter.call(real(this));
      },
    });
  }
}

// The status and type need no real Response.
Object.defineProperty(lazyPrototype, 'type', { get: () => 'default' });
Object.defineProperty(lazyPrototype, 'status', {
  get(this: LazyResponse) {
    return this[WIRE].status;
  },
});
Object.defineProperty(lazyPrototype, 'ok', {
  get(this: LazyResponse) {
    return this[WIRE].status >= 200 && this[WIRE].status < 300;
  },
});

/** Builds a fetch Response from a wire reply; a dropped connection is a network error, as fetch reports one. */
export function toResponse(wire: WireReply): Response {
  if (wire.drop) return Response.error();
  return new LazyResponse(wire) as unknown as Response;
}

/** The wire reply behind a Response the mock made, or undefined for any other Response. */
export function wireOf(response: Response): WireReply | undefined {
  return (response as unknown as Partial<LazyResponse>)[WIRE];
}
