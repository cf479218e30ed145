/** A mock serving Smile on an ephemeral port, with helpers that speak Smile's Basic auth. */
import { createMock, type MockOptions } from 'token-mock';
import { serve } from 'token-mock/node';
import { type Answer, answer } from './server.js';

export const SANDBOX = `Basic ${btoa('test_key:test_secret')}`;
export const PRODUCTION = `Basic ${btoa('live_key:live_secret')}`;

export interface SmileServer {
  mock: ReturnType<typeof createMock>;
  url: string;
  call(method: string, path: string, options?: { body?: unknown; auth?: string | null; headers?: Record<string, string> }): Promise<Answer>;
  consume(accessToken: string): Promise<Answer>;
  close(): Promise<void>;
}

/** Starts a strict mock on a frozen clock, serving Smile. */
export async function startSmile(options: MockOptions = {}): Promise<SmileServer> {
  const mock = createMock({ strict: true, startTime: '2026-01-01T00:00:00Z', ...options });
  const server = await serve(mock, { api: 'smile' });
  const call: SmileServer['call'] = async (method, path, { body, auth = SANDBOX, headers = {} } = {}) => {
    const init: RequestInit = { method, headers: { ...(auth === null ? {} : { authorization: auth }), ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    return answer(await fetch(server.url + path, init));
  };
  return {
    mock,
    url: server.url,
    call,
    consume: (accessToken) => call('POST', '/__mock/smile/tokens/consume', { body: { accessToken }, auth: null }),
    close: () => server.close(),
  };
}
