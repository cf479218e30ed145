/** Webhooks: the delivery journal (attempts, status, latency, next retry, the exact body and signature) and a form that emits any event type. */
import { useState } from 'preact/hooks';
import type { events as smileEvents } from '../../generated/smile.operations.js';
import type { Schemas } from '../client.js';
import { pretty } from '../format.js';
import { useLive, useLoaded } from '../live.js';

/** Every event type of the Smile spec: the record's keys must be exactly the spec's, so a new event fails the type check until it is listed. */
const SMILE_EVENT_TYPES = Object.keys({
  USER_CREATED: 1,
  USER_SESSION_RESET: 1,
  USER_SESSION_COMPLETED: 1,
  ACCOUNT_CREATED: 1,
  ACCOUNT_CONNECTED: 1,
  ACCOUNT_DISCONNECTED: 1,
  ACCOUNT_FAILED: 1,
  TASK_STARTED: 1,
  TASK_FINISHED: 1,
  ACCOUNT_SYNC_TASK_FINISHED: 1,
  ARCHIVE_STARTED: 1,
  ARCHIVE_ANALYZED: 1,
  ARCHIVE_REVOKED: 1,
  ARCHIVE_FAILED: 1,
  INVITE_INVITED: 1,
  INVITE_LINKED: 1,
  IDENTITY_ADDED: 1,
  RATING_ADDED: 1,
  TRANSACTIONS_ADDED: 1,
  DOCUMENTS_ADDED: 1,
  DOCUMENTS_UPDATED: 1,
  EMPLOYMENTS_ADDED: 1,
  EMPLOYMENTS_UPDATED: 1,
  INCOMES_ADDED: 1,
  INCOMES_UPDATED: 1,
  CONTRIBUTIONS_ADDED: 1,
  CONTRIBUTIONS_UPDATED: 1,
  EINCOMES_ADDED: 1,
  EINCOMES_UPDATED: 1,
  LIABILITIES_ADDED: 1,
  LIABILITIES_UPDATED: 1,
  INSIGHT_ADDED: 1,
  LINK_ADDED: 1,
  VERIFICATION_STARTED: 1,
  VERIFICATION_COMPLETED: 1,
  RECORD_CREATED: 1,
  RECORD_COMPLETED: 1,
} satisfies Record<keyof typeof smileEvents, 1>);
const WUKONGIM_EVENT_TYPES = ['user.onlinestatus'];

export function WebhooksView() {
  const { client } = useLive();
  const [open, setOpen] = useState<number | undefined>(undefined);
  const { data } = useLoaded(['deliveries'], () => client.call<Schemas['DeliveriesPage']>('GET', '/webhooks/deliveries?limit=50'), []);
  const { data: subscriptions } = useLoaded(['smile'], () => client.call<Schemas['SubscriptionsPage']>('GET', '/webhooks/subscriptions?limit=100'), []);
  return (
    <div>
      <section aria-labelledby="subscriptions-title">
        <h2 id="subscriptions-title">Subscriptions {subscriptions ? `(${subscriptions.total})` : ''}</h2>
        <table class="list" id="subscriptions">
          <thead>
            <tr>
              <th scope="col">API</th>
              <th scope="col">Name</th>
              <th scope="col">Receiver</th>
              <th scope="col">Events</th>
              <th scope="col">Active</th>
            </tr>
          </thead>
          <tbody>
            {subscriptions?.items.map((subscription) => (
              <tr key={`${subscription.api}/${subscription.id}`}>
                <td>{subscription.api}</td>
                <td>{subscription.name}</td>
                <td>{subscription.url}</td>
                <td>{subscription.eventTypes.join(', ')}</td>
                <td>{subscription.active ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <EmitForm />
      <section aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Deliveries</h2>
        {data && (
          <p id="delivery-stats">
            {data.stats.events} events, {data.stats.delivered} delivered, {data.stats.failed} failed, {data.stats.retrying} retrying, {data.stats.queued} queued
          </p>
        )}
        <table class="list" id="deliveries">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Receiver</th>
              <th scope="col">Attempt</th>
              <th scope="col">Status</th>
              <th scope="col">Outcome</th>
              <th scope="col">Latency</th>
              <th scope="col">Next retry</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((attempt) => (
              <>
                <tr key={attempt.id} data-type={attempt.type}>
                  <td>{attempt.time}</td>
                  <td>
                    <button
                      type="button"
                      class="link"
                      aria-expanded={open === attempt.id}
                      onClick={() => setOpen(open === attempt.id ? undefined : attempt.id)}
                    >
                      {attempt.type} {attempt.eventId}
                    </button>
                  </td>
                  <td>{attempt.url}</td>
                  <td>
                    {attempt.attempt}/{attempt.maxAttempts}
                  </td>
                  <td data-status={attempt.status ?? ''}>{attempt.status ?? attempt.error ?? '–'}</td>
                  <td>
                    <span class={`badge ${attempt.outcome}`}>{attempt.outcome}</span>
                  </td>
                  <td>{attempt.latencyMs} ms</td>
                  <td>{attempt.nextAttemptAt ?? '–'}</td>
                </tr>
                {open === attempt.id && (
                  <tr key={`${attempt.id}-detail`} class="detail">
                    <td colSpan={8}>
                      <h3>Request headers</h3>
                      <pre>
                        {Object.entries(attempt.request.headers)
                          .map(([name, value]) => `${name}: ${value}`)
                          .join('\n')}
                      </pre>
                      <h3>Body as sent</h3>
                      <pre class="body">{attempt.request.body}</pre>
                      <h3>Receiver's answer</h3>
                      <pre>{pretty(attempt.response.body)}</pre>
                    </td>
                  </tr>
                )}
              </>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function EmitForm() {
  const { client, report } = useLive();
  const [api, setApi] = useState<'smile' | 'wukongim'>('smile');
  const [type, setType] = useState('USER_CREATED');
  const [userId, setUserId] = useState('');
  const [data, setData] = useState('');
  const types = api === 'smile' ? SMILE_EVENT_TYPES : WUKONGIM_EVENT_TYPES;
  return (
    <form
      class="card"
      id="emit"
      aria-label="Emit an event"
      onSubmit={(event) => {
        event.preventDefault();
        const body: Schemas['EmitRequest'] = { api, type };
        if (userId) body.userId = userId;
        try {
          if (data.trim()) body.data = JSON.parse(data);
        } catch {
          report(new Error('the data is not JSON'));
          return;
        }
        client.call('POST', '/webhooks/emit', body).catch(report);
      }}
    >
      <h3>Emit an event</h3>
      <label>
        API
        <select
          value={api}
          onChange={(event) => {
            const next = event.currentTarget.value as typeof api;
            setApi(next);
            setType(next === 'smile' ? 'USER_CREATED' : 'user.onlinestatus');
          }}
        >
          <option value="smile">Smile</option>
          <option value="wukongim">WuKongIM</option>
        </select>
      </label>
      <label>
        Type
        <select id="emit-type" value={type} onChange={(event) => setType(event.currentTarget.value)}>
          {types.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        User id (optional)
        <input value={userId} onInput={(event) => setUserId(event.currentTarget.value)} />
      </label>
      <label>
        Data (JSON, optional)
        <textarea rows={2} value={data} onInput={(event) => setData(event.currentTarget.value)} />
      </label>
      <button type="submit">Emit</button>
    </form>
  );
}
