/**
 * The `user.onlinestatus` webhook: POSTed to `{url}?event=user.onlinestatus` with the entries as a
 * JSON string array and no envelope. As on the server, only a 200 counts, and a batch is dropped after
 * five failed attempts.
 */
import type { Clock } from '../../core/clock.js';
import type { WebhookEvent } from '../../core/delivery-log.js';
import type { Outbox } from '../../core/outbox.js';
import { createRandom } from '../../core/random.js';
import { receiverProblem } from '../../core/receiver-url.js';
import { check, rejection } from '../../core/validation.js';
import { events } from '../../generated/wukongim.operations.js';

export const ONLINE_STATUS_EVENT = 'user.onlinestatus';

export interface OnlineStatusWebhookContext {
  clock: Clock;
  outbox: Outbox;
  /** Where the server would POST; without it, events are still published to in-process listeners. */
  url?: string;
  /** Plain http to private addresses and named hosts is allowed (the server's webhook address usually is one). */
  allowPrivateHttp?: boolean;
  /** Mock-clock ms before each retry; four delays make the server's five attempts. */
  retryDelays: readonly number[];
  /** Feeds the event ids the journal tells batches apart by (the server sends none). */
  seed: number;
}

/** Sends online-status batches. */
export interface OnlineStatusWebhook {
  send(entries: string[]): WebhookEvent;
  reset(): void;
}

/**
 * Creates the webhook. The URL is checked here, so a bad `--wukongim-webhook` fails at start.
 * @example const webhook = createOnlineStatusWebhook({ clock, outbox, url: 'http://127.0.0.1:9000/hook', retryDelays: [1000, 1000, 1000, 1000], seed: 1 });
 */
export function createOnlineStatusWebhook(context: OnlineStatusWebhookContext): OnlineStatusWebhook {
  let target: string | undefined;
  if (context.url !== undefined) {
    const problem = receiverProblem(context.url, { allowPrivateHttp: context.allowPrivateHttp });
    if (problem) throw new RangeError(`the WuKongIM webhook ${problem.replace(/^url /, '')}`);
    const url = new URL(context.url);
    url.searchParams.set('event', ONLINE_STATUS_EVENT);
    target = url.href;
  }
  const random = createRandom(context.seed ^ 0x0111e);
  return {
    send(entries) {
      const violations = check(events[ONLINE_STATUS_EVENT].validate, entries, 'event');
      // The entries are what an emit request gives as its `data`.
      if (violations.length > 0) throw rejection('invalid-event', 'the event breaks the spec', violations, '/data');
      const body = JSON.stringify(entries);
      const messages =
        target === undefined
          ? []
          : [
              {
                subscriptionId: 'wukongim',
                url: target,
                body,
                headers: { 'content-type': 'application/json' },
                retryDelays: context.retryDelays,
                accepts: (status: number) => status === 200,
              },
            ];
      return context.outbox.publish(
        { api: 'wukongim', type: ONLINE_STATUS_EVENT, id: random.hex(32), createdAt: context.clock.iso(), body: entries },
        messages,
      );
    },
    reset: () => random.reset(),
  };
}
