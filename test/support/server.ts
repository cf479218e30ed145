/** Starts a mock behind the real standalone server on an ephemeral port, for tests that speak HTTP. */
import { createMock, type Mock, type MockOptions } from 'token-mock';
import { type RunningServer, serve } from 'token-mock/node';
import { readAnswer } from '../../src/verify/answer.js';

/** A mock behind a real server, with helpers that speak JSON to it. */
export interface TestServer {
  mock: Mock;
  server: RunningServer;
  url: string;
  /** POSTs JSON (or raw text) and returns the status, headers and parsed body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON answers
  body: any;
}

/** Reads a response into status, headers, text and parsed JSON (undefined when the body is not JSON). */
export async function answer(response: Response): Promise<Answer> {
  const { json, ...read } = await readAnswer(response);
  return { ...read, body: json };
}

/** Starts a strict mock (responses checked against the spec) serving WuKongIM on an ephemeral port. */
export async function startServer(options: MockOptions = {}): Promise<TestServer> {
  const mock = createMock({ strict: true, startTime: '2026-01-01T00:00:00Z', ...options });
  const server = await serve(mock, { api: 'wukongim' });
  const url = server.url;
  return {
    mock,
    server,
    url,
    post: async (path, body, headers = {}) =>
      answer(
        await fetch(url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
    get: async (path, headers = {}) => answer(await fetch(url + path, { headers })),
    close: () => server.close(),
  };
}
