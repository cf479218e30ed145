/** WuKongIM: device slots per uid with token and level, the connections with state and reason code; set a token, connect, kick, ban. */
import { useState } from 'preact/hooks';
import { ControlError, type Schemas } from '../client.js';
import { useLive, useLoaded } from '../live.js';

const FLAGS = ['0 (app)', '1 (web)', '2 (desktop)'];

/** A small form of labelled fields, submitted as one JSON body. */
function FieldForm(props: {
  id: string;
  title: string;
  fields: { name: string; label: string; type?: 'number' | 'flag' | 'level' | 'status' }[];
  submit: string;
  onSubmit: (values: Record<string, unknown>) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const set = (name: string) => (event: { currentTarget: { value: string } }) => setValues({ ...values, [name]: event.currentTarget.value });
  return (
    <form
      id={props.id}
      class="card"
      aria-label={props.title}
      onSubmit={(event) => {
        event.preventDefault();
        const body: Record<string, unknown> = {};
        for (const field of props.fields) {
          const value = values[field.name] ?? (field.type === 'flag' ? '1' : field.type === 'level' ? '1' : field.type === 'status' ? 'banned' : '');
          body[field.name] = field.type && field.type !== 'status' ? Number(value) : value;
        }
        props.onSubmit(body);
      }}
    >
      <h3>{props.title}</h3>
      {props.fields.map((field) => {
        const id = `${props.id}-${field.name}`;
        return (
          <span class="field" key={field.name}>
            <label htmlFor={id}>{field.label}</label>
            {field.type === 'flag' ? (
              <select id={id} name={field.name} value={values[field.name] ?? '1'} onChange={set(field.name)}>
                {FLAGS.map((label, flag) => (
                  <option key={label} value={String(flag)}>
                    {label}
                  </option>
                ))}
              </select>
            ) : field.type === 'level' ? (
              <select id={id} name={field.name} value={values[field.name] ?? '1'} onChange={set(field.name)}>
                <option value="1">1 (master)</option>
                <option value="0">0 (slave)</option>
              </select>
            ) : field.type === 'status' ? (
              <select id={id} name={field.name} value={values[field.name] ?? 'banned'} onChange={set(field.name)}>
                <option>banned</option>
                <option>disbanded</option>
                <option>active</option>
              </select>
            ) : (
              <input id={id} name={field.name} required value={values[field.name] ?? ''} onInput={set(field.name)} />
            )}
          </span>
        );
      })}
      <button type="submit">{props.submit}</button>
    </form>
  );
}

export function WukongimView() {
  const { client, report } = useLive();
  const { data: devices } = useLoaded(['wukongim'], () => client.call<Schemas['DevicesPage']>('GET', '/wukongim/devices?limit=100'), []);
  const { data: connections } = useLoaded(['wukongim'], () => client.call<Schemas['ConnectionsPage']>('GET', '/wukongim/connections?limit=100'), []);
  const post =
    (path: string, method = 'POST') =>
    (body: unknown) =>
      void client.call(method, path, body).catch(report);
  return (
    <div>
      <div class="forms">
        <FieldForm
          id="set-token"
          title="Set a token"
          fields={[
            { name: 'uid', label: 'uid' },
            { name: 'token', label: 'Token' },
            { name: 'device_flag', label: 'Device flag', type: 'flag' },
            { name: 'device_level', label: 'Level', type: 'level' },
          ]}
          submit="Set token"
          onSubmit={post('/wukongim/tokens')}
        />
        <FieldForm
          id="connect"
          title="Connect a device"
          fields={[
            { name: 'uid', label: 'uid' },
            { name: 'token', label: 'Token' },
            { name: 'device_flag', label: 'Device flag', type: 'flag' },
            { name: 'device_id', label: 'Device id' },
          ]}
          submit="Connect"
          onSubmit={post('/wukongim/connect')}
        />
        <FieldForm
          id="kick"
          title="Kick a slot"
          fields={[
            { name: 'uid', label: 'uid' },
            { name: 'device_flag', label: 'Device flag', type: 'flag' },
          ]}
          submit="Kick"
          onSubmit={post('/wukongim/kick')}
        />
        <FieldForm
          id="ban"
          title="Ban or restore a user"
          fields={[
            { name: 'uid', label: 'uid' },
            { name: 'status', label: 'Status', type: 'status' },
          ]}
          submit="Apply"
          onSubmit={(body) => post(`/wukongim/users/${encodeURIComponent(String(body.uid))}`, 'PUT')({ status: body.status })}
        />
      </div>
      <section aria-labelledby="slots-title">
        <h2 id="slots-title">Device slots {devices ? `(${devices.total})` : ''}</h2>
        <table class="list" id="slots">
          <thead>
            <tr>
              <th scope="col">uid</th>
              <th scope="col">Flag</th>
              <th scope="col">Level</th>
              <th scope="col">Token</th>
              <th scope="col">Updated</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {devices?.items.map((slot) => (
              <tr key={`${slot.uid}/${slot.device_flag}`}>
                <td>{slot.uid}</td>
                <td>{slot.device_flag}</td>
                <td>{slot.device_level === 1 ? '1 (master)' : '0 (slave)'}</td>
                <td>
                  <code>{slot.token || '(cleared)'}</code>
                </td>
                <td>{slot.updated_at}</td>
                <td>{slot.expires_at ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="connections-title">
        <h2 id="connections-title">Connections {connections ? `(${connections.total})` : ''}</h2>
        <table class="list" id="connections">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">uid</th>
              <th scope="col">Flag</th>
              <th scope="col">Device</th>
              <th scope="col">State</th>
              <th scope="col">Connected</th>
              <th scope="col">Closed</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connections?.items.map((connection) => (
              <tr key={connection.connection_id} data-device={connection.device_id}>
                <td>{connection.connection_id}</td>
                <td>{connection.uid}</td>
                <td>{connection.device_flag}</td>
                <td>{connection.device_id}</td>
                <td>
                  <span class={`badge ${connection.state}`} data-state={connection.state}>
                    {describeState(connection)}
                  </span>
                </td>
                <td>{connection.connected_at}</td>
                <td>{connection.closed_at ?? '–'}</td>
                <td>
                  {connection.state === 'online' && (
                    <button type="button" onClick={() => client.call('POST', `/wukongim/connections/${connection.connection_id}/close`).catch(report)}>
                      Close {connection.connection_id}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <MessagesPanel />
    </div>
  );
}

/**
 * The IM port's message log, where the mock has one (`GET /__mock/wukongim/messages`): shown as the
 * control API answers it, and not at all where the call is unknown (404).
 */
function MessagesPanel() {
  const { client } = useLive();
  const { data } = useLoaded(
    ['wukongim'],
    () =>
      client.call<Schemas['ImMessagesPage']>('GET', '/wukongim/messages?limit=50').catch((error: unknown) => {
        if (error instanceof ControlError && error.status === 404) return null;
        throw error;
      }),
    [],
  );
  if (!data) return null;
  return (
    <section aria-labelledby="messages-title">
      <h2 id="messages-title">Messages ({data.total})</h2>
      <table class="list" id="messages">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Message</th>
            <th scope="col">Delivered to</th>
          </tr>
        </thead>
        <tbody>
          {data.items.map((message) => (
            <tr key={message.message_id} data-message={message.message_id}>
              <td>{message.timestamp}</td>
              <td>{message.from_uid}</td>
              <td>{message.channel_id}</td>
              <td>
                <code>{message.payload}</code>
              </td>
              <td>{message.delivered_to.length === 0 ? 'nobody online' : `connections ${message.delivered_to.join(', ')}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `online`, `kicked 12`, `refused 2`, `closed`. */
function describeState(connection: Schemas['Connection']): string {
  if (connection.state === 'online') return 'online';
  if (connection.state === 'kicked') return `kicked ${connection.reason_code}`;
  if (connection.reason_code !== 1) return `refused ${connection.reason_code}`;
  return 'closed';
}
