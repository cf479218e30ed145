/** The mock's clock: now, frozen or running; advance, set, freeze, unfreeze. */
import { useState } from 'preact/hooks';
import { iso } from '../format.js';
import { useLive, useMockNow } from '../live.js';

export function ClockPanel() {
  const { client, report } = useLive();
  const { now, frozen } = useMockNow();
  const [advance, setAdvance] = useState('1h');
  const [instant, setInstant] = useState('');
  const change = (body: Record<string, unknown>) => client.call('POST', '/clock', body).catch(report);
  return (
    <section class="clock" aria-labelledby="clock-title">
      <h2 id="clock-title">Clock</h2>
      <p>
        <output id="clock-now" aria-label="Mock time">
          {iso(now)}
        </output>{' '}
        <span class={`badge ${frozen ? 'frozen' : 'running'}`} id="clock-state">
          {frozen ? 'frozen' : 'running'}
        </span>
      </p>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          change({ advance });
        }}
      >
        <label>
          Advance by
          <input
            id="clock-advance"
            value={advance}
            onInput={(event) => setAdvance(event.currentTarget.value)}
            pattern="^(\d+(\.\d+)?(ms|s|m|h|d))+$"
            size={6}
          />
        </label>
        <button type="submit" id="advance">
          Advance
        </button>
      </form>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          change({ set: instant });
        }}
      >
        <label>
          Set to
          <input id="clock-set" value={instant} placeholder="2030-01-01T00:00:00Z" onInput={(event) => setInstant(event.currentTarget.value)} size={22} />
        </label>
        <button type="submit">Set</button>
      </form>
      <button type="button" onClick={() => change({ freeze: !frozen })}>
        {frozen ? 'Unfreeze' : 'Freeze'}
      </button>
    </section>
  );
}
