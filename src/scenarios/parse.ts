/**
 * Reads a scenario from YAML or JSON text (YAML is a superset of JSON, so one parser serves both and
 * every problem gets a line), or checks one given as an object. The schema is the admin spec's.
 */
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { parseDuration } from '../core/duration.js';
import { MockError } from '../core/errors.js';
import type { SchemaError } from '../core/operation.js';
import { operations } from '../generated/admin.operations.js';
import type { components } from '../generated/admin.types.js';

export type Scenario = components['schemas']['Scenario'];
export type ScenarioStep = components['schemas']['ScenarioStep'];

/** The name of an action a step may take. */
export type ActionName = Exclude<keyof ScenarioStep, 'at'>;

/** A step's one action: its name with the arguments the schema gives it. */
export type StepAction = { [K in ActionName]: { name: K; args: NonNullable<ScenarioStep[K]> } }[ActionName];

/** The actions a step may take, one per step. */
export const STEP_ACTIONS = [
  'createUser',
  'resetSession',
  'emit',
  'issueToken',
  'expireTokens',
  'consumeToken',
  'setDeviceToken',
  'connect',
  'kick',
  'close',
  'faults',
] as const satisfies readonly ActionName[];

/** One thing wrong with a scenario, and where. */
export interface ScenarioProblem {
  /** 1-based, when the scenario came as text. */
  line?: number;
  column?: number;
  /** JSON Pointer into the scenario, such as `/steps/2/emit/type`. */
  path: string;
  message: string;
}

/**
 * A scenario that cannot be loaded: a MockError of kind `invalid-scenario` whose message lists every
 * problem as `source:line:column: path message`, and whose `errors` point into the scenario.
 */
export class ScenarioError extends MockError {
  constructor(
    readonly source: string,
    readonly problems: ScenarioProblem[],
  ) {
    super(
      'invalid-scenario',
      `${source} is not a valid scenario:\n${problems.map((p) => `  ${p.line === undefined ? source : `${source}:${p.line}:${p.column}`}: ${p.path || '/'} ${p.message}`).join('\n')}`,
      { errors: problems.map((p) => ({ path: p.path, message: p.line === undefined ? p.message : `line ${p.line}, column ${p.column}: ${p.message}` })) },
    );
  }
}

const validateScenario = (operations.loadScenario.body as NonNullable<typeof operations.loadScenario.body>).validate;
const MAX_PROBLEMS = 20;

/**
 * Parses and checks scenario text. Throws ScenarioError naming the line of each problem.
 * @example const scenario = await parseScenario(await readFile('fixtures/scenarios/token-expiry.yaml', 'utf8'), 'token-expiry.yaml');
 */
export async function parseScenario(text: string, source = 'scenario'): Promise<Scenario> {
  // Loaded on first use, so a browser bundle that never reads scenario text does not carry a YAML parser.
  const { LineCounter, parseDocument } = await import('yaml');
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.slice(0, MAX_PROBLEMS).map((error) => {
      const position = lines.linePos(error.pos[0]);
      return { line: position.line, column: position.col, path: '', message: error.message.split('\n')[0] as string };
    });
    throw new ScenarioError(source, problems);
  }
  const value = document.toJS({ maxAliasCount: 100 }) as unknown;
  const problems = problemsOf(value);
  if (problems.length > 0)
    throw new ScenarioError(
      source,
      problems.map((problem) => ({ ...locate(document, lines, problem.path), ...problem })),
    );
  return value as Scenario;
}

/**
 * Checks a scenario given as a value (a JSON body, or an object in code). Throws ScenarioError.
 * @example checkScenario({ steps: [{ at: '10m', emit: { api: 'smile', type: 'ACCOUNT_CONNECTED' } }] })
 */
export function checkScenario(value: unknown, source = 'scenario'): Scenario {
  const problems = problemsOf(value);
  if (problems.length > 0) throw new ScenarioError(source, problems);
  return value as Scenario;
}

/** The offset of a step in milliseconds (the schema has checked its form). */
export function offsetOf(step: ScenarioStep): number {
  return parseDuration(step.at);
}

/** Schema problems first; when there are none, the aliases: each `$name` must be saved by a step that runs earlier. */
function problemsOf(value: unknown): ScenarioProblem[] {
  if (!validateScenario(value)) return (validateScenario.errors ?? []).slice(0, MAX_PROBLEMS).map(schemaProblem);
  const scenario = value as Scenario;
  const problems: ScenarioProblem[] = [];
  const known = new Set<string>();
  for (const { step, index } of runOrder(scenario)) {
    const action = actionOf(step);
    for (const [pointer, name] of aliasUses(action.args, `/steps/${index}/${action.name}`)) {
      if (!known.has(name)) problems.push({ path: pointer, message: `uses $${name}, which no earlier step saves with \`as: ${name}\`` });
    }
    const alias = 'as' in action.args ? action.args.as : undefined;
    if (alias !== undefined) known.add(alias);
  }
  return problems;
}

/** Steps in the order they run: by offset, and in file order for the same offset. */
export function runOrder(scenario: Scenario): { step: ScenarioStep; index: number }[] {
  return scenario.steps.map((step, index) => ({ step, index })).sort((a, b) => offsetOf(a.step) - offsetOf(b.step) || a.index - b.index);
}

/** The one action of a step (the schema guarantees exactly one). */
export function actionOf(step: ScenarioStep): StepAction {
  const name = STEP_ACTIONS.find((action) => step[action] !== undefined) as ActionName;
  return { name, args: step[name] } as StepAction;
}

function* aliasUses(value: unknown, pointer: string): Generator<[string, string]> {
  if (typeof value === 'string' && value.startsWith('$')) yield [pointer, value.slice(1)];
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* aliasUses(item, `${pointer}/${key}`);
  }
}

function schemaProblem(error: SchemaError): ScenarioProblem {
  const params = error.params;
  if (error.keyword === 'minProperties' || error.keyword === 'maxProperties') {
    if (/^\/steps\/\d+$/.test(error.instancePath))
      return { path: error.instancePath, message: `needs \`at\` and exactly one action: ${STEP_ACTIONS.join(', ')}` };
  }
  if (error.keyword === 'required') return { path: error.instancePath, message: `needs \`${String(params.missingProperty)}\`` };
  if (error.keyword === 'additionalProperties')
    return { path: `${error.instancePath}/${String(params.additionalProperty)}`, message: 'is not a field this accepts' };
  if (error.keyword === 'pattern' && error.instancePath.endsWith('/at'))
    return { path: error.instancePath, message: 'must be an offset such as 90s, 15m, 5h or 1h30m, or milliseconds' };
  if (error.keyword === 'pattern' && error.instancePath.endsWith('/as'))
    return { path: error.instancePath, message: 'must be a name of letters, digits and _, not starting with a digit' };
  if (error.keyword === 'enum') return { path: error.instancePath, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
  return { path: error.instancePath, message: error.message ?? error.keyword };
}

/** The line and column of the node a pointer names, or of its nearest ancestor that exists. */
function locate(document: Document, lines: LineCounter, pointer: string): { line?: number; column?: number } {
  const segments = pointer.split('/').slice(1);
  for (let length = segments.length; length >= 0; length--) {
    const path = segments.slice(0, length).map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
    const node = document.getIn(path, true) as YamlNode | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) {
      const position = lines.linePos(offset);
      return { line: position.line, column: position.col };
    }
  }
  return {};
}
