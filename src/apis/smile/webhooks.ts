/** Smile webhook subscriptions: registered, listed, read and deleted (there is no update). */
import type { components } from '../../generated/smile.types.js';

/** A subscription as the API shows it. */
export type Webhook = components['schemas']['Webhook'];

/** The subscriptions of one mock instance, in creation order. */
export class WebhookStore {
  private readonly byId = new Map<string, Webhook>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Webhook | undefined {
    return this.byId.get(id);
  }

  add(webhook: Webhook): void {
    this.byId.set(webhook.id, webhook);
  }

  /** Active subscriptions for an event type, directly or through ALL_EVENTS; an inactive one never fires. */
  *subscribedTo(type: string): Iterable<Webhook> {
    for (const webhook of this.byId.values()) {
      if (webhook.active && webhook.eventTypes.some((wanted) => wanted === type || wanted === 'ALL_EVENTS')) yield webhook;
    }
  }

  delete(id: string): boolean {
    return this.byId.delete(id);
  }

  /** Up to `size` webhooks after the one with id `after`, oldest first; `next` is set while more follow. */
  page(size: number, after?: string): { items: Webhook[]; next?: string } {
    const all = [...this.byId.values()];
    const start = after === undefined ? 0 : all.findIndex((webhook) => webhook.id === after) + 1;
    const items = all.slice(start, start + size);
    return start + size < all.length ? { items, next: items.at(-1)?.id } : { items };
  }

  /** Every subscription, in creation order. */
  all(): Webhook[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
  }
}
