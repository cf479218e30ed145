/** Fault rules (add, remove, clear) and scenarios (paste YAML, watch the steps run as the clock moves). */
import { useState } from 'preact/hooks';
import type { Schemas } from '../client.js';
import { useLive, useLoaded } from '../live.js';

const EXAMPLE = `name: expiry walk-through
steps:
  - at: 0s
    createUser: { as: ada }
  - at: 1h
    expireTokens: { userId: $ada }
`;

export function FaultsView() {
  const { client, report } = useLive();
  const { data: faults } = useLoaded(['faults'], () => client.call<Schemas['FaultsPage']>('GET', '/faults?limit=100'), []);
  const { data: scenarios } = useLoaded(['scenarios', 'clock'], () => client.call<Schemas['ScenariosPage']>('GET', '/scenarios?limit=100'), []);
  const [rule, setRule] = useState({ api: '', operationId: '', status: '503', latency: '', times: '' });
  const [yaml, setYaml] = useState(EXAMPLE);
  const field = (name: keyof typeof rule) => (event: { currentTarget: { value: string } }) => setRule({ ...rule, [name]: event.currentTarget.value });
  const add = () => {
    const body: Schemas['FaultRule'] = {};
    if (rule.api) body.api = rule.api as 'smile' | 'wukongim';
    if (rule.operationId) body.operationId = rule.operationId;
    if (rule.status) body.status = Number(rule.status);
    if (rule.latency) body.latency = rule.latency;
    if (rule.times) body.times = Number(rule.times);
    client.call('POST', '/faults', body).catch(report);
  };
  return (
    <div class="split">
      <section aria-labelledby="faults-title">
        <h2 id="faults-title">Fault rules</h2>
        <form
          class="card"
          id="add-fault"
          aria-label="Add a fault rule"
          onSubmit={(event) => {
            event.preventDefault();
            add();
          }}
        >
          <label>
            API
            <select value={rule.api} onChange={field('api')}>
              <option value="">any</option>
              <option value="wukongim">WuKongIM</option>
              <option value="smile">Smile</option>
            </select>
          </label>
          <label>
            Operation id
            <input value={rule.operationId} onInput={field('operationId')} placeholder="createToken" />
          </label>
          <label>
            Status
            <input value={rule.status} onInput={field('status')} inputMode="numeric" size={4} />
          </label>
          <label>
            Latency
            <input value={rule.latency} onInput={field('latency')} placeholder="250ms" size={6} />
          </label>
          <label>
            Times
            <input value={rule.times} onInput={field('times')} inputMode="numeric" size={4} />
          </label>
          <button type="submit">Add rule</button>
        </form>
        <table class="list" id="faults">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Matches</th>
              <th scope="col">Effect</th>
              <th scope="col">Applied</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {faults?.items.map((fault) => (
              <tr key={fault.id}>
                <td>{fault.id}</td>
                <td>{[fault.api, fault.operationId, fault.method, fault.path].filter(Boolean).join(' ') || 'everything'}</td>
                <td>
                  {[fault.status && `status ${fault.status}`, fault.latency && `latency ${JSON.stringify(fault.latency)}`, fault.drop && 'drop']
                    .filter(Boolean)
                    .join(', ')}
                </td>
                <td>
                  {fault.applied}
                  {fault.remaining === null ? '' : ` (${fault.remaining} left)`}
                </td>
                <td>
                  <button type="button" onClick={() => client.call('DELETE', `/faults/${encodeURIComponent(fault.id)}`).catch(report)}>
                    Remove {fault.id}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={() => client.call('DELETE', '/faults').catch(report)}>
          Clear all rules
        </button>
      </section>
      <section aria-labelledby="scenarios-title">
        <h2 id="scenarios-title">Scenarios</h2>
        <form
          class="card"
          id="load-scenario"
          aria-label="Load a scenario"
          onSubmit={(event) => {
            event.preventDefault();
            client.call('POST', '/scenarios', yaml, 'application/yaml').catch(report);
          }}
        >
          <label>
            Scenario (YAML)
            <textarea rows={8} cols={40} value={yaml} onInput={(event) => setYaml(event.currentTarget.value)} />
          </label>
          <button type="submit">Load scenario</button>
        </form>
        <table class="list" id="scenarios">
          <thead>
            <tr>
              <th scope="col">Scenario</th>
              <th scope="col">Steps run</th>
              <th scope="col">Next step at</th>
              <th scope="col">Failures</th>
            </tr>
          </thead>
          <tbody>
            {scenarios?.items.map((scenario) => (
              <tr key={scenario.id}>
                <td>
                  {scenario.id}. {scenario.name}
                </td>
                <td>
                  <progress max={scenario.steps} value={scenario.done} aria-label={`${scenario.name}: steps run`} /> {scenario.done}/{scenario.steps}
                </td>
                <td>{scenario.nextAt ?? 'done'}</td>
                <td>{scenario.failures.map((failure) => `step ${failure.step}: ${failure.error}`).join('; ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
