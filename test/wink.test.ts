/** The Wink Widget stand-in: the token used once, expiry on the mock's clock, the callbacks, in process and over MSW. */
import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { SmileLinkModal, type SmileLinkModalOptions } from 'token-mock/wink';
import { describe, expect, it, vi } from 'vitest';

async function userToken(mock: ReturnType<typeof createMock>) {
  const response = await mock.fetch(
    new Request('http://localhost/v1/users', { method: 'POST', headers: { authorization: `Basic ${btoa('test_key:test_secret')}` } }),
  );
  return (await response.json()).data as { user: { id: string }; token: { accessToken: string; expiresAt: string } };
}

function callbacks() {
  return {
    onTokenExpired: vi.fn(),
    onClose: vi.fn(),
    onAccountConnected: vi.fn(),
    onAccountCreated: vi.fn(),
    onAccountRemoved: vi.fn(),
    onAccountError: vi.fn(),
    onUploadsCreated: vi.fn(),
    onUIEvent: vi.fn(),
  } satisfies Partial<SmileLinkModalOptions>;
}

describe('SmileLinkModal stand-in, in process', () => {
  it('uses the token once, and fires onTokenExpired when the clock passes expiresAt while open', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    const { token } = await userToken(mock);
    const events = callbacks();
    const modal = new SmileLinkModal({ userToken: token.accessToken, mock, ...events });
    await modal.open();
    expect(modal.state).toBe('open');
    await expect(mock.smile.consume(token.accessToken)).rejects.toMatchObject({ kind: 'token-refused', reason: 'used' });
    mock.clock.advance(5 * 3_600_000 - 1000);
    expect(events.onTokenExpired).not.toHaveBeenCalled();
    mock.clock.advance(1000);
    expect(events.onTokenExpired).toHaveBeenCalledTimes(1);
    expect(modal.state).toBe('expired');
    mock.clock.advance(3_600_000);
    expect(events.onTokenExpired).toHaveBeenCalledTimes(1);
  });

  it('fires onTokenExpired at once for a used or invalid token, and a refreshed token opens it again', async () => {
    const mock = createMock();
    const { user, token } = await userToken(mock);
    await mock.smile.consume(token.accessToken);
    const events = callbacks();
    await new SmileLinkModal({ userToken: token.accessToken, mock, ...events }).open();
    await new SmileLinkModal({ userToken: 'not-a-token', mock, ...events }).open();
    expect(events.onTokenExpired).toHaveBeenCalledTimes(2);
    const refreshed = await mock.smile.issueToken(user.id);
    const reopened = new SmileLinkModal({ userToken: refreshed.accessToken, mock, ...events });
    await reopened.open();
    expect(reopened.state).toBe('open');
  });

  it('closes with close, exit or error, once', async () => {
    const mock = createMock();
    for (const reason of ['close', 'exit', 'error'] as const) {
      const events = callbacks();
      const modal = new SmileLinkModal({ userToken: (await userToken(mock)).token.accessToken, mock, ...events });
      await modal.open();
      if (reason === 'close') modal.close();
      else modal.simulate[reason]();
      modal.close();
      expect(events.onClose.mock.calls).toEqual([[{ reason }]]);
      expect(modal.state).toBe('closed');
    }
  });

  it('fires the account callbacks, and the mock emits the matching webhook events', async () => {
    const mock = createMock();
    const { user, token } = await userToken(mock);
    const events = callbacks();
    const modal = new SmileLinkModal({ userToken: token.accessToken, mock, ...events });
    await modal.open();
    const account = modal.simulate.accountConnected({ providerId: 'upwork' });
    modal.simulate.accountCreated();
    modal.simulate.accountRemoved();
    modal.simulate.accountError({ errorCode: 'LOCKED' });
    modal.simulate.uploadsCreated(['u1']);
    modal.simulate.uiEvent({ type: 'SCREEN_VIEWED' });
    expect(events.onAccountConnected).toHaveBeenCalledWith({ accountId: account.accountId, userId: user.id, providerId: 'upwork' });
    expect(events.onAccountError).toHaveBeenCalledWith(expect.objectContaining({ errorCode: 'LOCKED', userId: user.id }));
    expect(events.onUploadsCreated).toHaveBeenCalledWith({ userId: user.id, uploadIds: ['u1'] });
    expect(events.onUIEvent).toHaveBeenCalledWith({ type: 'SCREEN_VIEWED' });
    const emitted = mock.webhooks.events().map((event) => [event.type, (event.body as { data: { userId: string; accountId?: string } }).data]);
    expect(emitted).toEqual(
      expect.arrayContaining([['ACCOUNT_CONNECTED', expect.objectContaining({ userId: user.id, accountId: account.accountId, providers: ['upwork'] })]]),
    );
    expect(emitted.map(([type]) => type)).toEqual(['USER_CREATED', 'ACCOUNT_CONNECTED', 'ACCOUNT_CREATED', 'ACCOUNT_DISCONNECTED', 'ACCOUNT_FAILED']);
    expect(emitted.at(-1)?.[1]).toMatchObject({ userId: user.id, errorCode: 'LOCKED' });
  });
});

describe('SmileLinkModal stand-in, over MSW', () => {
  it('consumes through the control API and sees the clock pass expiresAt', async () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    const server = setupServer(...createHandlers(mock));
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const { token } = await userToken(mock);
      const onTokenExpired = vi.fn();
      const modal = new SmileLinkModal({ userToken: token.accessToken, clockPollMs: 10, onTokenExpired });
      await modal.open();
      expect(modal.state).toBe('open');
      await expect(mock.smile.consume(token.accessToken)).rejects.toMatchObject({ kind: 'token-refused', reason: 'used' });
      mock.clock.advance(6 * 3_600_000);
      // The widget polls the control API's clock, so the callback comes on a later tick.
      await vi.waitFor(() => expect(onTokenExpired).toHaveBeenCalledTimes(1), { timeout: 5000 });
      expect(modal.state).toBe('expired');
    } finally {
      server.close();
    }
  });
});
