/** The part of a fetch `Request` the mock reads, and reading its body within a size cap. */

/**
 * What the mock needs of a request. A real `Request` is one; the Node adapter passes a lighter
 * object so that the standalone server does not build a full `Request` per call.
 */
export interface RequestLike {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  /**
   * The body as text. An adapter that streams it may stop at `limit` bytes and reject with
   * BodyTooLargeError; a fetch Request ignores the argument and the core measures what it read.
   */
  text(limit?: number): Promise<string>;
  /** The client's address, where the adapter knows it (rate limits are per address). */
  readonly clientAddress?: string;
  /**
   * Why the adapter found the request malformed at the HTTP level (two Host headers, a CONNECT),
   * if it did: the API then answers a 400 in its own shape without going further.
   */
  readonly malformed?: string;
}

/** Raised (by an adapter's `text()`, or by the core) when a body exceeds the configured cap. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the ${limit}-byte limit`);
    this.name = 'BodyTooLargeError';
  }
}

const encoder = new TextEncoder();

/** Reads a body as text, refusing anything over `limit` bytes before or after reading it. */
export async function readBody(request: RequestLike, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const text = await request.text(limit);
  // A UTF-16 unit is at most three UTF-8 bytes, so only a text over a third of the limit needs measuring.
  if (text.length > limit / 3 && encoder.encode(text).byteLength > limit) throw new BodyTooLargeError(limit);
  return text;
}
