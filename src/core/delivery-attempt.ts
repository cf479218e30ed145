/**
 * One attempt to deliver a webhook: a POST with a deadline that covers the answer's body too, and
 * what came of it in the terms of the network.
 */

/** What one attempt gave: the headers sent, the receiver's status and the start of its answer, or why none came. */
export interface AttemptResult {
  /** When it started, on the mock's clock. */
  time: number;
  headers: Record<string, string>;
  status: number | null;
  answer: string | null;
  error: string | null;
  latencyMs: number;
}

/** What an attempt sends. */
export interface AttemptRequest {
  url: string;
  body: string;
  /** The request headers, or their promise while a signature is computed. */
  headers: Record<string, string> | Promise<Record<string, string>>;
  /** Whether a receiver's status counts as delivered. */
  accepts(status: number): boolean;
}

export interface AttemptSettings {
  /** The fetch to send with. Default: the global one at the time of the attempt. */
  fetch?: typeof fetch;
  /** Real milliseconds the attempt may take, answer included. */
  timeout: number;
  /** Aborted when the attempt is no longer wanted; the attempt aborts it too when its deadline passes. */
  abort: AbortController;
  /** The mock's clock, read once for the attempt's time. */
  now: number;
}

/** Receivers' answers are kept for debugging; this many bytes of each. */
export const RESPONSE_LIMIT = 1024;

/**
 * Sends one attempt and never throws: a failure is the result's `error`.
 * @example const result = await attemptDelivery(message, { timeout: 10_000, abort: new AbortController(), now: clock.now() });
 */
export async function attemptDelivery(request: AttemptRequest, { fetch: send, timeout, abort, now }: AttemptSettings): Promise<AttemptResult> {
  let started = performance.now();
  let headers: Record<string, string> = {};
  let status: number | null = null;
  let answer: string | null = null;
  let error: string | null = null;
  // A plain timer held here, not AbortSignal.timeout(): a garbage collection can drop that signal
  // before it fires, and a receiver that never answers would then hold its slot for good.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const failure = new Error(`no answer within ${timeout} ms`);
      failure.name = 'TimeoutError';
      abort.abort(failure);
      reject(failure);
    }, timeout);
  });
  expired.catch(() => undefined);
  try {
    headers = await request.headers;
    started = performance.now(); // the receiver's time, not the signature's
    const response = await Promise.race([
      (send ?? fetch)(request.url, { method: 'POST', headers, body: request.body, redirect: 'manual', signal: abort.signal }),
      expired,
    ]);
    status = response.status;
    // The answer's body counts against the same deadline: a receiver may send headers and then stall.
    answer = await Promise.race([readStart(response, RESPONSE_LIMIT), expired]);
    if (!request.accepts(status)) error = `the receiver answered ${status}`;
  } catch (failure) {
    error = describeFailure(failure, timeout);
  } finally {
    clearTimeout(timer);
  }
  return { time: now, headers, status, answer, error, latencyMs: performance.now() - started };
}

/** Reads at most `limit` bytes of an answer and lets the rest go. */
async function readStart(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= limit) await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return new TextDecoder().decode(bytes);
}

/** Says why no answer came, in the terms of the network rather than of the fetch implementation. */
function describeFailure(failure: unknown, timeout: number): string {
  const error = failure as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeout} ms`;
  const cause = error.cause;
  if (cause?.code) return `${cause.code}: ${cause.message ?? error.message}`;
  return error.message ?? String(failure);
}
