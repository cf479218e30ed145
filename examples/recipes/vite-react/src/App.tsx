/**
 * A page that links a user's accounts with the Wink Widget: it gets a link token from Smile, then
 * opens the widget with it. Here the widget is token-mock's stand-in, which has the real one's options
 * and callbacks.
 */
import { useRef, useState } from 'react';
import type { SmileToken, SmileUser } from 'token-mock';
import { SmileLinkModal } from 'token-mock/wink';

// In a real app your back end holds the API keys and hands the page a token; the page calls Smile here to stay short.
const auth = { authorization: `Basic ${btoa('test_key:test_secret')}` };

export function App({ smileUrl }: { smileUrl: string }) {
  const [status, setStatus] = useState('Not connected');
  const [token, setToken] = useState<SmileToken>();
  const widget = useRef<HTMLDivElement>(null);

  async function connect() {
    const response = await fetch(`${smileUrl}/users`, { method: 'POST', headers: auth });
    const { data } = (await response.json()) as { data: { user: SmileUser; token: SmileToken } };
    setToken(data.token);
    const modal = new SmileLinkModal({
      userToken: data.token.accessToken,
      // The origin of Smile's host: the stand-in uses the mock's control API there.
      apiHost: new URL(smileUrl, window.location.href).origin,
      container: widget.current ?? undefined,
      onAccountConnected: (account) => setStatus(`Connected ${account.providerId}`),
      onTokenExpired: () => setStatus('The link expired: ask for a new one'),
      onClose: ({ reason }) => setStatus((current) => `${current} (widget closed: ${reason})`),
    });
    await modal.open();
    setStatus(modal.state === 'open' ? 'Widget open' : `Widget ${modal.state}`);
  }

  return (
    <main>
      <h1>Connect your accounts</h1>
      <button type="button" onClick={connect}>
        Connect
      </button>
      <p role="status">{status}</p>
      {token && (
        <p>
          Link token {token.id} expires at {token.expiresAt}
        </p>
      )}
      <div ref={widget} />
    </main>
  );
}
