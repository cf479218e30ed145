/** Runs loaded scenarios: each step is an alarm on the mock's clock, so advancing the clock plays them in order. */

import type { SmileService } from '../apis/smile/index.js';
import type { WukongimService } from '../apis/wukongim/index.js';
import type { ChangeFeed, ChangeTopic } from '../core/changes.js';
import type { Clock } from '../core/clock.js';
import { isMockError, MockError, messageOf } from '../core/errors.js';
import type { Faults } from '../core/faults.js';
import type { components } from '../generated/admin.types.js';
import type { Webhooks } from '../webhooks.js';
import { actionOf, offsetOf, runOrder, type Scenario, ScenarioError, type ScenarioProblem, type StepAction } from './parse.js';

export type ScenarioState = components['schemas']['ScenarioState'];

/** What steps act on: the same services the programmatic and control APIs use. */
export interface ScenarioTargets {
  clock: Clock;
  smile: SmileService;
  wukongim: WukongimService;
  webhooks: Webhooks;
  faults: Faults;
  /** Told of each step that ran, and of the part of the state it changed. */
  changes?: ChangeFeed;
}

export interface ScenarioRunner {
  /**
   * Schedules a checked scenario from the clock's now; steps already due run before this returns.
   * Throws a ScenarioError, and schedules nothing, when a `faults` step holds a rule the fault
   * rules would refuse.
   */
  load(scenario: Scenario, source?: string): ScenarioState;
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
 * @example const scenarios = createScenarioRunner({ clock, smile, wukongim, webhooks, faults }); scenarios.load(checkScenario(value));
 */
export function createScenarioRunner(targets: ScenarioTargets): ScenarioRunner {
  const { clock, smile, wukongim } = targets;
  let loaded: Loaded[] = [];
  // The token is registered at once; only its signature is asynchronous, and nothing waits on it.
  const issue = (userId: string) => void smile.issueToken(userId).catch(() => undefined);
  const existingUser = (userId: string): string => {
    if (!smile.user(userId)) throw new MockError('not-found', `user ${userId} does not exist`);
    return userId;
  };

  /** Does one step; returns the id it made, for `as`. Throws a MockError when it cannot do what it says. */
  const perform = (action: StepAction): string | number | undefined => {
    switch (action.name) {
      case 'createUser': {
        const user = smile.createUser(action.args.externalMetadata);
        issue(user.id);
        return user.id;
      }
      case 'issueToken':
        issue(existingUser(action.args.userId));
        return undefined;
      case 'resetSession':
        if (!smile.resetSession(action.args.userId)) throw new MockError('not-found', `user ${action.args.userId} does not exist`);
        return undefined;
      case 'emit':
        return targets.webhooks.emit(action.args).id;
      case 'expireTokens':
        smile.expireTokens(existingUser(action.args.userId));
        return undefined;
      case 'consumeToken': {
        const userId = existingUser(action.args.userId);
        if (!smile.consumeLatestToken(userId)) throw new MockError('not-found', `user ${userId} has no usable token to consume`);
        return undefined;
      }
      case 'setDeviceToken':
        wukongim.updateToken(action.args);
        return undefined;
      case 'connect':
        return wukongim.connect(action.args).connection_id;
      case 'kick':
        wukongim.kick(action.args.uid, action.args.device_flag);
        return undefined;
      case 'faults':
        targets.faults.set(action.args.rules);
        return undefined;
      case 'close': {
        const id = Number(action.args.connection);
        if (!wukongim.close(id)) throw new MockError('not-found', `connection ${id} does not exist`);
        return undefined;
      }
    }
  };

  return {
    load(scenario, source = 'scenario') {
      refuseUnusableFaults(scenario, targets.faults, source);
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
          const action = substitute(actionOf(step), state.aliases);
          const as = 'as' in action.args ? action.args.as : undefined;
          try {
            const made = perform(action);
            if (as !== undefined && made !== undefined) state.aliases[as] = made;
          } catch (error) {
            state.failures.push({ step: index, at: clock.iso(), error: isMockError(error) ? error.detail : messageOf(error) });
          }
          state.done += 1;
          state.nextAt = following ? new Date(loadedAt + offsetOf(following.step)).toISOString() : null;
          const area = AREAS[action.name];
          if (area) targets.changes?.publish(area, { scenario: state.id, step: index, action: action.name });
          targets.changes?.publish('scenarios', { scenario: state.id, step: index, action: action.name });
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

/** Checks the rules of every `faults` step now, with the fault rules' own check, so a bad rule is refused at load and not when its step runs. */
function refuseUnusableFaults(scenario: Scenario, faults: Faults, source: string): void {
  const problems: ScenarioProblem[] = [];
  scenario.steps.forEach((step, index) => {
    if (!step.faults) return;
    try {
      faults.check(step.faults.rules);
    } catch (error) {
      if (!isMockError(error)) throw error;
      for (const detail of error.errors) problems.push({ path: `/steps/${index}/faults/rules${detail.path}`, message: detail.message });
    }
  });
  if (problems.length > 0) throw new ScenarioError(source, problems);
}

/** The part of the state each kind of step changes (an emitted event is published by the delivery log). */
const AREAS: Partial<Record<StepAction['name'], ChangeTopic>> = {
  createUser: 'smile',
  issueToken: 'smile',
  resetSession: 'smile',
  expireTokens: 'smile',
  consumeToken: 'smile',
  setDeviceToken: 'wukongim',
  connect: 'wukongim',
  kick: 'wukongim',
  close: 'wukongim',
  faults: 'faults',
};

/**
 * Replaces every `$name` string with the id an earlier step saved. The ids are of the kind the alias
 * stands for (a user id where a user is named, a connection id where a connection is), so the shape holds.
 */
function substitute<T>(value: T, aliases: Record<string, string | number>): T {
  if (typeof value === 'string' && value.startsWith('$')) return (aliases[value.slice(1)] ?? value) as T;
  if (Array.isArray(value)) return value.map((item) => substitute(item, aliases)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, aliases)])) as T;
  return value;
}
