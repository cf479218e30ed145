/**
 * The Smile webhook-subscription operations: register (its URL checked by the receiver policy, up to
 * the bound), list, read and delete. The spec's `webhooks:` operations are events the mock sends, not
 * requests it serves (events.ts).
 */
import type { Limit } from '../../core/bounds.js';
import { type Clock, isoSeconds } from '../../core/clock.js';
import { MockError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { type ReceiverPolicy, receiverProblem } from '../../core/receiver-url.js';
import type { HandlerTable } from '../../core/typed.js';
import type { operations as Operations } from '../../generated/smile.types.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Envelopes } from './errors.js';
import type { Webhook, WebhookRequest, WebhookStore } from './webhooks.js';

type WebhookOperations = Pick<Operations, 'createWebhook' | 'listWebhooks' | 'getWebhook' | 'deleteWebhook'>;

export interface WebhookParts {
  clock: Clock;
  random: Random;
  webhooks: WebhookStore;
  limit: Limit;
  receivers: ReceiverPolicy;
  envelopes: Envelopes;
}

/** Builds the webhook handlers, and `register`, the service's way to subscribe (a refused URL throws). */
export function createWebhookOperations({ clock, random, webhooks, limit, receivers, envelopes: { ok, done, error } }: WebhookParts) {
  const missing = (id: string) => error(404, 'MISSING_RESOURCE', `Webhook ${id} does not exist`);

  /** Adds a subscription whose URL passed the receiver policy; at the bound, throws `bound-reached`. */
  const add = (body: WebhookRequest): Webhook => {
    limit.admit(webhooks.size);
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

  const register = (body: WebhookRequest): Webhook => {
    const problem = receiverProblem(body.url, receivers);
    if (problem) throw new MockError('invalid-event', `the webhook's ${problem}`);
    return add(body);
  };

  const handlers: HandlerTable<WebhookOperations> = {
    createWebhook({ body }) {
      const problem = receiverProblem(body.url, receivers);
      return problem ? error(400, 'INVALID_PARAMETERS', `body/${problem}`) : ok(add(body));
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
      return webhook ? ok(webhook) : missing(params.id);
    },

    deleteWebhook({ params }) {
      return webhooks.delete(params.id) ? done() : missing(params.id);
    },
  };

  return { handlers, register };
}
