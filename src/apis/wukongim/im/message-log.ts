/** A bounded log of the person-to-person messages the IM port relayed, newest kept (`GET /__mock/wukongim/messages`). */
import { heldArray, oldestFirst, type Slice } from '../../../core/page.js';
import { createRing, type Ring } from '../../../core/ring.js';
import type { components } from '../../../generated/admin.types.js';

/** One relayed message, as the control API shows it. */
export type ImMessage = components['schemas']['ImMessage'];

/** The newest messages, up to a bound; older ones are forgotten and counted. */
export class MessageLog {
  private readonly ring: Ring<ImMessage>;

  constructor(readonly capacity: number) {
    this.ring = createRing<ImMessage>(capacity);
  }

  add(message: ImMessage): void {
    this.ring.push(message);
  }

  /** Messages relayed since the last clear, including those no longer held. */
  get total(): number {
    return this.ring.total;
  }

  get size(): number {
    return this.ring.size;
  }

  /** Messages oldest first, after the message id `from`, optionally of one uid (as sender or recipient). */
  page(filter: { uid?: string }, from: number | undefined, limit: number): Slice<ImMessage, number> {
    const { uid } = filter;
    // Unfiltered, a binary search in the ring itself; of one uid, at most the bound's messages are scanned.
    const held = uid === undefined ? this.ring : heldArray(this.ring.items().filter((message) => message.from_uid === uid || message.channel_id === uid));
    const { items, next } = oldestFirst(held, (message) => message.message_id, { from, limit });
    return { items: items.map((message) => ({ ...message, delivered_to: [...message.delivered_to] })), next, total: held.size };
  }

  clear(): void {
    this.ring.clear();
  }
}
