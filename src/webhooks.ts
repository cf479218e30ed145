/** The webhooks face of a mock: emit any event the specs define, read the delivery journal, wait on deliveries. */

import { SMILE_EVENT_TYPES, type SmileEventType } from './apis/smile/events.js';
import type { SmileService } from './apis/smile/index.js';
import type { WukongimService } from './apis/wukongim/index.js';
import { ONLINE_STATUS_EVENT } from './apis/wukongim/webhook.js';
import type { DeliveryAttempt, DeliveryObserver, DeliveryStats, Outcome, WebhookEvent } from './core/delivery-log.js';
import { MockError } from './core/errors.js';
import type { Outbox, WebhookApi } from './core/outbox.js';
import { heldArray, newestFirst, type Slice } from './core/page.js';
import type { components } from './generated/admin.types.js';

/**
 * A scripted event: its type, and optionally whom it is about (`userId`, default a seeded one) and
 * its data (Smile: fields over seeded ones; WuKongIM: the entries array), as the control API takes it.
 */
export type EmitRequest = components['schemas']['EmitRequest'];

/** Which attempts to list. */
export interface DeliveryFilter {
  api?: WebhookApi;
  type?: string;
  eventId?: string;
  outcome?: Outcome;
}

export interface Webhooks extends Pick<DeliveryObserver, 'events' | 'waitFor' | 'on' | 'onAttempt' | 'capacity'>, Pick<Outbox, 'idle' | 'drain'> {
  /** Counters since the last reset, and how the pending deliveries are split (queued, on the wire, retrying). */
  stats(): DeliveryStats;
  /** Emits an event now; throws a MockError of kind `invalid-event`, naming the fields, when it would break the spec. */
  emit(request: EmitRequest): WebhookEvent;
  /** Journaled attempts, oldest first. */
  deliveries(filter?: DeliveryFilter): DeliveryAttempt[];
  /** A page of journaled attempts, newest first, from below the attempt id `from`. */
  deliveryPage(filter: DeliveryFilter, from: number | undefined, limit: number): Slice<DeliveryAttempt, number>;
  /**
   * A page of held events, newest first, from below the event numbered `from`: events are numbered
   * from 1 in emission order since the last reset, so a page's anchor outlives the ring.
   */
  eventPage(from: number | undefined, limit: number): Slice<WebhookEvent, number>;
}

/** A refusal of an emit request, pointing at the part of it that is wrong. */
const refused = (path: string, message: string) => new MockError('invalid-event', message, { errors: [{ path, message }] });

/**
 * Creates the webhooks face over the delivery engine, its log and the two APIs.
 * @example const webhooks = createWebhooks(outbox, log, { smile, wukongim }); webhooks.emit({ api: 'smile', type: 'ACCOUNT_CONNECTED' });
 */
export function createWebhooks(outbox: Outbox, log: DeliveryObserver, apis: { smile: SmileService; wukongim: WukongimService }): Webhooks {
  const deliveries = (filter: DeliveryFilter = {}) =>
    log
      .attempts()
      .filter(
        (attempt) =>
          (filter.api === undefined || attempt.api === filter.api) &&
          (filter.type === undefined || attempt.type === filter.type) &&
          (filter.eventId === undefined || attempt.eventId === filter.eventId) &&
          (filter.outcome === undefined || attempt.outcome === filter.outcome),
      );
  return {
    emit(request) {
      if (request.api === 'wukongim') {
        if (request.type !== ONLINE_STATUS_EVENT)
          throw refused('/type', `type "${request.type}" is not a WuKongIM event: the only one is ${ONLINE_STATUS_EVENT}`);
        if (request.data !== undefined && !Array.isArray(request.data)) throw refused('/data', 'data must be an array of online-status entries');
        return apis.wukongim.emitOnlineStatus({ uid: request.userId, entries: request.data as string[] | undefined });
      }
      if (!SMILE_EVENT_TYPES.includes(request.type as SmileEventType))
        throw refused('/type', `type "${request.type}" is not a Smile event type: use one of ${SMILE_EVENT_TYPES.join(', ')}`);
      if (request.data !== undefined && (request.data === null || typeof request.data !== 'object' || Array.isArray(request.data)))
        throw refused('/data', 'data must be an object: the fields of the event data');
      return apis.smile.emit(request.type as SmileEventType, { userId: request.userId, data: request.data as Record<string, unknown> | undefined });
    },
    deliveries,
    deliveryPage(filter, from, limit) {
      // The delivery journal is a bounded ring (`webhooks.journalSize`): filtering it whole is bounded too.
      const matching = deliveries(filter);
      return { ...newestFirst(heldArray(matching), (attempt) => attempt.id, { from, limit }), total: matching.length };
    },
    eventPage(from, limit) {
      const events = log.events();
      // The ring holds the newest events: the first one held is numbered after every event it let go.
      const first = log.stats().events - events.length + 1;
      const positions = { size: events.length, at: (index: number) => index };
      const { items, next } = newestFirst(positions, (index) => first + index, { from, limit });
      return { items: items.map((index) => events[index] as WebhookEvent), next, total: events.length };
    },
    capacity: log.capacity,
    stats: () => ({ ...log.stats(), ...outbox.outstanding() }),
    events: () => log.events(),
    waitFor: (type, predicate, options) => log.waitFor(type, predicate, options),
    on: (type, listener) => log.on(type, listener),
    onAttempt: (listener) => log.onAttempt(listener),
    idle: () => outbox.idle(),
    drain: (ms) => outbox.drain(ms),
  };
}
