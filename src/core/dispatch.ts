/** The request pipeline shared by every API: route, read and validate, handle, check the answer, journal. */

import type { Api, ApiName, ErrorCatalogue } from './api.js';
import type { ChangeFeed } from './changes.js';
import type { Clock } from './clock.js';
import { isMockError, messageOf } from './errors.js';
import type { Faults } from './faults.js';
import { type Journal, type ReportedViolation, reported } from './journal.js';
import type { OperationSpec } from './operation.js';
import { bodyValue, JsonText, type Reply, toWire, type WireReply } from './reply.js';
import { BodyTooLargeError, type RequestLike, readBody } from './request.js';
import { createRouter, type RouteMatch, type Router } from './router.js';
import { slashRedirect } from './trailing-slash.js';
import { check, collectParams, describe, locateParams, type Violation } from './validation.js';
import { fitViolations } from './violation-list.js';

/** What the dispatcher was doing when something failed unexpectedly. */
export interface FailureContext {
  api: ApiName;
  method: string;
  path: string;
  operationId: string | null;
}

/** What persistence was doing when it failed: restoring the saved state at creation, or saving it; `store` names where it is kept. */
export interface PersistenceContext {
  persistence: 'restore' | 'save';
  store: string;
}

/** Told of every failure that is not a domain error (a bug in a handler, or in the mock), and of every saved state that could not be restored or saved. */
export type ErrorListener = (error: unknown, context: FailureContext | PersistenceContext) => void;

/** What the dispatcher needs from the mock instance. */
export interface DispatchContext {
  clock: Clock;
  journal: Journal;
  strict: boolean;
  maxBodyBytes: number;
  faults: Faults;
  onError?: ErrorListener;
  /** Told of every journaled request that may have changed something, and of the API whose state it changed. */
  changes?: ChangeFeed;
}

interface Mounted {
  api: Api;
  router: Router;
}

/** Which API a call may reach, and what to do with a path no API serves. */
export interface DispatchOptions {
  /** Limits the call to one API (plus the admin API), as on a per-API port. */
  api?: ApiName;
  /** Answer undefined for a path no API serves, instead of the API's 404: adapters hand such paths on. */
  passUnowned?: boolean;
}

/** A dispatcher over a set of APIs, each at its own base path. */
export interface Dispatcher {
  /** Answers a request; undefined only with `passUnowned`, for a path the mock does not serve. */
  dispatch(request: RequestLike, options?: DispatchOptions): Promise<WireReply | undefined>;
  /** The API that answers a path (a pathname, or a path with its query), within `scope` when given. */
  owner(path: string, scope?: ApiName): ApiName;
  /** Checks an exchange the mock did not answer (a proxied one) against the operation its path names, without answering it. */
  inspect(exchange: ForeignExchange, scope?: ApiName): Inspection;
  /** An API's error catalogue, for answers in its shape made outside the pipeline (the proxy's 502 and 504). */
  errors(api: ApiName): ErrorCatalogue;
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/**
 * Creates the dispatcher. APIs with longer base paths are tried first, so `/__mock` and `/v1` win
 * over WuKongIM's root. Each request is routed once: the match decides whether the mock serves the
 * path, which fault applies, and which operation answers.
 * @example const { dispatch } = createDispatcher([wukongim, admin], context); await dispatch(request)
 */
export function createDispatcher(apis: Api[], context: DispatchContext): Dispatcher {
  const mounted: Mounted[] = apis
    .map((api) => ({ api, router: createRouter(Object.values(api.operations), api.basePath) }))
    .sort((a, b) => b.api.basePath.length - a.api.basePath.length);
  const byName = new Map(apis.map((api) => [api.name, api]));

  // The APIs each scope may reach, worked out once rather than on every request.
  const scoped = new Map<ApiName | undefined, Mounted[]>([[undefined, mounted]]);
  const select = (pathname: string, scope?: ApiName): Mounted => {
    let candidates = scoped.get(scope);
    if (!candidates) {
      candidates = mounted.filter(({ api }) => api.name === scope || api.name === 'admin');
      scoped.set(scope, candidates);
    }
    const found = candidates.find(({ api }) => underBase(pathname, api.basePath));
    return found ?? (candidates.find(({ api }) => api.name !== 'admin') as Mounted);
  };

  async function dispatch(request: RequestLike, options: DispatchOptions = {}): Promise<WireReply | undefined> {
    const started = performance.now();
    const time = context.clock.now();
    const url = new URL(request.url);
    const { api, router } = select(url.pathname, options.api);
    const match = router.match(request.method, url.pathname);
    // The admin API owns everything under its base; the others, the paths their specs name.
    if (options.passUnowned && match.kind === 'not-found' && api.name !== 'admin') return undefined;
    const operation = match.kind === 'operation' ? match.operation : undefined;
    const exchange: Exchange = { body: null, operation, violations: [] };
    const fault =
      context.faults.size > 0 && api.name !== 'admin'
        ? context.faults.pick({ api: api.name as Exclude<ApiName, 'admin'>, method: request.method, path: url.pathname, operationId: operation?.id })
        : undefined;
    let reply: Reply;
    let failure: string | null = null;
    try {
      if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
      if (request.malformed !== undefined) {
        reply = api.errors.badRequest(request.malformed);
      } else if (fault !== undefined && (fault.status !== undefined || fault.drop)) {
        // The request reached the server before it failed: its body is read and journaled like any other.
        await readRequestBody(api, request, operation, exchange);
        if (fault.drop) reply = { status: 0 };
        else {
          const injected = api.errors.injected(fault.status as number);
          reply = { ...injected, headers: { ...injected.headers, 'x-token-mock-fault': fault.id } };
        }
      } else {
        reply = slashRedirect(api, match, request.method, url) ?? api.guard?.(request) ?? (await route(api, match, request, url, exchange));
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) reply = api.errors.payloadTooLarge(error.limit);
      else if (isMockError(error)) reply = (byName.get(error.api ?? api.name) ?? api).errors.fromError(error);
      else {
        failure = messageOf(error);
        reply = api.errors.internalError('the mock failed to answer this request');
        context.onError?.(error, { api: api.name, method: request.method, path: url.pathname, operationId: operation?.id ?? null });
      }
    }
    const { violations } = exchange;
    if (violations.length > 0) reply = { ...reply, headers: { ...reply.headers, [VIOLATIONS_HEADER]: violationsHeader(violations) } };
    const wire: WireReply = fault?.drop
      ? { status: 0, headers: {}, body: null, drop: true }
      : toWire(reply, operation?.responses[String(reply.status)]?.mediaType);
    context.journal.record({
      time,
      api: api.name,
      operationId: operation?.id ?? null,
      method: request.method,
      path: url.pathname + url.search,
      status: wire.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      // The journal keeps a bounded part of each (journal-entry.ts).
      request: { headers: headersOf(request), body: exchange.body },
      response: { body: wire.body },
      fault: fault?.id ?? null,
      violations: violations.length === 0 ? NONE : violations.map(reported),
      error: failure,
    });
    if (context.changes && context.changes.subscribers > 0) published(context.changes, api.name, request.method, wire.status, operation?.id);
    return wire;
  }

  async function route(api: Api, match: RouteMatch, request: RequestLike, url: URL, exchange: Exchange): Promise<Reply> {
    if (match.kind === 'not-found') return api.errors.notFound(request.method, url.pathname);
    if (match.kind === 'method-not-allowed') {
      const reply = api.errors.methodNotAllowed(request.method, url.pathname, match.allowed);
      return { ...reply, headers: { ...reply.headers, allow: match.allowed.join(', ') } };
    }
    const { operation } = match;
    await readRequestBody(api, request, operation, exchange);
    const checked = checkRequest(api, operation, match.params, request.headers.get('content-type'), exchange.body ?? '', url, exchange.violations);
    if ('rejection' in checked) return checked.rejection;
    const { body, params } = checked;
    const handler = api.handlers[operation.id];
    if (!handler) return api.errors.internalError(`operation ${operation.id} has no handler`);
    const reply = await handler({ body, params, request, url });
    if (!context.strict) return reply;
    const broken = checkResponse(api, operation, reply);
    if (broken.length === 0) return reply;
    exchange.violations.push(...broken);
    return api.errors.internalError(`the mock's response to ${operation.id} broke the spec: ${broken.map(describe).join('; ')}`);
  }

  /** Reads the body of an operation that takes one, or of any request that announces one (for the journal). */
  async function readRequestBody(api: Api, request: RequestLike, operation: OperationSpec | undefined, exchange: Exchange): Promise<void> {
    if (operation?.body || (!BODYLESS.has(request.method) && hasBody(request))) {
      exchange.body = await readBody(request, api.maxBodyBytes ?? context.maxBodyBytes);
    }
  }

  const owner = (path: string, scope?: ApiName): ApiName => {
    const query = path.indexOf('?');
    return select(query < 0 ? path : path.slice(0, query), scope).api.name;
  };

  function inspect(exchange: ForeignExchange, scope?: ApiName): Inspection {
    const url = new URL(exchange.url);
    const { api, router } = select(url.pathname, scope);
    const match = router.match(exchange.method, url.pathname);
    const violations: Violation[] = [];
    if (match.kind !== 'operation') return { api: api.name, operation: undefined, violations };
    const { operation } = match;
    checkRequest(api, operation, match.params, exchange.headers.get('content-type'), exchange.body ?? '', url, violations);
    if (exchange.response) violations.push(...foreignAnswerViolations(api, operation, exchange.response));
    return { api: api.name, operation, violations };
  }

  const errors = (name: ApiName): ErrorCatalogue => (byName.get(name) as Api).errors;

  return { dispatch, owner, inspect, errors };
}

/**
 * Checks a request against its operation as the mock reads it: the content type, the body as the
 * API's server decodes it, the body's schema and the parameters. Violations are added to
 * `violations`; a request the API refuses comes back with the API's answer.
 */
function checkRequest(
  api: Api,
  operation: OperationSpec,
  pathParams: Record<string, string>,
  contentType: string | null,
  text: string,
  url: URL,
  violations: Violation[],
): { body: unknown; params: Record<string, unknown> } | { rejection: Reply } {
  let body: unknown;
  if (operation.body?.mediaTypes.includes(YAML) && isYaml(contentType)) {
    // YAML is handed over as text: its reader reports problems by line, which a parsed value cannot.
    body = text;
  } else if (operation.body && (text !== '' || operation.body.required)) {
    if (!api.ignoresContentType && text !== '' && !isJson(contentType)) {
      violations.push(
        violation('header', '/content-type', 'mediaType', `must be one of ${operation.body.mediaTypes.join(', ')}, not ${contentType ?? '(none)'}`),
      );
      return { rejection: api.errors.unsupportedMediaType(contentType ?? '(none)', operation) };
    }
    const decoded = decode(api, operation, text);
    if ('problem' in decoded) {
      const message = decoded.pointer ? decoded.problem : `is not JSON: ${decoded.problem}`;
      violations.push(violation('body', decoded.pointer ?? '', decoded.pointer ? 'type' : 'json', message));
      return { rejection: api.errors.malformedBody({ text, reason: decoded.problem }, operation) };
    }
    body = decoded.value;
    violations.push(...check(operation.body.validate, body, 'body'));
  }
  const params = collectParams(operation, url.searchParams, pathParams);
  if (operation.validateParams) violations.push(...locateParams(operation, check(operation.validateParams, params, 'query')));
  if (violations.length > 0) {
    const rejection = api.errors.invalidRequest(violations, operation, body);
    if (rejection) return { rejection };
  }
  return { body, params };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Publishes a request to the change feed. Reads of the control API are left out: a dashboard that
 * refetches on every journal event would otherwise hear of its own refetches. A request to a mocked
 * API that did not fail on the mock's side may have changed that API's state; the control API
 * publishes its own changes, precisely.
 */
function published(changes: ChangeFeed, api: ApiName, method: string, status: number, operationId: string | undefined): void {
  if (api === 'admin' && SAFE.has(method)) return;
  changes.publish('journal', JOURNAL_DETAILS[api]);
  if (api !== 'admin' && !SAFE.has(method) && status > 0 && status < 500) changes.publish(api, operationId ? operationDetail(operationId) : undefined);
}

// One detail object per API and per operation: the stream merges repeats of the same object.
const JOURNAL_DETAILS: Record<ApiName, Record<string, unknown>> = {
  wukongim: Object.freeze({ api: 'wukongim' }),
  smile: Object.freeze({ api: 'smile' }),
  admin: Object.freeze({ api: 'admin' }),
};
const OPERATION_DETAILS = new Map<string, Record<string, unknown>>();

function operationDetail(operationId: string): Record<string, unknown> {
  let detail = OPERATION_DETAILS.get(operationId);
  if (!detail) {
    detail = Object.freeze({ operationId });
    OPERATION_DETAILS.set(operationId, detail);
  }
  return detail;
}

/** The body's value as the API's server reads it: its own decoder, or JSON.parse. */
function decode(api: Api, operation: OperationSpec, text: string): { value: unknown } | { problem: string; pointer?: string } {
  if (api.decodeBody) return api.decodeBody(operation, text);
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** In strict mode an answer must match the spec; what it breaks becomes a 500 in the API's shape that names it. */
function checkResponse(api: Api, operation: OperationSpec, reply: Reply): Violation[] {
  if (reply.stream) return operation.responses[String(reply.status)] ? [] : answerViolations(api, operation, reply.status, undefined);
  const violations = answerViolations(api, operation, reply.status, reply.body === undefined ? undefined : { value: bodyValue(reply.body) });
  // A pre-serialised answer must say on the wire exactly what its value says.
  if (reply.body instanceof JsonText && JSON.stringify(reply.body.value) !== reply.body.text) {
    violations.push(violation('response', '', 'serialisation', 'the serialised body differs from its value'));
  }
  return violations;
}

/** How an answer's status and body (absent: no body) break the operation's documented responses, in the API's profile. */
function answerViolations(api: Api, operation: OperationSpec, status: number, body: { value: unknown } | undefined): Violation[] {
  const spec = operation.responses[String(status)];
  if (!spec) return [violation('response', '', 'status', `status ${status} is not documented`)];
  if (spec.validate) {
    const validate = (api.profile && spec.profiles?.[api.profile]) || spec.validate;
    return check(validate, body?.value, 'response');
  }
  return body === undefined ? [] : [violation('response', '', 'body', 'must have no body')];
}

/** How an answer the mock did not make (an upstream's, through the proxy) breaks the spec: its media type, its JSON, its schema. */
function foreignAnswerViolations(api: Api, operation: OperationSpec, response: NonNullable<ForeignExchange['response']>): Violation[] {
  const { status, contentType, body } = response;
  if (body === null || body === '') return answerViolations(api, operation, status, undefined);
  if (!isJson(contentType)) {
    const expected = operation.responses[String(status)]?.mediaType ?? 'application/json';
    if (operation.responses[String(status)]?.validate)
      return [violation('response', '/content-type', 'mediaType', `must be ${expected}, not ${contentType ?? '(none)'}`)];
    return answerViolations(api, operation, status, { value: body });
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return [violation('response', '', 'json', `is not JSON: ${(error as Error).message}`)];
  }
  return answerViolations(api, operation, status, { value });
}

/** An exchange the mock did not answer itself, as the proxy saw it: the request, and the upstream's answer once it came. */
export interface ForeignExchange {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
  /** The request body as text (decoded to UTF-8), or null for none. */
  body: string | null;
  response?: { status: number; contentType: string | null; body: string | null };
}

/** What the spec makes of a foreign exchange: the API and operation it is, and every way it breaks the spec. */
export interface Inspection {
  api: ApiName;
  operation: OperationSpec | undefined;
  violations: Violation[];
}

/** What one request and its answer came to, filled in as the pipeline goes. */
interface Exchange {
  /** The raw request body, once read. */
  body: string | null;
  operation: OperationSpec | undefined;
  /** Every way the request, or in strict mode the answer, broke the spec. */
  violations: Violation[];
}

/** Lists an exchange's violations in machine-readable form: a JSON array, ASCII only, as headers must be. */
export const VIOLATIONS_HEADER = 'x-token-mock-violations';
/**
 * The header's size, escapes included: clients refuse large headers (undici at 16 KiB for all of
 * them), so whole violations fit in 4 KiB, each path and message cut at 256 characters, and a
 * `truncated` marker counts the rest. The journal keeps more of them.
 */
export const VIOLATIONS_HEADER_FIT = { budget: 4096, cut: 256, measure: (json: string) => json.length + 5 * unprintable(json) };
const NONE: ReportedViolation[] = [];

function violation(location: Violation['location'], pointer: string, keyword: string, message: string): Violation {
  return { location, pointer, keyword, message, params: {} };
}

function violationsHeader(violations: Violation[]): string {
  const json = JSON.stringify(fitViolations(violations.map(reported), VIOLATIONS_HEADER_FIT));
  return json.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How many characters of a text the header escapes, each into six (`\u2026`). */
function unprintable(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) count += 1;
  }
  return count;
}

function underBase(pathname: string, basePath: string): boolean {
  return basePath === '' || pathname === basePath || pathname.startsWith(`${basePath}/`);
}

/** Whether the request announces a body; operations without one read it only then, for the journal. */
function hasBody(request: RequestLike): boolean {
  const length = request.headers.get('content-length');
  return (length !== null && length !== '0') || request.headers.get('transfer-encoding') !== null;
}

const YAML = 'application/yaml';

function isYaml(contentType: string | null): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === YAML || type === 'application/x-yaml' || type === 'text/yaml';
}

function isJson(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] as string).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

function headersOf(request: RequestLike): Record<string, string> {
  const out: Record<string, string> = {};
  const headers = request.headers as { forEach?: (callback: (value: string, key: string) => void) => void };
  headers.forEach?.((value, key) => {
    out[key] = value;
  });
  return out;
}
