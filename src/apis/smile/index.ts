/** The mocked Smile API: users, one-time link tokens, webhooks, Basic auth, modes and the envelope. */
import type { Api } from '../../core/api.js';
import { createBound, createLimit, DEFAULT_BOUNDS } from '../../core/bounds.js';
import { parseDuration, parseLifetime } from '../../core/duration.js';
import { createWebhookSigner } from '../../core/hmac.js';
import { createRandom, type Random } from '../../core/random.js';
import { typedHandlers } from '../../core/typed.js';
import { operations } from '../../generated/smile.operations.js';
import type { operations as Operations } from '../../generated/smile.types.js';
import { createAccess } from './access.js';
import { DEFAULT_CREDENTIALS, SMILE_HOSTS } from './credentials.js';
import { createEnvelopes, createSmileErrors } from './errors.js';
import { createSmileEvents } from './events.js';
import type { SmileContext, SmileOptions } from './options.js';
import { seedUsers } from './seed.js';
import { createSmileService, type SmileService } from './service.js';
import { checkSmileState, type SmileSnapshot } from './snapshot.js';
import { createTokenOperations } from './token-operations.js';
import { TokenStore } from './tokens.js';
import { createUserOperations } from './user-operations.js';
import { UserStore } from './users.js';
import { createWebhookOperations } from './webhook-operations.js';
import { WebhookStore } from './webhooks.js';

export type { SmileContext, SmileOptions } from './options.js';
export type { SmileCounts, SmileService, UserPosition } from './service.js';

const DEFAULT_TTL = 5 * 3_600_000;
const DEFAULT_RETRY_DELAYS = ['30s', '60s'];

/**
 * Creates the Smile API and its service. The seeded users are placed relative to `clock`'s start.
 * @example const { api, service } = createSmile({ users: 100 }, { clock, random, outbox });
 */
export function createSmile(options: SmileOptions, context: SmileContext): { api: Api; service: SmileService } {
  const { clock, random } = context;
  const credentials = options.credentials ?? DEFAULT_CREDENTIALS;
  const tenantId = options.tenantId ?? 'tenant';
  const seeded = options.users ?? 25;
  if (options.maxUsers !== undefined && options.maxUsers < seeded)
    throw new RangeError(`smile.maxUsers (${options.maxUsers}) is below smile.users (${seeded}): the seeded users would not fit`);

  // Request ids have their own stream, so that request N of a run always has the same id.
  const requestIds: Random = createRandom(random.seed ^ 0x5eed);
  const envelopes = createEnvelopes(() => requestIds.uuid());
  const access = createAccess({ credentials, hosts: options.hosts ?? SMILE_HOSTS, rateLimit: options.rateLimit, clock, envelopes });

  // A mock seeded with more users than the default bound holds them all: the bound rises to them.
  const userBound = createBound('smile-users', options.maxUsers ?? Math.max(DEFAULT_BOUNDS['smile-users'], seeded), context.onNotice);
  const users = new UserStore(userBound);
  const webhooks = new WebhookStore();
  const webhookLimit = createLimit('smile-webhooks', options.maxWebhooks);
  const tokens = new TokenStore(clock, random, {
    ttl: options.tokenTtl === undefined ? DEFAULT_TTL : parseLifetime(options.tokenTtl, 'smile.tokenTtl'),
    revokeOnRefresh: options.revokeOnRefresh ?? false,
    retention: options.tokenRetention === undefined ? undefined : parseDuration(options.tokenRetention),
    bound: createBound('smile-tokens', options.maxTokens, context.onNotice),
    hmacSha256: options.hmacSha256,
  });
  const events = createSmileEvents({
    clock,
    outbox: context.outbox,
    webhooks,
    sign: createWebhookSigner(),
    seed: random.seed,
    retryDelays: (options.webhookRetryDelays ?? DEFAULT_RETRY_DELAYS).map(parseDuration),
  });

  const userOperations = createUserOperations({ clock, random, tenantId, users, tokens, events, envelopes, modeOf: access.modeOf });
  const tokenOperations = createTokenOperations({ users, tokens, envelopes, modeOf: access.modeOf });
  const receivers = { httpsOnly: options.strictWebhookUrls ?? false, allowPrivateHttp: context.allowPrivateHttp ?? false };
  const webhookOperations = createWebhookOperations({ clock, random, webhooks, limit: webhookLimit, receivers, envelopes });

  const seed = () => {
    for (const user of seedUsers(seeded, tenantId, random, clock.now())) users.add(user);
  };
  const api: Api = {
    name: 'smile',
    basePath: '/v1',
    operations,
    handlers: typedHandlers<Pick<Operations, keyof typeof operations>>({
      ...userOperations.handlers,
      ...tokenOperations.handlers,
      ...webhookOperations.handlers,
    }),
    errors: createSmileErrors(envelopes),
    guard: access.guard,
    reset() {
      users.clear();
      userBound.reset();
      webhooks.clear();
      tokens.clear();
      requestIds.reset();
      events.reset();
      seed();
    },
    snapshot: (): SmileSnapshot => ({ users: users.all(), webhooks: webhooks.all(), tokens: tokens.snapshot(), requestIds: requestIds.state() }),
    check(state) {
      const errors = checkSmileState(state);
      return errors.length > 0 ? errors : webhookLimit.restoreErrors((state as SmileSnapshot).webhooks.length, '/webhooks');
    },
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

  const service = createSmileService({
    credentials,
    random,
    users,
    userBound,
    tokens,
    webhooks,
    webhookLimit,
    events,
    createUser: userOperations.createUser,
    resetSession: userOperations.resetSession,
    registerWebhook: webhookOperations.register,
  });
  return { api, service };
}
