/** The programmatic face of the Smile mock, over the same stores and operations the handlers use. */

import type { Bound, Limit } from '../../core/bounds.js';
import type { WebhookEvent } from '../../core/delivery-log.js';
import type { Random } from '../../core/random.js';
import type { components as AdminComponents } from '../../generated/admin.types.js';
import type { Credential, Mode } from './credentials.js';
import type { SmileEvents, SmileEventType } from './events.js';
import type { Consumption, LinkToken, Token, TokenStore } from './tokens.js';
import type { User, UserStore } from './users.js';
import type { Webhook, WebhookRequest, WebhookStore } from './webhooks.js';

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

/** What the service is built over. */
export interface ServiceParts {
  credentials: readonly Credential[];
  random: Random;
  users: UserStore;
  userBound: Bound;
  tokens: TokenStore;
  webhooks: WebhookStore;
  webhookLimit: Limit;
  events: SmileEvents;
  createUser(externalMetadata?: Record<string, string>): User;
  resetSession(id: string): User | undefined;
  registerWebhook(body: WebhookRequest): Webhook;
}

/** Builds the service the control API, scenarios and tests call. */
export function createSmileService(parts: ServiceParts): SmileService {
  const { credentials, random, users, userBound, tokens, webhooks, webhookLimit, events } = parts;
  return {
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
      return events.emit(type, user, data);
    },
    createUser: parts.createUser,
    createWebhook: parts.registerWebhook,
    issueToken: (userId, mode = 'SANDBOX') => tokens.issue(userId, mode),
    resetSession: parts.resetSession,
    expireTokens: (userId) => tokens.expire(userId),
    consumeLatestToken: (userId) => tokens.useLatest(userId),
    userPage(before, limit) {
      const page = users.page({ size: limit, before });
      return { items: page.items, next: page.next, total: users.size };
    },
    tokensOf: (userId) => tokens.ofUser(userId),
    webhooks: () => webhooks.numbered(),
  };
}
