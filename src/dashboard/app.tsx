/** The dashboard: the clock, a view per part of the mock, reset, and the admin token when the mock asks for one. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { type ChangeEvent, type ControlClient, ControlError } from './client.js';
import { type Live, LiveContext } from './live.js';
import { ClockPanel } from './views/clock.js';
import { FaultsView } from './views/faults.js';
import { RequestsView } from './views/requests.js';
import { SmileView } from './views/smile.js';
import { WebhooksView } from './views/webhooks.js';
import { WukongimView } from './views/wukongim.js';

const VIEWS = {
  smile: { label: 'Smile users', render: () => <SmileView /> },
  wukongim: { label: 'WuKongIM', render: () => <WukongimView /> },
  webhooks: { label: 'Webhooks', render: () => <WebhooksView /> },
  requests: { label: 'Requests', render: () => <RequestsView /> },
  faults: { label: 'Faults and scenarios', render: () => <FaultsView /> },
} as const;
type ViewName = keyof typeof VIEWS;

/**
 * The dashboard. As a page of its own it has the page's landmarks (`main`); mounted in another page,
 * it is one labelled region of it.
 */
export function Dashboard({ client, page }: { client: ControlClient; page: boolean }) {
  const Main = page ? 'main' : 'div';
  const [view, setView] = useState<ViewName>('smile');
  const [needsToken, setNeedsToken] = useState(false);
  const [session, setSession] = useState(0);
  const [message, setMessage] = useState('');
  const [connected, setConnected] = useState(false);

  const live = useMemo<Live>(() => {
    const listeners = new Set<(event: ChangeEvent) => void>();
    const value: Live = {
      client,
      clock: { now: Date.now(), frozen: true, heardAt: performance.now() },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      report(error) {
        if (error instanceof ControlError && error.status === 401) setNeedsToken(true);
        else setMessage(error instanceof Error ? error.message : String(error));
      },
    };
    (value as Live & { emit(event: ChangeEvent): void }).emit = (event) => {
      value.clock = { now: Date.parse(event.now), frozen: event.frozen, heardAt: performance.now() };
      for (const listener of listeners) listener(event);
    };
    return value;
  }, [client]);

  // A new session (a token entered) restarts the stream.
  useEffect(() => {
    const controller = new AbortController();
    const emit = (live as Live & { emit(event: ChangeEvent): void }).emit;
    client.listen(
      (event) => {
        if (event.topic === 'hello') setConnected(true);
        emit(event);
      },
      () => setNeedsToken(true),
      controller.signal,
    );
    return () => controller.abort();
  }, [client, live, session]);

  if (needsToken) {
    return (
      <LiveContext.Provider value={live}>
        <Main class="token-mock-dashboard">
          <TokenForm
            onToken={(token) => {
              client.setToken(token);
              setNeedsToken(false);
              setSession(session + 1);
            }}
          />
        </Main>
      </LiveContext.Provider>
    );
  }

  const content = (
    <>
      <header>
        <h1>token-mock</h1>
        <span class={`badge ${connected ? 'running' : 'frozen'}`} id="stream-state">
          {connected ? 'live' : 'connecting…'}
        </span>
        <ClockPanel />
        <button
          type="button"
          id="reset"
          class="danger"
          onClick={() => {
            if (confirm('Reset every API, the journal and the clock?')) client.call('POST', '/reset').catch(live.report);
          }}
        >
          Reset
        </button>
      </header>
      <nav aria-label="Views">
        {(Object.keys(VIEWS) as ViewName[]).map((name) => (
          <button key={name} type="button" id={`view-${name}`} aria-current={view === name ? 'page' : undefined} onClick={() => setView(name)}>
            {VIEWS[name].label}
          </button>
        ))}
      </nav>
      <p role="status" aria-live="polite" class="message">
        {message && (
          <>
            {message}{' '}
            <button type="button" class="link" onClick={() => setMessage('')}>
              Dismiss
            </button>
          </>
        )}
      </p>
      <Main id="view">{VIEWS[view].render()}</Main>
    </>
  );
  return (
    <LiveContext.Provider value={live}>
      {page ? (
        <div class="token-mock-dashboard">{content}</div>
      ) : (
        <section class="token-mock-dashboard" aria-label="token-mock dashboard">
          {content}
        </section>
      )}
    </LiveContext.Provider>
  );
}

function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <form
      class="card"
      id="token-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (token) onToken(token);
      }}
    >
      <h1>token-mock</h1>
      <p>This mock's control API needs its admin token. It is kept for this browser tab only.</p>
      <label>
        Admin token
        <input id="admin-token" type="password" autoComplete="off" required value={token} onInput={(event) => setToken(event.currentTarget.value)} />
      </label>
      <button type="submit">Use token</button>
    </form>
  );
}
