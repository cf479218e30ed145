/**
 * Recipe: jest with MSW's setupServer. The same lifecycle as the vitest recipe: start intercepting
 * before the tests, put the mock back to its seeded start after each one, stop at the end, and move
 * the mock's clock instead of waiting. jest runs ES modules behind Node's --experimental-vm-modules
 * (see jest.config.mjs); the test functions come from @jest/globals.
 */
import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';

const SMILE = 'https://sandbox.smileapi.io/v1';
const authorization = `Basic ${btoa('test_key:test_secret')}`;

const mock = createMock({ seed: 1, startTime: '2026-01-01T09:00:00Z' });
const server = setupServer(...createHandlers(mock));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.reset());
afterAll(() => server.close());

it('issues a link token that the widget can use once', async () => {
  const created = await (await fetch(`${SMILE}/users`, { method: 'POST', headers: { authorization } })).json();
  const { accessToken } = created.data.token;
  await mock.smile.consume(accessToken);
  await expect(mock.smile.consume(accessToken)).rejects.toMatchObject({ kind: 'token-refused', reason: 'used' });
});

it('expires the token after 5 hours on the mock clock, without waiting', async () => {
  const created = await (await fetch(`${SMILE}/users`, { method: 'POST', headers: { authorization } })).json();
  expect(created.data.token.expiresAt).toBe('2026-01-01T14:00:00Z');
  mock.clock.advance(5 * 3_600_000 + 1); // no waiting: the mock's clock moves
  await expect(mock.smile.consume(created.data.token.accessToken)).rejects.toMatchObject({ kind: 'token-refused', reason: 'expired' });
});

it('starts each test from the seeded state', () => {
  expect(mock.journal.entries()).toEqual([]);
  expect(mock.clock.iso()).toBe('2026-01-01T09:00:00.000Z');
});
