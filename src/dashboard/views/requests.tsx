/** The request journal, newest first, filtered by API, operation, status and violations; a row opens the exchange, each violation pointed at its field. */
import { useState } from 'preact/hooks';
import type { Schemas } from '../client.js';
import { pretty } from '../format.js';
import { useLive, useLoaded } from '../live.js';

type Entry = Schemas['JournalEntry'];

export function RequestsView() {
  const { client } = useLive();
  const [api, setApi] = useState('');
  const [operation, setOperation] = useState('');
  const [status, setStatus] = useState('');
  const [violationsOnly, setViolationsOnly] = useState(false);
  const [open, setOpen] = useState<number | undefined>(undefined);
  // The journal filters on the mock's side, so a filter reaches past the newest page.
  const query = new URLSearchParams({ limit: '50' });
  if (api) query.set('api', api);
  if (operation.trim()) query.set('operation', operation.trim());
  if (/^[1-5][0-9]{0,2}$/.test(status)) query.set('status', status);
  const { data } = useLoaded(['journal'], () => client.call<Schemas['JournalPage']>('GET', `/${violationsOnly ? 'violations' : 'journal'}?${query}`), [
    query.toString(),
    violationsOnly,
  ]);
  const shown = data?.items ?? [];
  const selected = shown.find((entry) => entry.id === open);
  return (
    <div>
      <form class="row card" aria-label="Filter requests" onSubmit={(event) => event.preventDefault()}>
        <label>
          API
          <select id="filter-api" value={api} onChange={(event) => setApi(event.currentTarget.value)}>
            <option value="">all</option>
            <option value="wukongim">WuKongIM</option>
            <option value="smile">Smile</option>
            <option value="admin">control</option>
          </select>
        </label>
        <label>
          Operation
          <input id="filter-operation" value={operation} onInput={(event) => setOperation(event.currentTarget.value)} size={14} />
        </label>
        <label>
          Status
          <input id="filter-status" value={status} onInput={(event) => setStatus(event.currentTarget.value)} size={4} />
        </label>
        <label>
          <input id="filter-violations" type="checkbox" checked={violationsOnly} onChange={(event) => setViolationsOnly(event.currentTarget.checked)} />
          Has violations
        </label>
      </form>
      <div class="split">
        <section aria-labelledby="requests-title">
          <h2 id="requests-title">Requests {data ? `(${data.total})` : ''}</h2>
          <table class="list" id="requests">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">API</th>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <tr key={entry.id} class={entry.violations.length > 0 ? 'violated' : ''}>
                  <td>{entry.time}</td>
                  <td>{entry.api}</td>
                  <td>
                    <button type="button" class="link" aria-pressed={entry.id === open} onClick={() => setOpen(entry.id)}>
                      {entry.method} {entry.path}
                    </button>
                    {entry.operationId && <small> {entry.operationId}</small>}
                    {entry.proxied && (
                      <span class="badge proxied" title="forwarded to the upstream by token-mock proxy">
                        proxied
                      </span>
                    )}
                    {entry.violations.length > 0 && <span class="badge violation">{entry.violations.length} violation(s)</span>}
                  </td>
                  <td>{entry.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {selected ? <Exchange entry={selected} /> : <p>Select a request to see it.</p>}
      </div>
    </div>
  );
}

function Exchange({ entry }: { entry: Entry }) {
  const inBody = entry.violations.filter((violation) => violation.in === 'body');
  return (
    <section aria-labelledby="exchange-title" id="exchange">
      <h2 id="exchange-title">
        {entry.method} {entry.path} → {entry.status}
      </h2>
      <p>
        {entry.time}, {entry.durationMs} ms{entry.proxied ? ', proxied: the upstream answered' : ''}
        {entry.fault ? `, fault ${entry.fault}` : ''}
        {entry.error ? `, failed: ${entry.error}` : ''}
      </p>
      {entry.violations.length > 0 && (
        <>
          <h3>Violations</h3>
          <ul id="violations">
            {entry.violations.map((violation) => (
              <li key={`${violation.in}${violation.path}${violation.keyword}`} class="violation">
                <code>
                  {violation.in}
                  {violation.path}
                </code>{' '}
                {violation.message} <small>({violation.keyword})</small>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Request headers</h3>
      <pre>
        {Object.entries(entry.request.headers)
          .map(([name, value]) => `${name}: ${value}`)
          .join('\n')}
      </pre>
      <h3>Request body</h3>
      <Body text={entry.request.body} marked={inBody.map((violation) => violation.path)} />
      <h3>Response body</h3>
      <pre>{pretty(entry.response.body)}</pre>
    </section>
  );
}

/** A body with the lines a violation points at marked: the member named by the pointer's last segment, or all of it for the root. */
function Body({ text, marked }: { text: string | null; marked: string[] }) {
  const lines = pretty(text).split('\n');
  const keys = marked.map((pointer) => pointer.split('/').pop() ?? '').map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  const whole = marked.includes('');
  return (
    <pre class={`body${whole ? ' marked' : ''}`}>
      {lines.map((line, index) => {
        const hit = keys.some((key) => key !== '' && line.trimStart().startsWith(`"${key}":`));
        return hit ? (
          <mark key={index} class="violation">
            {line}
            {'\n'}
          </mark>
        ) : (
          `${line}\n`
        );
      })}
    </pre>
  );
}
