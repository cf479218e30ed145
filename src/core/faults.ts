/**
 * Fault injection: rules that add latency, answer an error status in the API's own shape, or drop
 * the connection, for some operations or paths, with a seeded probability and an optional count.
 * They let a front-end team exercise its retry and timeout paths.
 */
import type { components } from '../generated/admin.types.js';
import type { ApiName } from './api.js';
import { parseDuration } from './duration.js';
import { type ErrorDetail, MockError } from './errors.js';
import { heldArray, oldestFirst, type Slice } from './page.js';
import { createRandom } from './random.js';

/**
 * A rule as it is given (the control API's `FaultRule`). Every matcher is optional; at least one
 * effect is required. `latency` is one duration or `[min, max]` for a seeded pick between them.
 */
export type FaultRule = components['schemas']['FaultRule'];

/** A rule in force, with its counters: `applied` so far, and `remaining` (null for no limit). */
export type ActiveFault = components['schemas']['ActiveFault'];

/** What a request gets. */
export interface FaultEffect {
  id: string;
  latencyMs: number;
  status?: number;
  drop: boolean;
}

/** What a rule is matched against. */
export interface FaultTarget {
  api: Exclude<ApiName, 'admin'>;
  method: string;
  path: string;
  operationId: string | undefined;
}

/** The operationIds each mocked API serves: the only ones a rule may name. */
export type KnownOperations = Readonly<Record<FaultTarget['api'], readonly string[]>>;

export interface Faults {
  readonly size: number;
  /** Adds a rule; throws a MockError of kind `invalid-fault` naming what is wrong with it. */
  add(rule: FaultRule): ActiveFault;
  /** Replaces every rule; throws as `check` does, and then changes nothing. */
  set(rules: FaultRule[]): ActiveFault[];
  /**
   * Throws a MockError of kind `invalid-fault` when a rule could never be used: no effect, a status
   * out of range, an `api` that is not mocked, an `operationId` no spec has (its detail lists the
   * known ids). Its `errors` point into the list (`/0/operationId`).
   */
  check(rules: readonly FaultRule[]): void;
  remove(id: string): boolean;
  clear(): void;
  list(): ActiveFault[];
  /**
   * A page of the rules in the order they are tried, after the rule numbered `from`. Rules are
   * numbered as they are added and a new rule goes last, so a page goes on after a removed anchor.
   */
  page(from: number | undefined, limit: number): Slice<ActiveFault, number>;
  /** The effect of the first rule that matches and fires, counting it; undefined when none does. */
  pick(target: FaultTarget): FaultEffect | undefined;
}

/**
 * Creates an empty rule set drawing its probabilities and latencies from `seed`; rules may name the
 * APIs and operations in `known`.
 * @example const faults = createFaults(1, { wukongim: ['updateToken'], smile: ['createToken'] }); faults.add({ operationId: 'createToken', status: 503, times: 2 });
 */
export function createFaults(seed: number, known: KnownOperations): Faults {
  const random = createRandom(seed ^ 0xfa017);
  let rules: ActiveFault[] = [];
  let counter = 0;
  // Never reset, not even by clear(): a cursor taken before a clear must not skip the rules added after it.
  const numbers = new WeakMap<ActiveFault, number>();
  let numbered = 0;

  const check = (list: readonly FaultRule[], at = (index: number) => `/${index}`) => {
    list.forEach((rule, index) => {
      const problem = ruleProblem(rule, known);
      if (problem) throw new MockError('invalid-fault', problem.message, { errors: [{ ...problem, path: at(index) + problem.path }] });
    });
  };

  const add = (rule: FaultRule): ActiveFault => {
    check([rule], () => '');
    counter += 1;
    const active: ActiveFault = { ...rule, id: rule.id ?? `fault-${counter}`, applied: 0, remaining: rule.times ?? null };
    rules = [...rules.filter((existing) => existing.id !== active.id), active];
    numbered += 1;
    numbers.set(active, numbered);
    return active;
  };

  return {
    get size() {
      return rules.length;
    },
    add,
    check,
    set(next) {
      check(next);
      rules = [];
      return next.map(add);
    },
    remove(id) {
      const before = rules.length;
      rules = rules.filter((rule) => rule.id !== id);
      return rules.length < before;
    },
    clear() {
      rules = [];
      counter = 0;
      random.reset();
    },
    list: () => rules.map((rule) => ({ ...rule })),
    page(from, limit) {
      const { items, next } = oldestFirst(heldArray(rules), (rule) => numbers.get(rule) ?? 0, { from, limit });
      return { items: items.map((rule) => ({ ...rule })), next, total: rules.length };
    },
    pick(target) {
      for (const rule of rules) {
        if (!matches(rule, target)) continue;
        if (rule.probability !== undefined && random.next() >= rule.probability) continue;
        rule.applied += 1;
        if (rule.remaining !== null) {
          rule.remaining -= 1;
          if (rule.remaining === 0) rules = rules.filter((other) => other !== rule);
        }
        return { id: rule.id, latencyMs: latencyOf(rule, random), status: rule.status, drop: rule.drop === true };
      }
      return undefined;
    },
  };
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.api !== undefined && rule.api !== target.api) return false;
  if (rule.operationId !== undefined && rule.operationId !== target.operationId) return false;
  if (rule.method !== undefined && rule.method.toUpperCase() !== target.method) return false;
  if (rule.path !== undefined) return rule.path.endsWith('*') ? target.path.startsWith(rule.path.slice(0, -1)) : rule.path === target.path;
  return true;
}

function latencyOf(rule: FaultRule, random: { next(): number }): number {
  if (rule.latency === undefined) return 0;
  if (!Array.isArray(rule.latency)) return parseDuration(rule.latency);
  const [min, max] = rule.latency.map(parseDuration) as [number, number];
  return Math.round(min + random.next() * (max - min));
}

/** Why a rule cannot be used, pointing into the rule, or undefined. The control API's schema checks shapes; this checks sense. */
function ruleProblem(rule: FaultRule, known: KnownOperations): ErrorDetail | undefined {
  const at = (path: string, message: string) => ({ path, message });
  const apis = Object.keys(known) as FaultTarget['api'][];
  // A rule that names what no spec has would be accepted and never match.
  if (rule.api !== undefined && !apis.includes(rule.api)) return at('/api', `api "${rule.api}" is not a mocked API: the known ones are ${apis.join(', ')}`);
  const operationId = rule.operationId;
  if (operationId !== undefined) {
    const scope = rule.api === undefined ? apis : [rule.api];
    if (!scope.some((api) => known[api].includes(operationId))) {
      const ids = scope.map((api) => `${api}: ${known[api].join(', ')}`).join('; ');
      return at('/operationId', `operationId "${operationId}" is not an operation of ${rule.api ?? 'any mocked API'}: the known ids are ${ids}`);
    }
  }
  if (rule.latency === undefined && rule.status === undefined && !rule.drop) return at('', 'a fault needs an effect: latency, status or drop');
  if (rule.status !== undefined && rule.drop) return at('/drop', 'a fault either answers a status or drops the connection, not both');
  if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 400 || rule.status > 599))
    return at('/status', 'status must be an integer from 400 to 599');
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) return at('/probability', 'probability must be from 0 to 1');
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) return at('/times', 'times must be an integer of at least 1');
  if (rule.latency === undefined) return undefined;
  if (Array.isArray(rule.latency) && rule.latency.length !== 2) return at('/latency', 'latency is one duration, or [min, max]');
  try {
    const [min, max] = (Array.isArray(rule.latency) ? rule.latency : [rule.latency, rule.latency]).map(parseDuration) as [number, number];
    if (min > max) return at('/latency', 'latency [min, max] must have min ≤ max');
    if (max > 600_000) return at('/latency', 'latency must be at most 10m');
  } catch (error) {
    return at('/latency', (error as Error).message);
  }
  return undefined;
}
