/** Smile webhook subscriptions: registered, listed, read and deleted (there is no update). */
import { heldArray, oldestFirst } from '../../core/page.js';
import type { components } from '../../generated/smile.types.js';

/** A subscription as the API shows it. */
export type Webhook = components['schemas']['Webhook'];
/** What `POST /webhooks` is given. */
export type WebhookRequest = components['schemas']['WebhookPostRequest'];

/** A subscription and the number it was given when added. */
export interface Entry {
  /** Numbered as added, never reused, so a page anchored on a deleted subscription goes on after it. */
  seq: number;
  webhook: Webhook;
}

/** The subscriptions of one mock instance, in creation order. */
export class WebhookStore {
  private readonly byId = new Map<string, Entry>();
  /** Oldest first; ascending `seq`. */
  private ordered: Entry[] = [];
  // Never reset, not even by clear(): a cursor taken before a reset must not skip what came after it.
  private seq = 0;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Webhook | undefined {
    return this.byId.get(id)?.webhook;
  }

  add(webhook: Webhook): void {
    this.delete(webhook.id);
    this.seq += 1;
    const entry = { seq: this.seq, webhook };
    this.byId.set(webhook.id, entry);
    this.ordered.push(entry);
  }

  /** Active subscriptions for an event type, directly or through ALL_EVENTS; an inactive one never fires. */
  *subscribedTo(type: string): Iterable<Webhook> {
    for (const { webhook } of this.byId.values()) {
      if (webhook.active && webhook.eventTypes.some((wanted) => wanted === type || wanted === 'ALL_EVENTS')) yield webhook;
    }
  }

  delete(id: string): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.byId.delete(id);
    this.ordered.splice(this.ordered.indexOf(entry), 1);
    return true;
  }

  /**
   * Up to `size` webhooks added after the one numbered `after`, oldest first; `next` (the number of
   * the last one shown) is set while more follow. The anchor need not exist any more.
   */
  page(size: number, after?: number): { items: Webhook[]; next?: number } {
    const { items, next } = oldestFirst(heldArray(this.ordered), (entry) => entry.seq, { from: after, limit: size });
    const webhooks = items.map((entry) => entry.webhook);
    return next === undefined ? { items: webhooks } : { items: webhooks, next };
  }

  /** Every subscription, in creation order. */
  all(): Webhook[] {
    return this.ordered.map((entry) => entry.webhook);
  }

  /** Every subscription with its number, in creation order (the numbers ascend). */
  numbered(): readonly Entry[] {
    return this.ordered;
  }

  clear(): void {
    this.byId.clear();
    this.ordered = [];
  }
}
