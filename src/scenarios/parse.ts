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
 * Limits that keep reading a scenario cheap whatever it holds. The YAML reader recurses and takes
 * about 1.3 s a megabyte, so text is capped in size and nesting before it runs; the checks after it
 * walk values iteratively.
 */
export const SCENARIO_LIMITS = {
  /** Characters of scenario text: 10,000 steps of a typical size fit, and it reads in about 0.3 s. */
  textLength: 512 * 1024,
  /** Nesting of collections, in text and in values: a scenario needs about 8 levels, event data more. */
  depth: 64,
  /** Aliases (`*name`) in YAML text. */
  aliases: 100,
} as const;

/**
 * Parses and checks scenario text. Throws ScenarioError naming the line of each problem.
 * @example const scenario = await parseScenario(await readFile('fixtures/scenarios/token-expiry.yaml', 'utf8'), 'token-expiry.yaml');
 */
export async function parseScenario(text: string, source = 'scenario'): Promise<Scenario> {
  if (text.length > SCENARIO_LIMITS.textLength)
    throw new ScenarioError(source, [{ path: '', message: `is ${text.length} characters long: at most ${SCENARIO_LIMITS.textLength} are read` }]);
  const tooDeep = nestingProblem(text);
  if (tooDeep) throw new ScenarioError(source, [tooDeep]);
  // Loaded on first use, so a browser bundle that never reads scenario text does not carry a YAML parser.
  const { LineCounter, parseDocument } = await import('yaml');
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const position = lines.linePos(offset);
    return { line: position.line, column: position.col };
  };
  if (document.errors.length > 0) {
    const problems = document.errors
      .slice(0, MAX_PROBLEMS)
      .map((error) => ({ ...at(error.pos[0]), path: '', message: error.message.split('\n')[0] as string }));
    throw new ScenarioError(source, problems);
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: SCENARIO_LIMITS.aliases });
  } catch (error) {
    // An alias that names no anchor, or more aliases than the limit: the reader says which.
    throw new ScenarioError(source, [{ path: '', message: (error as Error).message }]);
  }
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

/**
 * Nesting first (so nothing after it recurses far), then the schema, then the aliases: each `$name`
 * must be saved by a step that runs earlier.
 */
function problemsOf(value: unknown): ScenarioProblem[] {
  const deepest = deepestPath(value, SCENARIO_LIMITS.depth);
  if (deepest !== undefined) return [{ path: deepest, message: `nests deeper than ${SCENARIO_LIMITS.depth} levels` }];
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

/** The JSON Pointer of the first value nested deeper than `limit`, found without recursion; undefined when none is. */
function deepestPath(root: unknown, limit: number): string | undefined {
  const stack: [unknown, string, number][] = [[root, '', 0]];
  while (stack.length > 0) {
    const [value, pointer, depth] = stack.pop() as [unknown, string, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limit) return pointer;
    for (const [key, item] of Object.entries(value)) stack.push([item, `${pointer}/${key}`, depth + 1]);
  }
  return undefined;
}

/**
 * Where scenario text nests deeper than the limit, found by a scan of the text before any parser
 * runs: flow brackets outside quotes and comments, and block indentation (one level needs at least
 * one column) or compact `- - -` sequences. Undefined when it does not.
 */
function nestingProblem(text: string): ScenarioProblem | undefined {
  const limit = SCENARIO_LIMITS.depth;
  const tooDeep = (line: number, column: number) => ({ line, column, path: '', message: `nests deeper than ${limit} levels` });
  let depth = 0;
  let quote = '';
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\n') {
      line += 1;
      lineStart = i + 1;
      atLineStart = true;
      if (quote === '') continue;
    }
    if (quote !== '') {
      if (char === '\\' && quote === '"') i += 1;
      else if (char === quote) quote = '';
      continue;
    }
    if (atLineStart) {
      if (char === ' ' || char === '-' || char === '?') {
        // Block nesting: indentation and compact sequence markers both count a column a level at least.
        if ((i - lineStart) / 2 > limit * 2) return tooDeep(line, i - lineStart + 1);
        continue;
      }
      atLineStart = false;
    }
    if (char === '#' && (i === lineStart || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > limit) return tooDeep(line, i - lineStart + 1);
    } else if ((char === ']' || char === '}') && depth > 0) depth -= 1;
  }
  return undefined;
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
