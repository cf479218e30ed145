/**
 * Fault injection: rules that add latency, answer an error status in the API's own shape, or drop
 * the connection, for some operations or paths, with a seeded probability and an optional count.
 * They let a front-end team exercise its retry and timeout paths.
 */
import type { components } from '../generated/admin.types.js';
import { parseDuration } from './duration.js';
import { MockError } from './errors.js';
import { type FaultApi, type FaultRule, type KnownOperations, ruleProblem } from './fault-rule.js';
import { heldArray, oldestFirst, type Slice } from './page.js';
import { createRandom } from './random.js';

/** A rule in force, with its counters: `applied` so far, and `remaining` (null for no limit). */
export type ActiveFault = components['schemas']['ActiveFault'];

/** What a request gets. */
export interface FaultEffect {
  id: string;
  latencyMs: number;
  status?: number;
  drop: boolean;
}

export type { FaultRule, KnownOperation, KnownOperations } from './fault-rule.js';

/** What a rule is matched against. */
export interface FaultTarget {
  api: FaultApi;
  method: string;
  path: string;
  operationId: string | undefined;
}

export interface Faults {
  readonly size: number;
  /** Adds a rule; throws a MockError of kind `invalid-fault` naming what is wrong with it. */
  add(rule: FaultRule): ActiveFault;
  /** Replaces every rule; throws as `check` does, and then changes nothing. */
  set(rules: FaultRule[]): ActiveFault[];
  /**
   * Throws a MockError of kind `invalid-fault` when a rule could never be used: no effect, a status
   * out of range, an `api` that is not mocked, an `operationId` no spec has (its detail lists the
   * known ids), an id that cannot travel in a header, a method or path that no operation of the API
   * serves. Its `errors` point into the list (`/0/operationId`).
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
 * @example const faults = createFaults(1, { wukongim: [], smile: [{ id: 'createToken', method: 'POST', path: '/v1/tokens' }] }); faults.add({ operationId: 'createToken', status: 503, times: 2 });
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
