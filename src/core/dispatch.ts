/** The request pipeline shared by every API: route, read and validate, handle, check the answer, journal. */
import type { Api, ApiName } from './api.js';
import type { Clock } from './clock.js';
import type { FaultEffect, Faults } from './faults.js';
import { type Journal, journalBody } from './journal.js';
import type { OperationSpec } from './operation.js';
import { bodyValue, JsonText, type Reply, toWire, type WireReply } from './reply.js';
import { BodyTooLargeError, type RequestLike, readBody } from './request.js';
import { createRouter, type Router } from './router.js';
import { check, collectParams, describe, locateParams, type Violation } from './validation.js';

/** What the dispatcher needs from the mock instance. */
export interface DispatchContext {
  clock: Clock;
  journal: Journal;
  strict: boolean;
  maxBodyBytes: number;
  faults: Faults;
}

interface Mounted {
  api: Api;
  router: Router;
}

/** A dispatcher over a set of APIs, each at its own base path. */
export interface Dispatcher {
  /** Answers a request; `scope` limits it to one API (plus the admin API), as on a per-API port. */
  dispatch(request: RequestLike, scope?: ApiName): Promise<WireReply>;
  /** Whether some API serves this path (for any method): what the express adapter does not own, it passes on. */
  owns(pathname: string): boolean;
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/**
 * Creates the dispatcher. APIs with longer base paths are tried first, so `/__mock` and `/v1` win
 * over WuKongIM's root.
 * @example const { dispatch } = createDispatcher([wukongim, admin], context); await dispatch(request)
 */
export function createDispatcher(apis: Api[], context: DispatchContext): Dispatcher {
  const mounted: Mounted[] = apis
    .map((api) => ({ api, router: createRouter(Object.values(api.operations), api.basePath) }))
    .sort((a, b) => b.api.basePath.length - a.api.basePath.length);

  const select = (pathname: string, scope?: ApiName): Mounted => {
    const candidates = scope ? mounted.filter(({ api }) => api.name === scope || api.name === 'admin') : mounted;
    const found = candidates.find(({ api }) => underBase(pathname, api.basePath));
    return found ?? (candidates.find(({ api }) => api.name !== 'admin') as Mounted);
  };

  async function dispatch(request: RequestLike, scope?: ApiName): Promise<WireReply> {
    const started = performance.now();
    const time = context.clock.now();
    const url = new URL(request.url);
    const { api, router } = select(url.pathname, scope);
    let operation: OperationSpec | undefined;
    const raw: { body: string | null } = { body: null };
    const fault = context.faults.size > 0 && api.name !== 'admin' ? pickFault(api, router, request.method, url.pathname) : undefined;
    let reply: Reply;
    try {
      if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
      if (fault?.status !== undefined) {
        const injected = api.errors.injected(fault.status);
        reply = { ...injected, headers: { ...injected.headers, 'x-token-mock-fault': fault.id } };
      } else {
        reply = fault?.drop ? { status: 0 } : (api.guard?.(request) ?? (await route(api, router, request, url, raw, (op) => (operation = op))));
      }
    } catch (error) {
      reply = error instanceof BodyTooLargeError ? api.errors.payloadTooLarge(error.limit) : api.errors.internalError('the mock failed to answer this request');
    }
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
      request: { headers: headersOf(request), body: journalBody(raw.body) },
      response: { body: journalBody(wire.body) },
      fault: fault?.id ?? null,
    });
    return wire;
  }

  /** The fault for this request, if a rule matches; the operation is looked up only when rules exist. */
  function pickFault(api: Api, router: Router, method: string, path: string): FaultEffect | undefined {
    const match = router.match(method, path);
    const operationId = match.kind === 'operation' ? match.operation.id : undefined;
    return context.faults.pick({ api: api.name as Exclude<ApiName, 'admin'>, method, path, operationId });
  }

  async function route(
    api: Api,
    router: Router,
    request: RequestLike,
    url: URL,
    raw: { body: string | null },
    matched: (operation: OperationSpec) => void,
  ): Promise<Reply> {
    const match = router.match(request.method, url.pathname);
    if (match.kind === 'not-found') return api.errors.notFound(request.method, url.pathname);
    if (match.kind === 'method-not-allowed') {
      const reply = api.errors.methodNotAllowed(request.method, url.pathname, match.allowed);
      return { ...reply, headers: { ...reply.headers, allow: match.allowed.join(', ') } };
    }
    const { operation } = match;
    matched(operation);
    const violations: Violation[] = [];
    let body: unknown;
    if (operation.body || (!BODYLESS.has(request.method) && hasBody(request))) {
      raw.body = await readBody(request, context.maxBodyBytes);
    }
    const contentType = request.headers.get('content-type');
    if (operation.body?.mediaTypes.includes(YAML) && isYaml(contentType)) {
      // YAML is handed over as text: its reader reports problems by line, which a parsed value cannot.
      body = raw.body;
    } else if (operation.body && (raw.body !== '' || operation.body.required)) {
      if (!api.ignoresContentType && raw.body !== '' && !isJson(contentType)) {
        return api.errors.unsupportedMediaType(contentType ?? '(none)', operation);
      }
      try {
        body = JSON.parse(raw.body as string);
      } catch (error) {
        return api.errors.malformedBody({ text: raw.body as string, reason: (error as Error).message }, operation);
      }
      if (api.normalizeBody) body = api.normalizeBody(operation, body);
      violations.push(...check(operation.body.validate, body, 'body'));
    }
    const params = collectParams(operation, url.searchParams, match.params);
    if (operation.validateParams) violations.push(...locateParams(operation, check(operation.validateParams, params, 'query')));
    if (violations.length > 0) {
      const rejection = api.errors.invalidRequest(violations, operation, body);
      if (rejection) return rejection;
    }
    const handler = api.handlers[operation.id];
    if (!handler) return api.errors.internalError(`operation ${operation.id} has no handler`);
    const reply = await handler({ body, params, request, url });
    return context.strict ? checkResponse(api, operation, reply) : reply;
  }

  return {
    dispatch,
    owns(pathname) {
      return mounted.some(
        ({ api, router }) => underBase(pathname, api.basePath) && (api.name === 'admin' || router.match('GET', pathname).kind !== 'not-found'),
      );
    },
  };
}

/** In strict mode an answer that breaks the spec becomes a 500 in the API's shape that names the violation. */
function checkResponse(api: Api, operation: OperationSpec, reply: Reply): Reply {
  const spec = operation.responses[String(reply.status)];
  let violations: string[];
  if (!spec) {
    violations = [`status ${reply.status} is not documented`];
  } else if (spec.validate) {
    const validate = (api.profile && spec.profiles?.[api.profile]) || spec.validate;
    violations = check(validate, bodyValue(reply.body), 'response').map(describe);
  } else {
    violations = reply.body === undefined ? [] : ['response must have no body'];
  }
  // A pre-serialised answer must say on the wire exactly what its value says.
  if (reply.body instanceof JsonText && JSON.stringify(reply.body.value) !== reply.body.text) violations.push('the serialised body differs from its value');
  if (violations.length === 0) return reply;
  return api.errors.internalError(`the mock's response to ${operation.id} broke the spec: ${violations.join('; ')}`);
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
