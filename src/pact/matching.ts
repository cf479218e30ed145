/**
 * Pact matching rules from a schema: the answer's recorded body walked beside its shape, a small
 * function per kind of value (arrays by `items` and `minItems`, objects by `properties` and
 * `additionalProperties`, strings by `enum`, `format` and `pattern`), so a provider passes when its answer has the shape the spec gives, whatever
 * its ids, tokens and timestamps. Arrays keep their first item as the example every item is matched
 * against; credentials in bodies become placeholders of their form.
 */
import { REDACTED } from '../core/credentials.js';
import type { Shape } from '../core/shape.js';

/** One Pact matcher (`{ match: 'type' }`, `{ match: 'regex', regex }` …). */
export type Matcher = Record<string, unknown> & { match: string };
/** The matchers at one path. */
export interface MatcherList {
  combine: 'AND' | 'OR';
  matchers: Matcher[];
}
/** Matchers by path: `$.data.id`, `$.data.items[*].id`. */
export type Rules = Record<string, MatcherList>;

export const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** A JWT: three base64url parts. */
export const JWT = '^[\\w-]+\\.[\\w-]+\\.[\\w-]+$';
/** What a link token becomes in a pact: a JWT by its form, signed by no one. */
export const PLACEHOLDER_JWT = 'eyJhbGciOiJub25lIn0.eyJyZWRhY3RlZCI6dHJ1ZX0.UkVEQUNURUQ';
/** Fields whose values are secrets, in any body: a pact keeps only their form. */
const SECRET_FIELDS = new Set(['accessToken', 'secret', 'token']);

/**
 * The example body a pact keeps (arrays cut to their first item, secrets replaced) and the matching
 * rules its shape gives.
 * @example answerRules(userShape, { id: 'tenant-…', createdAt: '2026-…' }).rules['$.createdAt'] // { combine: 'AND', matchers: [{ match: 'regex', regex: DATE_TIME }] }
 */
export function answerRules(shape: Shape, value: unknown): { example: unknown; rules: Rules } {
  const rules: Rules = {};
  const example = walk(shape, value, '$', rules, undefined);
  return { example, rules };
}

function walk(shape: Shape, value: unknown, path: string, rules: Rules, field: string | undefined): unknown {
  const effective = narrowed(shape, value);
  // A constant, or a number one of an enum, is matched as it is: by equality, Pact's default.
  if (effective.const !== undefined || (effective.enum && typeof value !== 'string')) return value;
  if (value === null) {
    if (allowsNull(effective)) rules[path] = { combine: 'AND', matchers: [{ match: 'null' }] };
    return null;
  }
  if (Array.isArray(value)) return walkArray(effective, value, path, rules);
  if (typeof value === 'object') return walkObject(effective, value as Record<string, unknown>, path, rules);
  if (typeof value === 'string') return walkString(effective, value, path, rules, field);
  if (typeof value === 'number') {
    rules[path] = one(Number.isInteger(value) && typesOf(effective).includes('integer') ? { match: 'integer' } : { match: 'number' });
    return value;
  }
  rules[path] = one({ match: 'type' });
  return value;
}

function walkArray(shape: Shape, value: unknown[], path: string, rules: Rules): unknown[] {
  rules[path] = one({ match: 'type', min: shape.minItems ?? 0 });
  if (value.length === 0) return [];
  // Pact matches every item against the first example item: one is all a pact needs, and keeps it small.
  return [walk(shape.items ?? shape.prefixItems?.[0] ?? {}, value[0], `${path}[*]`, rules, undefined)];
}

function walkObject(shape: Shape, value: Record<string, unknown>, path: string, rules: Rules): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const extra = typeof shape.additionalProperties === 'object' ? shape.additionalProperties : undefined;
  if (extra && !shape.properties) return walkMap(extra, value, path, rules);
  for (const [key, item] of Object.entries(value)) {
    const property = shape.properties?.[key] ?? extra ?? {};
    out[key] = walk(property, item, childPath(path, key), rules, key);
  }
  return out;
}

/** A map (`additionalProperties` and no named fields): its keys are data, so only its values' shape is matched. */
function walkMap(values: Shape, value: Record<string, unknown>, path: string, rules: Rules): Record<string, unknown> {
  rules[path] = one({ match: 'values' });
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const itemRules: Rules = {};
    out[key] = walk(values, item, `${path}.*`, itemRules, key);
    Object.assign(rules, itemRules);
  }
  return out;
}

function walkString(shape: Shape, value: string, path: string, rules: Rules, field: string | undefined): string {
  if (shape.enum) {
    rules[path] = one({ match: 'regex', regex: `^(${shape.enum.map((item) => escapeRegex(String(item))).join('|')})$` });
    return value;
  }
  const secret = field !== undefined && SECRET_FIELDS.has(field);
  const jwt = new RegExp(JWT).test(value) || (secret && value === REDACTED && field === 'accessToken');
  if (jwt) {
    rules[path] = one({ match: 'regex', regex: JWT });
    return secret ? PLACEHOLDER_JWT : value;
  }
  const regex = formatRegex(shape.format) ?? shape.pattern;
  rules[path] = one(regex === undefined ? { match: 'type' } : { match: 'regex', regex });
  return secret ? REDACTED : value;
}

function formatRegex(format: string | undefined): string | undefined {
  if (format === 'date-time') return DATE_TIME;
  if (format === 'date') return DATE;
  if (format === 'uuid') return UUID;
  return undefined;
}

/**
 * The one shape a value has: `allOf` merged, and of `oneOf` and `anyOf` the first branch the value
 * fits by its type, its required fields and its constants.
 */
function narrowed(shape: Shape, value: unknown): Shape {
  let merged: Shape = shape;
  if (shape.allOf) merged = shape.allOf.map((part) => narrowed(part, value)).reduce(merge, withoutCombinators(shape));
  const branches = merged.oneOf ?? merged.anyOf;
  if (branches) {
    const branch = branches.find((candidate) => fits(narrowed(candidate, value), value)) ?? branches[0] ?? {};
    merged = merge(withoutCombinators(merged), narrowed(branch, value));
  }
  return merged;
}

function merge(a: Shape, b: Shape): Shape {
  return {
    ...a,
    ...b,
    properties: { ...a.properties, ...b.properties },
    required: [...(a.required ?? []), ...(b.required ?? [])],
  };
}

function withoutCombinators(shape: Shape): Shape {
  const { allOf: _allOf, oneOf: _oneOf, anyOf: _anyOf, ...rest } = shape;
  return rest;
}

function fits(shape: Shape, value: unknown): boolean {
  if (shape.const !== undefined) return shape.const === value;
  if (shape.enum) return shape.enum.includes(value);
  const types = typesOf(shape);
  if (types.length > 0 && !types.includes(jsonType(value)) && !(types.includes('number') && jsonType(value) === 'integer')) return false;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return (shape.required ?? []).every((key) => Object.hasOwn(value, key));
  return true;
}

function allowsNull(shape: Shape): boolean {
  return typesOf(shape).includes('null') || shape.const === null;
}

function typesOf(shape: Shape): string[] {
  return shape.type === undefined ? [] : Array.isArray(shape.type) ? shape.type : [shape.type];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const one = (matcher: Matcher): MatcherList => ({ combine: 'AND', matchers: [matcher] });

/**
 * A JSONPath step: `.name`, or `['na.me']` for a key that is not a plain identifier.
 * @example childPath('$', 'data') // '$.data'
 */
export function childPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replaceAll("'", "\\'")}']`;
}

/** A literal as a regex that matches only it. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
