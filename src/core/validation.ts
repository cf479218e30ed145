/** Request and response validation against the precompiled spec validators, as a list of violations. */
import { type ErrorDetail, MockError, type MockErrorKind } from './errors.js';
import type { OperationSpec, SchemaError, Validator } from './operation.js';

/** One way a request or response breaks the spec. `pointer` is a JSON Pointer inside `location`. */
export interface Violation {
  location: 'body' | 'query' | 'path' | 'header' | 'response' | 'event';
  pointer: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

/** Runs a validator and turns its errors into violations located in `location`. */
export function check(validate: Validator, data: unknown, location: Violation['location']): Violation[] {
  if (validate(data)) return [];
  // ajv adds a summary `propertyNames` error beside the specific one about the key: keep the specific one.
  return (validate.errors ?? []).filter((error) => error.keyword !== 'propertyNames').map((error) => toViolation(error, location));
}

function toViolation(error: SchemaError, location: Violation['location']): Violation {
  const missing = error.keyword === 'required' ? String(error.params.missingProperty) : undefined;
  const pointer = missing === undefined ? error.instancePath : `${error.instancePath}/${missing}`;
  let message = missing === undefined ? (error.message ?? error.keyword) : 'is required';
  if (error.propertyName !== undefined) message = `key ${JSON.stringify(error.propertyName)} ${error.keyword === 'not' ? 'is not allowed' : message}`;
  return { location, pointer, keyword: error.keyword, message, params: error.params };
}

/** A violation as one readable line that names the field: `body/uid must NOT have fewer than 1 characters`. */
export function describe(violation: Violation): string {
  return `${violation.location}${violation.pointer} ${violation.message}`;
}

/** A value outside an enum is told the values it may take (`api` of a fault rule: wukongim, smile). */
export function namingAllowed(violation: Violation): Violation {
  const allowed = violation.params.allowedValues;
  if (violation.keyword !== 'enum' || !Array.isArray(allowed)) return violation;
  return { ...violation, message: `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}` };
}

/** Each violation as an error detail: a JSON Pointer that starts with its location (`/body/uid`). */
export function detailsOf(violations: Violation[]): ErrorDetail[] {
  return violations.map((v) => ({ path: `/${v.location}${v.pointer}`, message: v.message }));
}

/**
 * A value's schema violations as error details whose paths point into the value, for input that is
 * not a request (the parts of a snapshot).
 * @example schemaErrors(schemas.RandomState, null) // [{ path: '', message: 'must be array' }]
 */
export function schemaErrors(validate: Validator, value: unknown): ErrorDetail[] {
  return check(validate, value, 'body').map(({ pointer, message }) => ({ path: pointer, message }));
}

/**
 * An error for each item whose key an earlier item already has: ids must be unique, or a restored
 * store would keep one item under two places, or lose one.
 * @example duplicateErrors(users, (user) => user.id, (i) => `/users/${i}/id`, 'user')
 */
export function duplicateErrors<T>(items: readonly T[], keyOf: (item: T) => string | number, pathOf: (index: number) => string, what: string): ErrorDetail[] {
  const seen = new Set<string | number>();
  const errors: ErrorDetail[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (seen.has(key)) errors.push({ path: pathOf(index), message: `is the same as an earlier ${what}'s` });
    seen.add(key);
  });
  return errors;
}

/**
 * The domain error for a value that breaks its schema, naming every field; the errors' paths point
 * into the input the value came from, where the value sits at `at`.
 * @example throw rejection('invalid-event', 'the event breaks the spec', check(validate, event, 'event'))
 */
export function rejection(kind: MockErrorKind, lead: string, violations: Violation[], at = ''): MockError {
  const errors = violations.map((v) => ({ path: at + v.pointer, message: v.message }));
  return new MockError(kind, `${lead}: ${violations.map(describe).join('; ')}`, { errors });
}

/**
 * Collects query and path parameters, coerced to the primitive type their schema names, so that the
 * validator judges `size=abc` as a wrong type and `size=10` as the integer 10.
 */
export function collectParams(operation: OperationSpec, query: URLSearchParams, path: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const parameter of operation.parameters) {
    const raw = parameter.in === 'path' ? path[parameter.name] : parameter.in === 'query' ? query.get(parameter.name) : null;
    if (raw === null || raw === undefined) continue;
    out[parameter.name] = coerce(raw, parameter.type);
  }
  return out;
}

function coerce(raw: string, type: string): unknown {
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/** Which parameter location a violation of the combined parameter object belongs to. */
export function locateParams(operation: OperationSpec, violations: Violation[]): Violation[] {
  return violations.map((violation) => {
    const name = violation.pointer.split('/')[1] ?? '';
    const parameter = operation.parameters.find((p) => p.name === name);
    return { ...violation, location: parameter?.in === 'path' ? 'path' : 'query' };
  });
}
