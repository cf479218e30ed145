/** The scenarios face of a mock: load scenario text or objects, list what is loaded. */
import { checkScenario, parseScenario, type Scenario } from './parse.js';
import type { ScenarioRunner, ScenarioState } from './runner.js';

/** Scripted steps on the mock's clock. */
export interface Scenarios {
  /**
   * Loads a scenario: YAML or JSON text, or an object. Its steps run as the clock reaches them; those
   * at offset 0 run at once. Rejects with a ScenarioError (a MockError of kind `invalid-scenario`)
   * that names each problem, and its line for text.
   */
  load(scenario: Scenario | string, options?: { source?: string }): Promise<ScenarioState>;
  list(): ScenarioState[];
}

/**
 * Creates the face over a runner.
 * @example const scenarios = createScenarios(runner); await scenarios.load('steps: [{ at: 1m, kick: { uid: ana, device_flag: 1 } }]');
 */
export function createScenarios(runner: ScenarioRunner): Scenarios {
  return {
    async load(scenario, { source = 'scenario' } = {}) {
      return runner.load(typeof scenario === 'string' ? await parseScenario(scenario, source) : checkScenario(scenario, source), source);
    },
    list: () => runner.list(),
  };
}
