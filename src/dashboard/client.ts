/**
 * How the dashboard talks to the control API: over HTTP from the page the mock serves at
 * `/__mock/ui`, or straight to a mock in the same page (`token-mock/ui`). The admin token, when the
 * mock asks for one, is kept in session storage only.
 */
import type { components } from '../generated/admin.types.js';

export type Schemas = components['schemas'];
export type ChangeEvent = Schemas['ChangeEvent'];

/** Answers a request: `fetch`, or a mock's own `fetch`. */
export type Transport = (request: Request) => Promise<Response>;

const TOKEN_KEY = 'token-mock.adminToken';

/** A control call that did not succeed: its status and the problem's detail. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** The control API as the dashboard calls it. */
export interface ControlClient {
  /** The control API's base URL, without a trailing slash (`http://127.0.0.1:5001/__mock`). */
  readonly base: string;
  call<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** Reads `GET /stream` until `signal` aborts, reconnecting after a failure; tells `onEvent` of each event. */
  listen(onEvent: (event: ChangeEvent) => void, onUnauthorized: () => void, signal: AbortSignal): void;
  setToken(token: string): void;
}

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/**
 * Creates a client of the control API at `base`.
 * @example const client = createClient(`${location.origin}/__mock`, (request) => fetch(request));
 */
export function createClient(base: string, transport: Transport): ControlClient {
  let token = storedToken();
  const headers = (contentType?: string): Record<string, string> => {
    const out: Record<string, string> = {};
    if (token) out.authorization = `Bearer ${token}`;
    if (contentType) out['content-type'] = contentType;
    return out;
  };

  const client: ControlClient = {
    base,
    async call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
      const init: RequestInit = { method, headers: headers(body === undefined ? undefined : contentType) };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await transport(new Request(base + path, init));
      const text = await response.text();
      const value = text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : undefined;
      if (!response.ok) {
        const detail = value?.detail ?? value?.message ?? value?.title ?? `HTTP ${response.status}`;
        throw new ControlError(response.status, detail);
      }
      return value as T;
    },
    listen(onEvent, onUnauthorized, signal) {
      const run = async () => {
        while (!signal.aborted) {
          try {
            const response = await transport(new Request(`${base}/stream`, { headers: headers(), signal }));
            if (response.status === 401) {
              onUnauthorized();
              return;
            }
            if (response.ok && response.body) await readEvents(response.body, onEvent, signal);
          } catch {
            // A dropped stream is retried below; views refetch on the next hello.
          }
          if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      };
      void run();
    },
    setToken(value) {
      token = value;
      try {
        sessionStorage.setItem(TOKEN_KEY, value);
      } catch {
        // Without session storage the token lasts as long as the page.
      }
    },
  };
  return client;
}

/** Parses `text/event-stream` into the events' data. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: ChangeEvent) => void, signal: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    const blocks = buffered.split('\n\n');
    buffered = blocks.pop() ?? '';
    for (const block of blocks) {
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n');
      if (data) onEvent(JSON.parse(data) as ChangeEvent);
    }
  }
}
