/** The mocked Smile API: users, one-time link tokens, webhooks, Basic auth, modes and the envelope. */
import type { Api } from '../../core/api.js';
import { createBound, createLimit, DEFAULT_BOUNDS, type NoticeListener } from '../../core/bounds.js';
import { type Clock, isoSeconds } from '../../core/clock.js';
import type { WebhookEvent } from '../../core/delivery-log.js';
import { parseDuration } from '../../core/duration.js';
import { MockError } from '../../core/errors.js';
import { createWebhookSigner, type HmacSha256 } from '../../core/hmac.js';
import type { Outbox } from '../../core/outbox.js';
import { createRandom, type Random } from '../../core/random.js';
import { type ReceiverPolicy, receiverProblem } from '../../core/receiver-url.js';
import type { RequestLike } from '../../core/request.js';
import { typedHandlers } from '../../core/typed.js';
import type { components as AdminComponents } from '../../generated/admin.types.js';
import { operations } from '../../generated/smile.operations.js';
import type { operations as Operations } from '../../generated/smile.types.js';
import { type Credential, createCredentialCheck, DEFAULT_CREDENTIALS, hostModeOf, type Mode, SMILE_HOSTS } from './credentials.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { createEnvelopes, createSmileErrors } from './errors.js';
import { createSmileEvents, type SmileEventType } from './events.js';
import { createRateLimit } from './rate-limit.js';
import { seedUsers } from './seed.js';
import { checkSmileState, type SmileSnapshot } from './snapshot.js';
import { type Consumption, type LinkToken, type Token, TokenStore, tokenJson } from './tokens.js';
import { createPageCache, sessionPayload, type User, UserStore } from './users.js';
import { type Webhook, type WebhookRequest, WebhookStore } from './webhooks.js';

/** How the Smile mock behaves. */
export interface SmileOptions {
  /** How many faker-seeded users exist at the start. Default 25. */
  users?: number;
  /** The `<tenantId>` of user ids. Default `tenant`. */
  tenantId?: string;
  /** Link-token lifetime (`90s`, `15m`, `5h`, ms). Default 5 hours, as documented. */
  tokenTtl?: string | number;
  /** API key pairs. Default test_key/test_secret (SANDBOX) and live_key/live_secret (PRODUCTION). */
  credentials?: readonly Credential[];
  /**
   * Whether issuing a token revokes the user's older unused ones. Default false: the docs say tokens
   * are one-time and short-lived, and nothing about a refresh invalidating earlier tokens.
   */
  revokeOnRefresh?: boolean;
  /**
   * Requests per second per client address; over it, 429 REQUEST_LIMIT_EXCEEDED with `Retry-After`.
   * A second ends on the mock's clock or in real time, whichever is first. Default off.
   */
  rateLimit?: number;
  /** Accept only https webhook URLs, as the real API does. Default false: http on loopback is accepted too. */
  strictWebhookUrls?: boolean;
  /** Mock-clock delays before the second and third delivery attempts (`30s`, ms). Default 30 s and 60 s. */
  webhookRetryDelays?: readonly (string | number)[];
  /**
   * Origins that serve one mode, as the real hosts do (default sandbox.smileapi.io SANDBOX and
   * open.smileapi.io PRODUCTION): requests there with the other mode's keys get 401. Elsewhere the
   * credentials alone decide the mode.
   */
  hosts?: Readonly<Record<string, Mode>>;
  /** The HMAC-SHA256 link tokens are signed with. Default WebCrypto; in Node, `nodeHmacSha256` from `token-mock/node` is faster. */
  hmacSha256?: HmacSha256;
  /**
   * The most users held; past it the oldest (by creation time) are forgotten. Default 25,000, or
   * `users` when more are seeded; a bound below `users` is refused with a RangeError.
   */
  maxUsers?: number;
  /** The most link tokens held; past it the oldest are forgotten, and get 401 INVALID_TOKEN. Default 250,000. */
  maxTokens?: number;
  /** The most webhook subscriptions held; at the bound a new one gets 400 INVALID_PARAMETERS (none is forgotten). Default 1000. */
  maxWebhooks?: number;
  /**
   * How long a used, revoked or expired link token is kept, on the mock's clock (`90s`, `1h`, ms);
   * then it is forgotten (and still gets 401 INVALID_TOKEN). Default 1 hour.
   */
  tokenRetention?: string | number;
}

/** The programmatic face of the Smile mock: the same functions the control API calls. */
export interface SmileService {
  readonly credentials: readonly Credential[];
  /**
   * Plays the widget's use of a link token: the first use succeeds; a used, expired, forged or
   * unknown one rejects with a MockError of kind `token-refused`, answered as Smile's 401 INVALID_TOKEN.
   */
  consume(accessToken: string): Promise<Consumption>;
  user(id: string): User | undefined;
  readonly userCount: number;
  /** The link tokens held: the newest, up to the bound, less those forgotten after the retention period. */
  readonly tokenCount: number;
  readonly webhookCount: number;
  /** Users, link tokens and webhooks held, with the bounds and what went past them (`GET /__mock/state`). */
  counts(): SmileCounts;
  /**
   * Emits a webhook event to the subscriptions for its type. `data` fields left out are seeded,
   * about `userId` (default: a seeded user). Throws a MockError of kind `invalid-event` when the event breaks the spec.
   */
  emit(type: SmileEventType, options?: { userId?: string; data?: Record<string, unknown> }): WebhookEvent;
  /** Creates a user as `POST /users` does (USER_CREATED included), without a token. */
  createUser(externalMetadata?: Record<string, string>): User;
  /** Registers a subscription as `POST /webhooks` does; a URL the receiver policy refuses throws a MockError of kind `invalid-event`. */
  createWebhook(body: WebhookRequest): Webhook;
  /** Issues a link token as `POST /tokens` does. The token is usable (and expirable) before the promise settles. */
  issueToken(userId: string, mode?: Mode): Promise<Token>;
  /** Resets a user's session as `POST /users/{id}/resetSession` does; undefined for an unknown id. */
  resetSession(id: string): User | undefined;
  /** Expires every link token of a user now; returns how many were still usable. */
  expireTokens(userId: string): number;
  /** Uses a user's newest usable token, as the widget would; returns whether there was one. */
  consumeLatestToken(userId: string): boolean;
  /** A page of users, newest first, continuing before the position `before` (the previous page's `next`). */
  userPage(before: UserPosition | undefined, limit: number): { items: User[]; next?: UserPosition; total: number };
  /** A user's link tokens still held, oldest first, each with its state on the mock's clock. */
  tokensOf(userId: string): LinkToken[];
  /** Every webhook subscription, oldest first, with the number it was given when added (ascending; never reused). */
  webhooks(): readonly { seq: number; webhook: Webhook }[];
}

/** Where a walk through the users stands: a creation instant and its sequence number. */
export type UserPosition = { at: number; seq: number };

/** What the Smile mock holds, as `GET /__mock/state` shows it. */
export type SmileCounts = AdminComponents['schemas']['StateSummary']['smile'];

/** What a Smile mock shares with the rest of its mock instance. */
export interface SmileContext {
  clock: Clock;
  random: Random;
  outbox: Outbox;
  /** Plain http to private addresses and named hosts is allowed for webhook URLs. */
  allowPrivateHttp?: boolean;
  /** Told when a kind of state first reaches its bound. */
  onNotice?: NoticeListener;
}

const DAY = 86_400_000;
const DEFAULT_TTL = 5 * 3_600_000;
const DEFAULT_RETRY_DELAYS = ['30s', '60s'];

/**
 * Creates the Smile API and its service. The seeded users are placed relative to `clock`'s start.
 * @example const { api, service } = createSmile({ users: 100 }, { clock, random, outbox });
 */
export function createSmile(options: SmileOptions, context: SmileContext): { api: Api; service: SmileService } {
  const { clock, random } = context;
  const credentials = options.credentials ?? DEFAULT_CREDENTIALS;
  const credentialFor = createCredentialCheck(credentials);
  const hosts = options.hosts ?? SMILE_HOSTS;
  const tenantId = options.tenantId ?? 'tenant';
  const receivers: ReceiverPolicy = { httpsOnly: options.strictWebhookUrls ?? false, allowPrivateHttp: context.allowPrivateHttp ?? false };
  const ttl = options.tokenTtl === undefined ? DEFAULT_TTL : parseDuration(options.tokenTtl);
  const seeded = options.users ?? 25;
  if (options.maxUsers !== undefined && options.maxUsers < seeded)
    throw new RangeError(`smile.maxUsers (${options.maxUsers}) is below smile.users (${seeded}): the seeded users would not fit`);
  // A mock seeded with more users than the default bound holds them all: the bound rises to them.
  const userBound = createBound('smile-users', options.maxUsers ?? Math.max(DEFAULT_BOUNDS['smile-users'], seeded), context.onNotice);
  // Request ids have their own stream, so that request N of a run always has the same id.
  const requestIds: Random = createRandom(random.seed ^ 0x5eed);
  const envelopes = createEnvelopes(() => requestIds.uuid());
  const { ok, okText, done, created, createdText, error } = envelopes;
  const users = new UserStore(userBound);
  // Pages asked for again (a front end polling the first page, say) are served from their text until
  // any user changes.
  const pages = createPageCache<{ data: { nextCursor?: string; items: User[] }; text: string }>(() => users.version);
  const webhooks = new WebhookStore();
  const webhookLimit = createLimit('smile-webhooks', options.maxWebhooks);
  const smileEvents = createSmileEvents({
    clock,
    outbox: context.outbox,
    webhooks,
    sign: createWebhookSigner(),
    seed: random.seed,
    retryDelays: (options.webhookRetryDelays ?? DEFAULT_RETRY_DELAYS).map(parseDuration),
  });
  const tokens = new TokenStore(clock, random, {
    ttl,
    revokeOnRefresh: options.revokeOnRefresh ?? false,
    retention: options.tokenRetention === undefined ? undefined : parseDuration(options.tokenRetention),
    bound: createBound('smile-tokens', options.maxTokens, context.onNotice),
    hmacSha256: options.hmacSha256,
  });
  const rateLimit = options.rateLimit === undefined ? undefined : createRateLimit(options.rateLimit, clock);
  const modeOf = (request: RequestLike): Mode => (credentialFor(request.headers.get('authorization')) as Credential).mode;

  const seed = () => {
    for (const user of seedUsers(seeded, tenantId, random, clock.now())) users.add(user);
  };

  const createUser = (externalMetadata: Record<string, string> = {}) => {
    const user: User = { id: `${tenantId}-${random.hex(32)}`, externalMetadata, createdAt: isoSeconds(clock.now()), providers: [] };
    users.add(user);
    smileEvents.emit('USER_CREATED', user);
    return user;
  };

  const resetSession = (id: string) => {
    const user = users.update(id, (changed) => {
      changed.session = { userId: changed.id, channel: 'Default', status: 'IN_PROGRESS' };
    });
    if (user) smileEvents.emit('USER_SESSION_RESET', user);
    return user;
  };

  // The spec's `webhooks:` operations are events the mock sends, not requests it serves.
  /** Registers a subscription as `POST /webhooks` does, once its URL passed the receiver policy. */
  const createWebhook = (body: WebhookRequest): Webhook => {
    webhookLimit.admit(webhooks.size);
    const now = isoSeconds(clock.now());
    const webhook: Webhook = {
      id: random.hex(32),
      createdAt: now,
      name: body.name,
      url: body.url,
      secret: body.secret,
      eventTypes: body.eventTypes,
      active: body.active,
      includePayload: body.includePayload ?? false,
      updatedAt: now,
    };
    webhooks.add(webhook);
    return webhook;
  };

  const handlers = typedHandlers<Pick<Operations, keyof typeof operations>>({
    async createUser({ body, request }) {
      const user = createUser(body?.externalMetadata);
      return created({ user, token: await tokens.issue(user.id, modeOf(request)) });
    },

    listUsers({ params }) {
      let { startDate, endDate } = params;
      let before: { at: number; seq: number } | undefined;
      if (params.cursor !== undefined) {
        const state = decodeCursor(params.cursor);
        if (!state || typeof state.at !== 'number' || typeof state.seq !== 'number')
          return error(400, 'INVALID_PARAMETERS', 'query/cursor is not a cursor this API issued');
        before = { at: state.at, seq: state.seq };
        startDate = typeof state.startDate === 'string' ? state.startDate : undefined;
        endDate = typeof state.endDate === 'string' ? state.endDate : undefined;
      }
      const from = startDate === undefined ? undefined : Date.parse(`${startDate}T00:00:00Z`);
      const to = endDate === undefined ? undefined : Date.parse(`${endDate}T00:00:00Z`) + DAY - 1;
      if (from !== undefined && to !== undefined && from > to) return error(400, 'INVALID_PARAMETERS', 'query/startDate must not be after endDate');
      const size = params.size ?? 10;
      const key = `${size}|${from}|${to}|${before?.at}|${before?.seq}|${startDate}|${endDate}`;
      const cached = pages.get(key);
      if (cached) return okText(cached.data, cached.text);
      const page = users.page({ size, from, to, before });
      const nextCursor = page.next && encodeCursor({ ...page.next, startDate, endDate });
      const items = `[${page.texts.join(',')}]`;
      // The cursor is base64url, so it needs no escaping inside the JSON text.
      const built = nextCursor
        ? { data: { nextCursor, items: page.items }, text: `{"nextCursor":"${nextCursor}","items":${items}}` }
        : { data: { items: page.items }, text: `{"items":${items}}` };
      pages.set(key, built);
      return okText(built.data, built.text);
    },

    getUser({ params }) {
      const found = users.getWithText(params.id);
      return found ? okText(found.user, found.text) : error(404, 'MISSING_RESOURCE', `User ${params.id} does not exist`);
    },

    getUserSessionPayload({ params }) {
      const user = users.get(params.id);
      return user ? ok(sessionPayload(user.session)) : error(404, 'MISSING_RESOURCE', `User ${params.id} does not exist`);
    },

    resetUserSession({ params }) {
      return resetSession(params.id) ? done() : error(404, 'MISSING_RESOURCE', `User ${params.id} does not exist`);
    },

    async createToken({ params, request }) {
      if (!users.get(params.userId)) return error(404, 'MISSING_RESOURCE', `User ${params.userId} does not exist`);
      const token = await tokens.issue(params.userId, modeOf(request));
      return createdText(token, tokenJson(token));
    },

    createWebhook({ body }) {
      const problem = receiverProblem(body.url, receivers);
      return problem ? error(400, 'INVALID_PARAMETERS', `body/${problem}`) : ok(createWebhook(body));
    },

    listWebhooks({ params }) {
      let after: number | undefined;
      if (params.cursor !== undefined) {
        const state = decodeCursor(params.cursor);
        if (!state || !Number.isSafeInteger(state.after)) return error(400, 'INVALID_PARAMETERS', 'query/cursor is not a cursor this API issued');
        after = state.after as number;
      }
      const page = webhooks.page(params.size ?? 10, after);
      return ok(page.next ? { nextCursor: encodeCursor({ after: page.next }), items: page.items } : { items: page.items });
    },

    getWebhook({ params }) {
      const webhook = webhooks.get(params.id);
      return webhook ? ok(webhook) : error(404, 'MISSING_RESOURCE', `Webhook ${params.id} does not exist`);
    },

    deleteWebhook({ params }) {
      return webhooks.delete(params.id) ? done() : error(404, 'MISSING_RESOURCE', `Webhook ${params.id} does not exist`);
    },
  });

  const api: Api = {
    name: 'smile',
    basePath: '/v1',
    operations,
    handlers,
    errors: createSmileErrors(envelopes),
    guard(request) {
      const wait = rateLimit?.(request.clientAddress ?? 'unknown') ?? 0;
      if (wait > 0) {
        const refusal = error(
          429,
          'REQUEST_LIMIT_EXCEEDED',
          `Too many requests: the limit is ${options.rateLimit} per second per client address; retry after ${wait} s`,
        );
        return { ...refusal, headers: { 'retry-after': String(wait) } };
      }
      const authorization = request.headers.get('authorization');
      if (authorization === null) return error(401, 'INVALID_CREDENTIALS', 'Missing credentials: send Authorization: Basic base64(<API key>:<API secret>)');
      const credential = credentialFor(authorization);
      if (!credential) return error(401, 'INVALID_CREDENTIALS', 'The API key or secret is invalid');
      const hostMode = hostModeOf(request.url, hosts);
      if (hostMode && hostMode !== credential.mode)
        return error(401, 'INVALID_CREDENTIALS', `The API key is a ${credential.mode} key; this host serves ${hostMode}`);
      return undefined;
    },
    reset() {
      users.clear();
      userBound.reset();
      webhooks.clear();
      tokens.clear();
      requestIds.reset();
      smileEvents.reset();
      seed();
    },
    snapshot: (): SmileSnapshot => ({ users: users.all(), webhooks: webhooks.all(), tokens: tokens.snapshot(), requestIds: requestIds.state() }),
    check: checkSmileState,
    restore(state) {
      const saved = state as SmileSnapshot;
      users.clear();
      for (const user of saved.users) users.add(user);
      webhooks.clear();
      for (const webhook of saved.webhooks) webhooks.add(webhook);
      tokens.restore(saved.tokens);
      requestIds.restore(saved.requestIds);
    },
  };
  seed();

  const service: SmileService = {
    credentials,
    consume: (accessToken) => tokens.consume(accessToken),
    user: (id) => users.get(id),
    get userCount() {
      return users.size;
    },
    get tokenCount() {
      return tokens.size;
    },
    get webhookCount() {
      return webhooks.size;
    },
    counts: () => ({ users: userBound.state(users.size), tokens: tokens.counts(), webhooks: webhookLimit.state(webhooks.size) }),
    emit(type, emitOptions = {}) {
      const user = emitOptions.userId === undefined ? users.pick(random) : users.get(emitOptions.userId);
      const data = emitOptions.userId !== undefined && !user ? { userId: emitOptions.userId, ...emitOptions.data } : emitOptions.data;
      return smileEvents.emit(type, user, data);
    },
    createUser,
    createWebhook(body) {
      const problem = receiverProblem(body.url, receivers);
      if (problem) throw new MockError('invalid-event', `the webhook's ${problem}`);
      return createWebhook(body);
    },
    issueToken: (userId, mode = 'SANDBOX') => tokens.issue(userId, mode),
    resetSession,
    expireTokens: (userId) => tokens.expire(userId),
    consumeLatestToken: (userId) => tokens.useLatest(userId),
    userPage(before, limit) {
      const page = users.page({ size: limit, before });
      return { items: page.items, next: page.next, total: users.size };
    },
    tokensOf: (userId) => tokens.ofUser(userId),
    webhooks: () => webhooks.numbered(),
  };
  return { api, service };
}
