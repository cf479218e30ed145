/**
 * MSW in-process dispatch: `fetch` calls per second answered by token-mock through a real
 * `setupServer`, against the same `setupServer` answering a constant: the cost of the mock itself
 * inside MSW's interception.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';

const CONCURRENCY = 20;
const BODY = JSON.stringify({ uid: 'bench-user', token: 'bench-token', device_flag: 1, device_level: 1 });

async function rate(seconds: number): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const response = await fetch('http://localhost:5001/user/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      await response.text();
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / seconds;
}

/** Measures the constant handler, then token-mock's, each after a warm-up. */
export async function mswDispatch(seconds: number): Promise<{ baseline: number; mock: number }> {
  const server = setupServer();
  server.listen({ onUnhandledRequest: 'error' });
  try {
    // The constant handler still reads the body as JSON, as the mock does.
    server.use(
      http.post('http://localhost:5001/user/token', async ({ request }) => {
        await request.json();
        return HttpResponse.json({ status: 'ok' });
      }),
    );
    await rate(1);
    const baseline = await rate(seconds);
    server.resetHandlers(...createHandlers(createMock({ startTime: '2026-01-01T00:00:00Z' })));
    await rate(1);
    const mock = await rate(seconds);
    return { baseline, mock };
  } finally {
    server.close();
  }
}
