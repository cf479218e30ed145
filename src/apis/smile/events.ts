/**
 * Smile webhook events: the envelope, plausible seeded `data` for every type the spec defines, and
 * the fan-out to subscriptions with the `Smile-Signature` header.
 */
import { base, en, Faker } from '@faker-js/faker';
import { type Clock, isoSeconds } from '../../core/clock.js';
import type { WebhookSigner } from '../../core/hmac.js';
import { EventRejected, type Message, type Outbox, type WebhookEvent } from '../../core/outbox.js';
import { createRandom } from '../../core/random.js';
import { check, describe } from '../../core/validation.js';
import { events } from '../../generated/smile.operations.js';
import type { User } from './users.js';
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
  let faker = new Faker({ locale: [en, base], seed: context.seed });

  /** Seeded `data` for an event type, about `user` (or a made-up one). */
  const sample = (type: SmileEventType, user: User | undefined): Data => {
    const userId = user?.id ?? `tenant-${random.hex(32)}`;
    const session = user?.session ?? { userId, channel: 'Default' as const, status: 'IN_PROGRESS' as const };
    const providers = [PROVIDERS[random.int(PROVIDERS.length)] as string];
    const account = { userId, accountId: `a-${random.hex(24)}`, providers };
    const now = context.clock.now();
    const count = 1 + random.int(12);
    const source = { userId, sourceId: account.accountId, sourceType: 'ACCOUNT', providers };
    const loginName = () => faker.internet.email().toLowerCase();
    const payload = () => ({
      identities: [{ fullName: faker.person.fullName(), email: loginName() }],
      employments: [{ employerName: faker.company.name(), jobTitle: faker.person.jobTitle() }],
    });
    const shapes: Record<Family, () => Data> = {
      user: () => ({ userId }),
      sessionReset: () => ({ session: { ...session, status: 'IN_PROGRESS' } }),
      sessionCompleted: () => {
        const completed = { ...session, status: 'COMPLETED' };
        return { session: completed, payload: { metadata: completed, forms: [], accounts: [], archives: [] } };
      },
      account: () => account,
      accountConnected: () => ({ ...account, loginName: loginName() }),
      accountFailed: () => ({ ...account, loginName: loginName(), errorCode: 'INVALID_CREDENTIALS', errorMessage: 'The provider refused the login details' }),
      taskStarted: () => ({ ...source, taskType: 'ACCOUNT_SYNC' }),
      taskFinished: () => ({ ...source, taskType: 'ACCOUNT_SYNC', status: 'SUCCEEDED', datapoints: DATAPOINTS, payload: payload() }),
      syncFinished: () => ({ ...source, status: 'SUCCEEDED', monitorStatus: 'ACTIVE', datapoints: DATAPOINTS, payload: payload() }),
      archive: () => ({ userId, archiveId: `archive-${random.hex(24)}` }),
      archiveFailed: () => ({ userId, archiveId: `archive-${random.hex(24)}`, errorCode: 'UNREADABLE_FILE', errorMessage: 'The file could not be read' }),
      invite: () => ({ userId, inviteId: `invite-${random.hex(24)}` }),
      identity: () => ({ ...account, identityId: `identity-${random.hex(24)}` }),
      rating: () => ({ ...account, ratingId: `rating-${random.hex(24)}` }),
      item: () => ({ ...account, id: random.hex(24) }),
      recordsAdded: () => ({ ...account, count }),
      recordsUpdated: () => ({ ...account, count, updatedIds: Array.from({ length: count }, () => random.hex(24)), updatedAt: isoSeconds(now) }),
      recordsUpdatedInRange: () => ({
        ...account,
        count,
        updatedFrom: isoSeconds(now - 30 * 86_400_000),
        updatedTo: isoSeconds(now),
        updatedAt: isoSeconds(now),
      }),
      verificationStarted: () => ({ verificationId: `ver-${random.hex(32)}` }),
      verificationCompleted: () => ({
        verificationId: `ver-${random.hex(32)}`,
        resultCode: 'SUCCESS',
        resultMessage: 'Verification completed successfully',
        result: { finalMatches: true, names: { firstNameMatches: true, lastNameMatches: true, fullNameMatches: true } },
      }),
      recordCreated: () => ({ recordId: `record-${random.hex(24)}`, recordType: 'SOCIAL_SECURITY' }),
      recordCompleted: () => ({ recordId: `record-${random.hex(24)}`, recordType: 'SOCIAL_SECURITY', status: 'COMPLETED', resultCode: 'SUCCESS' }),
    };
    return shapes[FAMILY[type]]();
  };

  return {
    emit(type, user, data) {
      const body = { id: random.hex(32), version: 1, type, createdAt: isoSeconds(context.clock.now()), data: { ...sample(type, user), ...data } };
      const violations = check(events[type].validate, body, 'event').map(describe);
      if (violations.length > 0) throw new EventRejected(violations);
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
      faker = new Faker({ locale: [en, base], seed: context.seed });
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
