/**
 * Smile webhook events: the envelope, plausible seeded `data` for every type the spec defines, and
 * the fan-out to subscriptions with the `Smile-Signature` header.
 */
import { type Clock, isoSeconds } from '../../core/clock.js';
import type { WebhookEvent } from '../../core/delivery-log.js';
import type { WebhookSigner } from '../../core/hmac.js';
import type { Message, Outbox } from '../../core/outbox.js';
import { createRandom } from '../../core/random.js';
import { check, rejection } from '../../core/validation.js';
import { events } from '../../generated/smile.operations.js';
import { seededFaker } from './faker.js';
import { sessionPayload, type User } from './users.js';
import type { WebhookStore } from './webhooks.js';

/** Every event type a Smile webhook can carry (ALL_EVENTS is a subscription wildcard, not a type). */
export type SmileEventType = keyof typeof events;
export const SMILE_EVENT_TYPES = Object.keys(events) as SmileEventType[];

type Data = Record<string, unknown>;

const PROVIDERS = ['sss_ph', 'pagibig_ph', 'philhealth_ph', 'bir_ph', 'upwork', 'grab_ph'];
const DATAPOINTS = ['IDENTITIES', 'EMPLOYMENTS', 'INCOMES', 'CONTRIBUTIONS', 'DOCUMENTS'];
/** The events whose `data.payload` a subscription gets only with `includePayload: true`. */
const WITH_PAYLOAD = new Set<string>(['TASK_FINISHED', 'ACCOUNT_SYNC_TASK_FINISHED']);

export interface SmileEventsContext {
  clock: Clock;
  outbox: Outbox;
  webhooks: WebhookStore;
  sign: WebhookSigner;
  /** Feeds event ids and fake data; its own stream, so emitting never shifts user ids. */
  seed: number;
  /** Mock-clock ms before the second and third attempts. */
  retryDelays: readonly number[];
}

/** The Smile event emitter of one mock instance. */
export interface SmileEvents {
  /**
   * Emits an event to every active subscription for its type or ALL_EVENTS. `data` fields left out
   * are filled with seeded values for `user`; the result must pass the type's schema in the spec.
   */
  emit(type: SmileEventType, user: User | undefined, data?: Data): WebhookEvent;
  reset(): void;
}

/**
 * Creates the emitter.
 * @example const smileEvents = createSmileEvents({ clock, outbox, webhooks, sign, seed: 1, retryDelays: [30_000, 60_000] });
 */
export function createSmileEvents(context: SmileEventsContext): SmileEvents {
  const random = createRandom(context.seed ^ 0xe7e47);
  let faker = seededFaker(context.seed);

  /** Seeded `data` for an event type, about `user` (or a made-up one); only what the type needs is drawn. */
  const sample = (type: SmileEventType, user: User | undefined): Data => {
    const userId = user?.id ?? `tenant-${random.hex(32)}`;
    let account: Data | undefined;
    const sampler: Sampler = {
      userId,
      session: user?.session ?? { userId, channel: 'Default', status: 'IN_PROGRESS' },
      now: context.clock.now(),
      id: (prefix, length = 24) => `${prefix}${random.hex(length)}`,
      count: () => 1 + random.int(12),
      account: () => {
        account ??= { userId, accountId: `a-${random.hex(24)}`, providers: [PROVIDERS[random.int(PROVIDERS.length)] as string] };
        return account;
      },
      loginName: () => faker.internet.email().toLowerCase(),
      payload: () => ({
        identities: [{ fullName: faker.person.fullName(), email: faker.internet.email().toLowerCase() }],
        employments: [{ employerName: faker.company.name(), jobTitle: faker.person.jobTitle() }],
      }),
    };
    return SHAPES[FAMILY[type]](sampler);
  };

  return {
    emit(type, user, data) {
      const body = { id: random.hex(32), version: 1, type, createdAt: isoSeconds(context.clock.now()), data: { ...sample(type, user), ...data } };
      const violations = check(events[type].validate, body, 'event');
      if (violations.length > 0) throw rejection('invalid-event', 'the event breaks the spec', violations);
      const text = JSON.stringify(body);
      // Datapoint payloads go only to subscriptions that asked for them with includePayload.
      const { payload, ...lean } = body.data;
      const leanText = WITH_PAYLOAD.has(type) && payload !== undefined ? JSON.stringify({ ...body, data: lean }) : text;
      const messages: Message[] = [];
      for (const webhook of context.webhooks.subscribedTo(type)) {
        const sent = webhook.includePayload ? text : leanText;
        messages.push({
          subscriptionId: webhook.id,
          url: webhook.url,
          body: sent,
          headers: context.sign(webhook.secret, sent).then((signature) => ({ 'content-type': 'application/json', 'smile-signature': signature })),
          retryDelays: context.retryDelays,
          accepts: (status) => status >= 200 && status < 300,
        });
      }
      return context.outbox.publish({ api: 'smile', type, id: body.id, createdAt: body.createdAt, body }, messages);
    },
    reset() {
      random.reset();
      faker = seededFaker(context.seed);
    },
  };
}

type Family =
  | 'user'
  | 'sessionReset'
  | 'sessionCompleted'
  | 'account'
  | 'accountConnected'
  | 'accountFailed'
  | 'taskStarted'
  | 'taskFinished'
  | 'syncFinished'
  | 'archive'
  | 'archiveFailed'
  | 'invite'
  | 'identity'
  | 'rating'
  | 'item'
  | 'recordsAdded'
  | 'recordsUpdated'
  | 'recordsUpdatedInRange'
  | 'verificationStarted'
  | 'verificationCompleted'
  | 'recordCreated'
  | 'recordCompleted';

/** Which shape of `data` each type carries, grouped as the spec's event schemas group them. */
const FAMILY: Record<SmileEventType, Family> = {
  USER_CREATED: 'user',
  USER_SESSION_RESET: 'sessionReset',
  USER_SESSION_COMPLETED: 'sessionCompleted',
  ACCOUNT_CREATED: 'account',
  ACCOUNT_DISCONNECTED: 'account',
  ACCOUNT_CONNECTED: 'accountConnected',
  ACCOUNT_FAILED: 'accountFailed',
  TASK_STARTED: 'taskStarted',
  TASK_FINISHED: 'taskFinished',
  ACCOUNT_SYNC_TASK_FINISHED: 'syncFinished',
  ARCHIVE_STARTED: 'archive',
  ARCHIVE_ANALYZED: 'archive',
  ARCHIVE_REVOKED: 'archive',
  ARCHIVE_FAILED: 'archiveFailed',
  INVITE_INVITED: 'invite',
  INVITE_LINKED: 'invite',
  IDENTITY_ADDED: 'identity',
  RATING_ADDED: 'rating',
  INSIGHT_ADDED: 'item',
  LINK_ADDED: 'item',
  TRANSACTIONS_ADDED: 'recordsAdded',
  DOCUMENTS_ADDED: 'recordsAdded',
  EMPLOYMENTS_ADDED: 'recordsAdded',
  INCOMES_ADDED: 'recordsAdded',
  EINCOMES_ADDED: 'recordsAdded',
  LIABILITIES_ADDED: 'recordsAdded',
  CONTRIBUTIONS_ADDED: 'recordsAdded',
  DOCUMENTS_UPDATED: 'recordsUpdated',
  EMPLOYMENTS_UPDATED: 'recordsUpdated',
  LIABILITIES_UPDATED: 'recordsUpdated',
  CONTRIBUTIONS_UPDATED: 'recordsUpdatedInRange',
  EINCOMES_UPDATED: 'recordsUpdatedInRange',
  INCOMES_UPDATED: 'recordsUpdatedInRange',
  VERIFICATION_STARTED: 'verificationStarted',
  VERIFICATION_COMPLETED: 'verificationCompleted',
  RECORD_CREATED: 'recordCreated',
  RECORD_COMPLETED: 'recordCompleted',
};

/** What the shapes draw from: fixed facts, and seeded values drawn only when asked for. */
interface Sampler {
  userId: string;
  session: NonNullable<User['session']>;
  now: number;
  id(prefix: string, length?: number): string;
  count(): number;
  /** The same account for every use within one event. */
  account(): Data;
  loginName(): string;
  payload(): Data;
}

const source = (s: Sampler) => {
  const account = s.account();
  return { userId: s.userId, sourceId: account.accountId, sourceType: 'ACCOUNT', providers: account.providers };
};

/** Seeded `data` of each family, valid against its schema in the spec. */
const SHAPES: Record<Family, (s: Sampler) => Data> = {
  user: (s) => ({ userId: s.userId }),
  sessionReset: (s) => ({ session: { ...s.session, status: 'IN_PROGRESS' } }),
  sessionCompleted: (s) => {
    const completed = { ...s.session, status: 'COMPLETED' as const };
    return { session: completed, payload: sessionPayload(completed) };
  },
  account: (s) => s.account(),
  accountConnected: (s) => ({ ...s.account(), loginName: s.loginName() }),
  accountFailed: (s) => ({
    ...s.account(),
    loginName: s.loginName(),
    errorCode: 'INVALID_CREDENTIALS',
    errorMessage: 'The provider refused the login details',
  }),
  taskStarted: (s) => ({ ...source(s), taskType: 'ACCOUNT_SYNC' }),
  taskFinished: (s) => ({ ...source(s), taskType: 'ACCOUNT_SYNC', status: 'SUCCEEDED', datapoints: DATAPOINTS, payload: s.payload() }),
  syncFinished: (s) => ({ ...source(s), status: 'SUCCEEDED', monitorStatus: 'ACTIVE', datapoints: DATAPOINTS, payload: s.payload() }),
  archive: (s) => ({ userId: s.userId, archiveId: s.id('archive-') }),
  archiveFailed: (s) => ({ userId: s.userId, archiveId: s.id('archive-'), errorCode: 'UNREADABLE_FILE', errorMessage: 'The file could not be read' }),
  invite: (s) => ({ userId: s.userId, inviteId: s.id('invite-') }),
  identity: (s) => ({ ...s.account(), identityId: s.id('identity-') }),
  rating: (s) => ({ ...s.account(), ratingId: s.id('rating-') }),
  item: (s) => ({ ...s.account(), id: s.id('') }),
  recordsAdded: (s) => ({ ...s.account(), count: s.count() }),
  recordsUpdated: (s) => {
    const count = s.count();
    return { ...s.account(), count, updatedIds: Array.from({ length: count }, () => s.id('')), updatedAt: isoSeconds(s.now) };
  },
  recordsUpdatedInRange: (s) => ({
    ...s.account(),
    count: s.count(),
    updatedFrom: isoSeconds(s.now - 30 * 86_400_000),
    updatedTo: isoSeconds(s.now),
    updatedAt: isoSeconds(s.now),
  }),
  verificationStarted: (s) => ({ verificationId: s.id('ver-', 32) }),
  verificationCompleted: (s) => ({
    verificationId: s.id('ver-', 32),
    resultCode: 'SUCCESS',
    resultMessage: 'Verification completed successfully',
    result: { finalMatches: true, names: { firstNameMatches: true, lastNameMatches: true, fullNameMatches: true } },
  }),
  recordCreated: (s) => ({ recordId: s.id('record-'), recordType: 'SOCIAL_SECURITY' }),
  recordCompleted: (s) => ({ recordId: s.id('record-'), recordType: 'SOCIAL_SECURITY', status: 'COMPLETED', resultCode: 'SUCCESS' }),
};
