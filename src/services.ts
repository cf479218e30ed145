/**
 * The services of one mock instance, as the control API drives them and `createMock` exposes them. A
 * leaf: the parts that use it import it, and it imports no part that uses it.
 */
import type { SmileService } from './apis/smile/index.js';
import type { WukongimService } from './apis/wukongim/index.js';
import type { Clock } from './core/clock.js';
import type { Faults } from './core/faults.js';
import type { Journal } from './core/journal.js';
import type { Scenarios } from './scenarios/index.js';
import type { Webhooks } from './webhooks.js';

/** What the control API (and code holding a mock) can drive. */
export interface MockServices {
  readonly clock: Clock;
  readonly journal: Journal;
  readonly wukongim: WukongimService;
  readonly smile: SmileService;
  /** Emit events, read the delivery journal, wait on deliveries. */
  readonly webhooks: Webhooks;
  readonly scenarios: Scenarios;
  /** Latency, error statuses and dropped connections, per operation or path. */
  readonly faults: Faults;
  /**
   * Returns every API's state, the journals, the random sequence and the clock to the seeded start;
   * pending deliveries and loaded scenarios are dropped, and the options' faults and scenarios re-armed.
   */
  reset(): void;
}
