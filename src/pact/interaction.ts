/**
 * One recorded exchange as a Pact V4 HTTP interaction: its request with the ids and credentials that
 * depend on the provider turned into `fromProviderState` generators, the provider state that makes
 * them, and its answer with matching rules from the spec.
 */
import { base64FromBytes } from '../core/base64.js';
import { REDACTED } from '../core/credentials.js';
import type { AnswerShape } from '../core/shape.js';
import type { RecordedExchange } from '../har/read.js';
import { answerRules, escapeRegex, type MatcherList, type Rules } from './matching.js';
import { PROVIDER_STATES, type ProviderStateName } from './states.js';

/** A Pact V4 body. */
export interface PactBody {
  content: unknown;
  contentType: string;
  encoded: false | 'base64';
}

/** A Pact `ProviderState` generator: the verifier fills `expression` in from the state's answer. */
interface Generator {
  type: 'ProviderState';
  expression: string;
  dataType: 'STRING';
}

export interface PactRequest {
  method: string;
  path: string;
  query?: Record<string, string[]>;
  headers?: Record<string, string[]>;
  body?: PactBody;
  matchingRules?: { path?: MatcherList; query?: Rules; header?: Rules; body?: Rules };
  generators?: { path?: Generator; query?: Record<string, Generator>; header?: Record<string, Generator>; body?: Record<string, Generator> };
}

export interface PactResponse {
  status: number;
  headers?: Record<string, string[]>;
  body?: PactBody;
  matchingRules?: { header?: Rules; body?: Rules };
}

export interface PactInteraction {
  type: 'Synchronous/HTTP';
  description: string;
  providerStates?: { name: ProviderStateName; params?: Record<string, unknown> }[];
  request: PactRequest;
  response: PactResponse;
  pending: false;
}

/** What a Smile Basic credential becomes: the form of one, that no provider accepts. */
export const REFUSED_BASIC = `Basic ${btoa(`${REDACTED}:${REDACTED}`)}`;
const BASIC = '^Basic [A-Za-z0-9+/]+=*$';
/** Smile's user id, `<tenantId>-<32 hex>` (openapi/smile.yaml `User.id`). */
const SMILE_USER_ID = '^[A-Za-z0-9_]+-[0-9a-f]{32}$';
const WEBHOOK_ID = '^[0-9a-f]{32}$';

/** What the interaction for an exchange needs besides the exchange itself. */
export interface InteractionContext {
  api: 'smile' | 'wukongim';
  operationId: string;
  /** The answer's shape for its status, if the spec gives one. */
  answer: AnswerShape | undefined;
  /** The WuKongIM profile whose narrower answer shapes apply. */
  profile: string | undefined;
  /** WuKongIM slots a 200 `POST /user/token` stored earlier in the session, by `uid device_flag`, with their level. */
  slots: Map<string, number>;
}

/** Smile operations whose path names a user or a subscription, and the one whose query does. */
const USER_PATHS = new Set(['getUser', 'getUserSessionPayload', 'resetUserSession']);
const WEBHOOK_PATHS = new Set(['getWebhook', 'deleteWebhook']);

/**
 * The interaction for one exchange.
 * @example interactionOf(exchange, { api: 'smile', operationId: 'getUser', answer, profile: undefined, slots: new Map() })
 */
export function interactionOf(exchange: RecordedExchange, context: InteractionContext): Omit<PactInteraction, 'description'> {
  const url = new URL(exchange.url);
  const status = exchange.response?.status ?? 0;
  const request: PactRequest = { method: exchange.method, path: url.pathname };
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) query[name] = [...(query[name] ?? []), value];
  if (Object.keys(query).length > 0) request.query = query;
  const headers: Record<string, string[]> = {};
  const contentType = exchange.headers.get('content-type');
  if (contentType !== null && exchange.body !== null) headers['content-type'] = [contentType];
  const body = jsonOf(exchange.body);
  if (exchange.body !== null && exchange.body !== '') request.body = pactBody(exchange.body, body, contentType ?? 'application/json', true);

  const states =
    context.api === 'smile' ? smileStates(exchange, context, status, request, headers) : wukongimStates(exchange, context, status, request, headers, body);
  if (Object.keys(headers).length > 0) request.headers = headers;
  return {
    type: 'Synchronous/HTTP',
    ...(states.length > 0 ? { providerStates: states } : {}),
    request,
    response: responseOf(exchange, context),
    pending: false,
  };
}

type States = NonNullable<PactInteraction['providerStates']>;

function smileStates(exchange: RecordedExchange, context: InteractionContext, status: number, request: PactRequest, headers: Record<string, string[]>): States {
  const authorization = exchange.headers.get('authorization');
  const accepted = authorization !== null && status !== 401;
  if (authorization !== null) {
    headers.authorization = [REFUSED_BASIC];
    if (accepted) {
      generate(request, 'header', 'authorization', `Basic ${ref('basicCredentials')}`);
      rule(request, 'header', 'authorization', BASIC);
    }
  }
  if (!accepted) return [];
  const ok = status >= 200 && status < 300;
  const { operationId } = context;
  const segments = request.path.split('/');
  const last = decodeSegment(segments.at(-1) ?? '');
  if (USER_PATHS.has(operationId) && (ok || status === 404)) {
    // The id is the third segment: /v1/users/{id}[/payload|/resetSession].
    const id = decodeSegment(segments[3] ?? '');
    const suffix = segments.slice(4).join('/');
    request.generators = { ...request.generators, path: providerState(`/${segments[1]}/${segments[2]}/${ref('userId')}${suffix ? `/${suffix}` : ''}`) };
    request.matchingRules = { ...request.matchingRules, path: regexList(pathRegex(request.path, segments[3] ?? '', SMILE_USER_ID)) };
    return [userState(exchange, ok, id, operationId)];
  }
  if (operationId === 'createToken' && (ok || status === 404)) {
    const id = request.query?.userId?.[0] ?? '';
    generate(request, 'query', 'userId', ref('userId'));
    rule(request, 'query', 'userId', SMILE_USER_ID);
    return [userState(exchange, ok, id, operationId)];
  }
  if (WEBHOOK_PATHS.has(operationId) && (ok || status === 404)) {
    request.generators = { ...request.generators, path: providerState(`${segments.slice(0, -1).join('/')}/${ref('webhookId')}`) };
    request.matchingRules = { ...request.matchingRules, path: regexList(pathRegex(request.path, segments.at(-1) ?? '', WEBHOOK_ID)) };
    if (!ok) return [{ name: PROVIDER_STATES.noSmileWebhook, params: { webhookId: last } }];
    const webhook = (jsonOf(exchange.response?.body ?? null) as { data?: Record<string, unknown> } | undefined)?.data ?? {};
    const { name, url, eventTypes, active, includePayload } = webhook;
    return [{ name: PROVIDER_STATES.smileWebhook, params: { name, url, eventTypes, active, includePayload } }];
  }
  return [{ name: PROVIDER_STATES.smileCredentials }];
}

function userState(exchange: RecordedExchange, ok: boolean, id: string, operationId: string): States[number] {
  if (!ok) return { name: PROVIDER_STATES.noSmileUser, params: { userId: id } };
  // A user read back carries its metadata: the provider makes one alike, so the answer matches.
  const data = operationId === 'getUser' ? (jsonOf(exchange.response?.body ?? null) as { data?: { externalMetadata?: unknown } } | undefined)?.data : undefined;
  return { name: PROVIDER_STATES.smileUser, params: { externalMetadata: data?.externalMetadata ?? {} } };
}

function wukongimStates(
  exchange: RecordedExchange,
  context: InteractionContext,
  status: number,
  request: PactRequest,
  headers: Record<string, string[]>,
  body: unknown,
): States {
  const states: States = [];
  const manager = exchange.headers.get('token');
  if (manager !== null) {
    headers.token = [REDACTED];
    if (status !== 401) {
      generate(request, 'header', 'token', ref('managerToken'));
      states.push({ name: PROVIDER_STATES.wukongimManager });
    }
  }
  const fields = (body ?? {}) as { uid?: unknown; token?: unknown; device_flag?: unknown; device_level?: unknown };
  if ((context.operationId === 'updateToken' || context.operationId === 'deviceQuit') && typeof fields.uid === 'string') {
    const key = `${fields.uid} ${typeof fields.device_flag === 'number' ? fields.device_flag : 0}`;
    const held = context.slots.get(key);
    // The answer depended on the slot only when one was there: a second login, or a quit.
    if (held !== undefined) {
      states.push({ name: PROVIDER_STATES.wukongimDevice, params: { uid: fields.uid, device_flag: fields.device_flag ?? 0, device_level: held } });
      // The body names the slot the state made: a provider that makes it under a uid of its own still passes.
      generate(request, 'body', '$.uid', ref('uid'));
    }
    const answer = jsonOf(exchange.response?.body ?? null) as { status?: unknown } | undefined;
    if (status === 200 && context.operationId === 'updateToken' && (answer?.status === 'ok' || answer?.status === 200))
      context.slots.set(key, fields.device_level === 1 ? 1 : 0);
  }
  return states;
}

function responseOf(exchange: RecordedExchange, context: InteractionContext): PactResponse {
  const answer = exchange.response;
  const response: PactResponse = { status: answer?.status ?? 0 };
  const text = answer?.body ?? null;
  if (text === null || text === '') return response;
  const mediaType = answer?.contentType ?? 'application/json';
  response.headers = { 'content-type': [mediaType] };
  // The media type decides; its parameters (a charset) may differ between providers.
  response.matchingRules = { header: { 'content-type': regexList(`^${escapeRegex(mediaType.split(';')[0]?.trim() ?? mediaType)}(;.*)?$`) } };
  const value = jsonOf(text);
  const shape = context.answer && ((context.profile && context.answer.profiles?.[context.profile]) || context.answer.schema);
  if (value === undefined || !shape) {
    response.body = pactBody(text, value, mediaType, false);
    return response;
  }
  const { example, rules } = answerRules(shape, value);
  response.body = { content: example, contentType: mediaType, encoded: false };
  if (Object.keys(rules).length > 0) response.matchingRules.body = rules;
  return response;
}

/** A body as Pact keeps it: JSON as JSON, with secret fields redacted in requests; anything else as base64 bytes. */
function pactBody(text: string, value: unknown, contentType: string, request: boolean): PactBody {
  if (value === undefined) return { content: base64FromBytes(new TextEncoder().encode(text)), contentType, encoded: 'base64' };
  return { content: request ? withoutSecrets(value) : value, contentType, encoded: false };
}

/** WuKongIM's device `token` and a webhook's `secret`, in a request body, are kept by their key only. */
function withoutSecrets(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = (key === 'token' || key === 'secret') && typeof item === 'string' ? REDACTED : item;
  return out;
}

function generate(request: PactRequest, part: 'query' | 'header' | 'body', name: string, expression: string): void {
  const generators = request.generators ?? {};
  request.generators = { ...generators, [part]: { ...generators[part], [name]: providerState(expression) } };
}

function rule(request: PactRequest, part: 'query' | 'header', name: string, regex: string): void {
  const rules = request.matchingRules ?? {};
  request.matchingRules = { ...rules, [part]: { ...rules[part], [name]: regexList(regex) } };
}

/** `${name}`: where a generator puts the value the provider state answered under `name`. */
const ref = (name: string) => `\${${name}}`;
const providerState = (expression: string): Generator => ({ type: 'ProviderState', expression, dataType: 'STRING' });
const regexList = (regex: string): MatcherList => ({ combine: 'AND', matchers: [{ match: 'regex', regex }] });

/** The path as a regex with the id's segment left to its pattern. */
function pathRegex(path: string, id: string, idPattern: string): string {
  const at = path.lastIndexOf(id);
  const body = idPattern.replace(/^\^|\$$/g, '');
  return `^${escapeRegex(path.slice(0, at))}${body}${escapeRegex(path.slice(at + id.length))}$`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function jsonOf(text: string | null): unknown {
  if (text === null || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
