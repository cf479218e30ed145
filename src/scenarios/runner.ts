/** Runs loaded scenarios: each step is an alarm on the mock's clock, so advancing the clock plays them in order. */
import type { SmileService } from '../apis/smile/index.js';
import type { WukongimService } from '../apis/wukongim/index.js';
import type { Clock } from '../core/clock.js';
import type { FaultRule, Faults } from '../core/faults.js';
import type { components } from '../generated/admin.types.js';
import type { EmitRequest, Webhooks } from '../webhooks.js';
import { actionOf, offsetOf, runOrder, type Scenario } from './parse.js';

export type ScenarioState = components['schemas']['ScenarioState'];
type Schemas = components['schemas'];

/** What steps act on: the same services the programmatic and control APIs use. */
export interface ScenarioTargets {
  clock: Clock;
  smile: SmileService;
  wukongim: WukongimService;
  webhooks: Webhooks;
  faults: Faults;
}

export interface ScenarioRunner {
  /** Schedules a checked scenario from the clock's now; steps already due run before this returns. */
  load(scenario: Scenario): ScenarioState;
  list(): ScenarioState[];
  /** Forgets every scenario and cancels the steps still to come. */
  clear(): void;
}

interface Loaded {
  state: ScenarioState;
  cancels: (() => void)[];
}

/**
 * Creates the runner.
 * @example const scenarios = createScenarioRunner({ clock, smile, wukongim, webhooks }); scenarios.load(checkScenario(value));
 */
export function createScenarioRunner(targets: ScenarioTargets): ScenarioRunner {
  const { clock } = targets;
  let loaded: Loaded[] = [];
  // The token is registered at once; only its signature is asynchronous, and nothing waits on it.
  const issue = (userId: string) => void targets.smile.issueToken(userId).catch(() => undefined);

  /** Does one step; returns the id it made, for `as`. Throws when it cannot do what it says. */
  const perform = (name: ReturnType<typeof actionOf>['name'], args: Record<string, unknown>): string | number | undefined => {
    switch (name) {
      case 'createUser': {
        const user = targets.smile.createUser((args as Schemas['ScenarioStep']['createUser'] & object).externalMetadata);
        issue(user.id);
        return user.id;
      }
      case 'issueToken':
        issue(existingUser(targets.smile, (args as Schemas['UserRef']).userId));
        return undefined;
      case 'resetSession': {
        const { userId } = args as Schemas['UserRef'];
        if (!targets.smile.resetSession(userId)) throw new Error(`user ${userId} does not exist`);
        return undefined;
      }
      case 'emit':
        return targets.webhooks.emit(args as unknown as EmitRequest).id;
      case 'expireTokens':
        targets.smile.expireTokens(existingUser(targets.smile, (args as Schemas['UserRef']).userId));
        return undefined;
      case 'consumeToken': {
        const userId = existingUser(targets.smile, (args as Schemas['UserRef']).userId);
        if (!targets.smile.consumeLatestToken(userId)) throw new Error(`user ${userId} has no usable token to consume`);
        return undefined;
      }
      case 'setDeviceToken':
        targets.wukongim.updateToken(args as Schemas['ScenarioStep']['setDeviceToken'] & object);
        return undefined;
      case 'connect':
        return targets.wukongim.connect(args as Schemas['ConnectRequest']).connection_id;
      case 'kick': {
        const { uid, device_flag } = args as Schemas['ScenarioStep']['kick'] & object;
        targets.wukongim.kick(uid, device_flag);
        return undefined;
      }
      case 'faults':
        targets.faults.set((args as unknown as { rules: FaultRule[] }).rules);
        return undefined;
      case 'close': {
        const id = Number((args as { connection: number | string }).connection);
        if (!targets.wukongim.close(id)) throw new Error(`connection ${id} does not exist`);
        return undefined;
      }
    }
  };

  return {
    load(scenario) {
      const loadedAt = clock.now();
      const state: ScenarioState = {
        id: loaded.length + 1,
        name: scenario.name ?? `scenario ${loaded.length + 1}`,
        loadedAt: new Date(loadedAt).toISOString(),
        steps: scenario.steps.length,
        done: 0,
        nextAt: null,
        aliases: {},
        failures: [],
      };
      const order = runOrder(scenario);
      const entry: Loaded = { state, cancels: [] };
      order.forEach(({ step, index }, position) => {
        const following = order[position + 1];
        const cancel = clock.schedule(loadedAt + offsetOf(step), () => {
          const { name, args } = actionOf(step);
          const { as, ...rest } = args as { as?: string };
          try {
            const made = perform(name, substitute(rest, state.aliases) as Record<string, unknown>);
            if (as !== undefined && made !== undefined) state.aliases[as] = made;
          } catch (error) {
            state.failures.push({ step: index, at: clock.iso(), error: (error as Error).message });
          }
          state.done += 1;
          state.nextAt = following ? new Date(loadedAt + offsetOf(following.step)).toISOString() : null;
        });
        entry.cancels.push(cancel);
      });
      state.nextAt = order[0] ? new Date(loadedAt + offsetOf(order[0].step)).toISOString() : null;
      loaded.push(entry);
      clock.advance(0); // steps at offset 0 run now, before the caller hears back
      return state;
    },
    list: () => loaded.map(({ state }) => state),
    clear() {
      for (const { cancels } of loaded) for (const cancel of cancels) cancel();
      loaded = [];
    },
  };
}

function existingUser(smile: SmileService, userId: string): string {
  if (!smile.user(userId)) throw new Error(`user ${userId} does not exist`);
  return userId;
}

/** Replaces every `$name` string with the id an earlier step saved. */
function substitute(value: unknown, aliases: Record<string, string | number>): unknown {
  if (typeof value === 'string' && value.startsWith('$')) return aliases[value.slice(1)] ?? value;
  if (Array.isArray(value)) return value.map((item) => substitute(item, aliases));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, aliases)]));
  return value;
}
