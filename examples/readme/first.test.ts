import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

const mock = createMock({ seed: 1, startTime: '2026-01-01T09:00:00Z' });
const server = setupServer(...createHandlers(mock)); // answers https://sandbox.smileapi.io and the others
beforeAll(() => server.listen());
afterEach(() => mock.reset());
afterAll(() => server.close());

it('issues a one-time Smile link token that expires after 5 hours', async () => {
  const response = await fetch('https://sandbox.smileapi.io/v1/users', {
    method: 'POST',
    headers: { authorization: `Basic ${btoa('test_key:test_secret')}` },
  });
  const { data } = await response.json();
  expect(data.token.expiresAt).toBe('2026-01-01T14:00:00Z');

  mock.clock.advance(5 * 3_600_000 + 1); // no waiting: the mock's clock moves
  await expect(mock.smile.consume(data.token.accessToken)).rejects.toMatchObject({ reason: 'expired' });
});
