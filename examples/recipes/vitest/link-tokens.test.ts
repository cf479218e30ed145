/**
 * Recipe: token-mock in a vitest suite, through MSW's setupServer. The code under test calls the real
 * Smile host; the handlers answer from one mock, which is reset between tests, and whose clock the
 * tests move instead of waiting.
 */
import { setupServer } from 'msw/node';
import { createMock, type SmileToken, type SmileUser } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// The code under test: what your back end does to let a user open the Wink Widget.
const SMILE = 'https://sandbox.smileapi.io/v1';
const auth = { authorization: `Basic ${btoa('test_key:test_secret')}` };
async function linkUser(): Promise<{ user: SmileUser; token: SmileToken }> {
  const response = await fetch(`${SMILE}/users`, { method: 'POST', headers: auth });
  if (!response.ok) throw new Error(`Smile answered ${response.status}`);
  return ((await response.json()) as { data: { user: SmileUser; token: SmileToken } }).data;
}

// One mock for the file, its clock frozen at a known instant: every run sees the same ids and times.
const mock = createMock({ seed: 7, startTime: '2026-01-01T09:00:00Z' });
const server = setupServer(...createHandlers(mock));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers(); // drop handlers a test added with server.use()
  mock.reset(); // back to the seeded start: users, tokens, journal and clock
});
afterAll(() => server.close());

describe('linking a user', () => {
  it('creates a Smile user with a SANDBOX link token that lasts 5 hours', async () => {
    const { user, token } = await linkUser();
    expect(token.mode).toBe('SANDBOX');
    expect(token.expiresAt).toBe('2026-01-01T14:00:00Z');
    expect(mock.journal.entries().at(-1)).toMatchObject({ operationId: 'createUser', status: 201 });
    expect(user.id).toMatch(/^tenant-/);
  });

  it('starts every test from the same seeded state', async () => {
    const first = await linkUser();
    mock.reset();
    const again = await linkUser();
    expect(again.user.id).toBe(first.user.id);
  });

  it('refuses a link token once the clock has passed its expiry, without waiting 5 hours', async () => {
    const { token } = await linkUser();
    mock.clock.advance(5 * 3_600_000 + 1);
    await expect(mock.smile.consume(token.accessToken)).rejects.toMatchObject({ kind: 'token-refused', reason: 'expired' });
  });

  it('uses a link token once', async () => {
    const { user, token } = await linkUser();
    await expect(mock.smile.consume(token.accessToken)).resolves.toMatchObject({ userId: user.id });
    await expect(mock.smile.consume(token.accessToken)).rejects.toMatchObject({ reason: 'used' });
  });
});
