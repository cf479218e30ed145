/**
 * Whether a fault rule makes sense for the APIs it may touch: the control API's schema checks its
 * shape, this checks that it could ever apply and that its effects can be sent (its id travels in
 * the `x-token-mock-fault` header of every answer it shapes).
 */
import type { components } from '../generated/admin.types.js';
import type { ApiName } from './api.js';
import { parseDuration } from './duration.js';
import type { ErrorDetail } from './errors.js';

/**
 * A rule as it is given (the control API's `FaultRule`). Every matcher is optional; at least one
 * effect is required. `latency` is one duration or `[min, max]` for a seeded pick between them.
 */
export type FaultRule = components['schemas']['FaultRule'];

/** An API a fault may touch. */
export type FaultApi = Exclude<ApiName, 'admin'>;

/** One operation a rule may reach: its id, method and full path template (`/v1/users/{id}`). */
export interface KnownOperation {
  id: string;
  method: string;
  path: string;
}

/** The operations each mocked API serves: the only ones a rule may name or reach. */
export type KnownOperations = Readonly<Record<FaultApi, readonly KnownOperation[]>>;

/** A value a header can carry as it is: visible ASCII (RFC 9110 §5.5 field-vchar, without obs-text). */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** HEAD is answered wherever GET is (`router.ts`); OPTIONS is every path's preflight. */
const answersOn = (operation: KnownOperation, method: string) =>
  method === operation.method || (method === 'HEAD' && operation.method === 'GET') || method === 'OPTIONS';

/** Whether `path` (exact, or a prefix ending in `*`) can name a request to the path template. */
function reaches(path: string, template: string): boolean {
  const prefix = path.endsWith('*');
  const given = (prefix ? path.slice(0, -1) : path).split('/');
  const wanted = template.split('/');
  if (given.length > wanted.length || (!prefix && given.length !== wanted.length)) return false;
  return given.every((segment, index) => {
    const template = wanted[index] as string;
    const isParam = template.startsWith('{');
    const last = index === given.length - 1;
    if (prefix && last) return isParam || template.startsWith(segment);
    return isParam ? segment !== '' : segment === template;
  });
}

/**
 * Why a rule cannot be used, pointing into the rule, or undefined.
 * @example ruleProblem({ method: 'BREW', status: 503 }, known) // { path: '/method', message: '…' }
 */
export function ruleProblem(rule: FaultRule, known: KnownOperations): ErrorDetail | undefined {
  const at = (path: string, message: string) => ({ path, message });
  const apis = Object.keys(known) as FaultApi[];
  if (rule.id !== undefined && !HEADER_SAFE.test(rule.id))
    return at('/id', `id "${rule.id}" cannot travel in the x-token-mock-fault header: use visible ASCII characters, without spaces`);
  // A rule that names what no spec has would be accepted and never match.
  if (rule.api !== undefined && !apis.includes(rule.api)) return at('/api', `api "${rule.api}" is not a mocked API: the known ones are ${apis.join(', ')}`);
  const scope = rule.api === undefined ? apis : [rule.api];
  const where = rule.api ?? 'any mocked API';
  const operationId = rule.operationId;
  if (operationId !== undefined && !scope.some((api) => known[api].some((operation) => operation.id === operationId))) {
    const ids = scope.map((api) => `${api}: ${known[api].map((operation) => operation.id).join(', ')}`).join('; ');
    return at('/operationId', `operationId "${operationId}" is not an operation of ${where}: the known ids are ${ids}`);
  }
  const candidates = scope.flatMap((api) => known[api]).filter((operation) => operationId === undefined || operation.id === operationId);
  const method = rule.method?.toUpperCase();
  if (method !== undefined && !candidates.some((operation) => answersOn(operation, method))) {
    const methods = [...new Set(candidates.map((operation) => operation.method))].join(', ');
    return at('/method', `method "${rule.method}" is not served by ${operationId ?? where}: the methods it serves are ${methods}, with HEAD and OPTIONS`);
  }
  const path = rule.path;
  if (path !== undefined && !candidates.some((operation) => reaches(path, operation.path) && (method === undefined || answersOn(operation, method)))) {
    const paths = [...new Set(candidates.map((operation) => operation.path))].join(', ');
    return at('/path', `path "${path}" reaches no operation of ${operationId ?? where}${method ? ` on ${method}` : ''}: its paths are ${paths}`);
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

/**
 * The operations of an API as rules see them, their paths under its base path.
 * @example knownOperations(smile.api) // [{ id: 'listUsers', method: 'GET', path: '/v1/users' }, …]
 */
export function knownOperations(api: { basePath: string; operations: Record<string, KnownOperation> }): KnownOperation[] {
  return Object.values(api.operations).map(({ id, method, path }) => ({ id, method: method.toUpperCase(), path: api.basePath + path }));
}
