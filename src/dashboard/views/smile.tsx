/** Smile users, paged without loading them all, a search by id, and a user's link tokens with their state and countdown. */
import { useState } from 'preact/hooks';
import type { Schemas } from '../client.js';
import { countdown } from '../format.js';
import { useLive, useLoaded, useMockNow } from '../live.js';
import { LongId } from '../long-id.js';

const PAGE = 50;

export function SmileView() {
  const { client, report } = useLive();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [search, setSearch] = useState('');
  const cursor = cursors[cursors.length - 1];
  const { data: page } = useLoaded(
    ['smile'],
    () => client.call<Schemas['SmileUsersPage']>('GET', `/smile/users?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    [cursor],
  );
  const create = () =>
    client
      .call<Schemas['SmileUser']>('POST', '/smile/users', {})
      .then((user) => {
        setCursors([null]);
        setSelected(user.id);
      })
      .catch(report);
  return (
    <div class="split">
      <section aria-labelledby="users-title">
        <h2 id="users-title">Smile users</h2>
        <div class="row">
          <button type="button" id="create-user" onClick={create}>
            Create user
          </button>
          <form
            class="row"
            aria-label="Find a user"
            onSubmit={(event) => {
              event.preventDefault();
              if (search.trim()) setSelected(search.trim());
            }}
          >
            <label>
              User id
              <input id="user-search" value={search} onInput={(event) => setSearch(event.currentTarget.value)} size={30} />
            </label>
            <button type="submit">Find</button>
          </form>
        </div>
        <p id="users-total">{page ? `${page.total} users, page ${cursors.length}` : 'Loading…'}</p>
        <table class="list">
          <caption class="sr-only">Users, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((user) => (
              <tr key={user.id} class={user.id === selected ? 'selected' : ''}>
                <td>
                  <button type="button" class="link" aria-pressed={user.id === selected} onClick={() => setSelected(user.id)}>
                    {user.id}
                  </button>
                </td>
                <td>{user.createdAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="row">
          <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
          <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>
            Next page
          </button>
        </div>
      </section>
      {selected ? <UserDetail id={selected} /> : <p>Select a user to see its link tokens.</p>}
    </div>
  );
}

function UserDetail({ id }: { id: string }) {
  const { client, report } = useLive();
  const { now } = useMockNow();
  const [mode, setMode] = useState<'SANDBOX' | 'PRODUCTION'>('SANDBOX');
  const [missing, setMissing] = useState(false);
  const { data } = useLoaded(
    ['smile', 'clock'],
    () =>
      client.call<Schemas['SmileUserDetail']>('GET', `/smile/users/${encodeURIComponent(id)}`).then(
        (detail) => {
          setMissing(false);
          return detail;
        },
        (error) => {
          setMissing(true);
          throw error;
        },
      ),
    [id],
  );
  if (missing) return <p role="alert">No user {id}.</p>;
  if (!data || data.user.id !== id) return <p>Loading…</p>;
  const { user, tokens } = data;
  return (
    <section aria-labelledby="user-title" id="user-detail">
      <h2 id="user-title">User {user.id}</h2>
      <dl>
        <dt>Created</dt>
        <dd>{user.createdAt}</dd>
        <dt>External metadata</dt>
        <dd>
          <code>{JSON.stringify(user.externalMetadata ?? {})}</code>
        </dd>
      </dl>
      <div class="row">
        <label>
          Mode
          <select value={mode} onChange={(event) => setMode(event.currentTarget.value as typeof mode)}>
            <option>SANDBOX</option>
            <option>PRODUCTION</option>
          </select>
        </label>
        <button type="button" id="issue-token" onClick={() => client.call('POST', `/smile/users/${encodeURIComponent(id)}/tokens`, { mode }).catch(report)}>
          Issue token
        </button>
        <button type="button" id="use-token" onClick={() => client.call('POST', `/smile/users/${encodeURIComponent(id)}/tokens/use`).catch(report)}>
          Use newest token
        </button>
      </div>
      <table class="list" id="tokens">
        <caption>Link tokens</caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">State</th>
            <th scope="col">Mode</th>
            <th scope="col">Expires</th>
            <th scope="col">Left</th>
          </tr>
        </thead>
        <tbody>
          {tokens.length === 0 ? (
            <tr>
              <td colSpan={5}>No tokens held.</td>
            </tr>
          ) : (
            tokens.map((token) => {
              // The server said valid as of its answer; the mock's clock may have passed the expiry since.
              const state = token.state === 'valid' && now >= Date.parse(token.expiresAt) ? 'expired' : token.state;
              return (
                <tr key={token.id} data-token={token.id}>
                  <td>
                    <LongId value={token.id} />
                  </td>
                  <td>
                    <span class={`badge ${state}`} data-state={state}>
                      {state}
                    </span>
                  </td>
                  <td>{token.mode}</td>
                  <td>{token.expiresAt}</td>
                  <td>{state === 'valid' ? countdown(token.expiresAt, now) : '–'}</td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </section>
  );
}
