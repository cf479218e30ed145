/** Smile webhook subscriptions: registered, listed, read and deleted (there is no update). */
import type { components } from '../../generated/smile.types.js';

/** A subscription as the API shows it. */
export type Webhook = components['schemas']['Webhook'];

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why a webhook URL is refused, or undefined when it is accepted. The real API takes only https;
 * the mock also takes http on a loopback host, so that a local receiver can listen, unless strict.
 */
export function webhookUrlProblem(url: string, strict: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `url "${url}" is not a valid URL`;
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && !strict && LOOPBACK.test(parsed.hostname)) return undefined;
  return strict ? 'url must begin with https://' : 'url must begin with https:// (or http:// on a loopback host)';
}

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
