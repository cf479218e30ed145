/** WuKongIM device slots: one per (uid, device_flag), holding the token a device presents on connect. */

import { type Bound, createBound } from '../../core/bounds.js';
import { OrderedIndex } from '../../core/ordered-index.js';
import type { Slice } from '../../core/page.js';
import { Queue } from '../../core/queue.js';

/** 0 slave, 1 master. */
export const DeviceLevel = { slave: 0, master: 1 } as const;

/** The flags `device_flag: -1` stands for in /user/device_quit: app, web and PC. */
export const ALL_DEVICE_FLAGS = [0, 1, 2] as const;

/** A stored slot. `token` is empty after /user/device_quit, which no connect can match. */
export interface DeviceSlot {
  uid: string;
  deviceFlag: number;
  deviceLevel: number;
  token: string;
  updatedAt: number;
  /** Epoch ms after which the token no longer authenticates, when a lifetime is configured. */
  expiresAt: number | null;
}

/** What a user can be: only active users log in. */
export type UserStatus = 'active' | 'banned' | 'disbanded';

/** The key of a slot: O(1) lookups by uid and device_flag. */
export const slotKey = (uid: string, deviceFlag: number): string => `${deviceFlag}:${uid}`;

/** The slots and user statuses of one mock instance. Past the bound, the least recently updated slot is forgotten. */
export class DeviceStore {
  private readonly slots = new Map<string, DeviceSlot>();
  private readonly slotsByUid = new Map<string, Set<DeviceSlot>>();
  private readonly statuses = new Map<string, UserStatus>();
  /**
   * The number each slot key got when its slot was first set: its place in the listing order, which
   * a new token keeps. A page seeks the number in its cursor; a number, unlike a uid, keeps a cursor
   * short whatever the uids are.
   */
  private readonly numbers = new Map<string, number>();
  /** Slot keys by number; an entry is added when a slot is first set, never on an overwrite. */
  private readonly order = new OrderedIndex<{ number: number }, Placed>((a, b) => a.number - b.number);
  private numbered = 0;
  /**
   * Every slot object put, oldest first; one replaced since is stale and skipped. A Map's own order
   * would do, but finding its first entry walks past every deleted one: about 27 µs a put once
   * 100,000 slots are updated and evicted.
   */
  private readonly updates = new Queue<DeviceSlot>();

  constructor(private readonly bound: Bound = createBound('wukongim-device-slots')) {}

  get size(): number {
    return this.slots.size;
  }

  get(uid: string, deviceFlag: number): DeviceSlot | undefined {
    return this.slots.get(slotKey(uid, deviceFlag));
  }

  /** Creates or overwrites the slot, as the server's /user/token does. */
  put(slot: DeviceSlot): void {
    const key = slotKey(slot.uid, slot.deviceFlag);
    const previous = this.slots.get(key);
    const owned = this.slotsByUid.get(slot.uid) ?? new Set();
    if (previous) owned.delete(previous);
    owned.add(slot);
    this.slotsByUid.set(slot.uid, owned);
    this.slots.set(key, slot);
    if (!this.numbers.has(key)) {
      this.numbered += 1;
      this.numbers.set(key, this.numbered);
      this.order.set({ number: this.numbered, key });
    }
    this.updates.push(slot);
    if (this.slots.size > this.bound.max) this.forgetLeastRecent();
    if (this.updates.length > 2 * this.slots.size + 1024) this.updates.keepIf((queued) => this.isCurrent(queued));
  }

  /** Forgets the least recently updated slot to make room. */
  private forgetLeastRecent(): void {
    for (let oldest = this.updates.shift(); oldest; oldest = this.updates.shift()) {
      if (!this.isCurrent(oldest)) continue;
      const key = slotKey(oldest.uid, oldest.deviceFlag);
      this.slots.delete(key);
      const number = this.numbers.get(key);
      this.numbers.delete(key);
      if (number !== undefined) this.order.delete({ number });
      const owned = this.slotsByUid.get(oldest.uid);
      owned?.delete(oldest);
      if (owned?.size === 0) this.slotsByUid.delete(oldest.uid);
      this.bound.noteEviction();
      return;
    }
  }

  /** Whether a slot object is the one stored for its uid and device_flag, not one replaced since. */
  private isCurrent(slot: DeviceSlot): boolean {
    return this.slots.get(slotKey(slot.uid, slot.deviceFlag)) === slot;
  }

  /** Slots of one uid, or all of them, ordered by uid then device_flag. */
  list(uid?: string): DeviceSlot[] {
    const slots = uid === undefined ? [...this.slots.values()] : [...(this.slotsByUid.get(uid) ?? [])];
    return slots.sort((a, b) => (a.uid === b.uid ? a.deviceFlag - b.deviceFlag : a.uid < b.uid ? -1 : 1));
  }

  /**
   * The `limit` slots after the slot numbered `after`, in the order slots were first set: O(log n +
   * limit) from the ordered index, or the slots of one uid (one per device_flag) sorted.
   * @example store.page({ after: 812, limit: 100 })
   */
  page(options: { uid?: string; after?: number; limit: number }): Slice<DeviceSlot, number> {
    const { uid, after, limit } = options;
    const source = uid === undefined ? this.order.after(after === undefined ? undefined : { number: after }) : this.ofUidAfter(uid, after);
    const items: DeviceSlot[] = [];
    let last = 0;
    for (const placed of source) {
      // A key whose slot is no longer held (dropped from the map but not from the index) is passed over.
      const slot = this.slots.get(placed.key);
      if (!slot) continue;
      if (items.length === limit) return { items, next: last, total: this.countOf(uid) };
      items.push(slot);
      last = placed.number;
    }
    return { items, next: undefined, total: this.countOf(uid) };
  }

  status(uid: string): UserStatus {
    return this.statuses.get(uid) ?? 'active';
  }

  /** Users whose status is not active. */
  get statusCount(): number {
    return this.statuses.size;
  }

  setStatus(uid: string, status: UserStatus): void {
    if (status === 'active') this.statuses.delete(uid);
    else this.statuses.set(uid, status);
  }

  /** Every slot and non-active status, for persistence. */
  snapshot(): { slots: DeviceSlot[]; statuses: [string, UserStatus][] } {
    return { slots: this.list(), statuses: [...this.statuses] };
  }

  restore(saved: { slots: DeviceSlot[]; statuses: [string, UserStatus][] }): void {
    this.clear();
    // Put back in update order, so that the least recently updated is still the first to go.
    for (const slot of [...saved.slots].sort((a, b) => a.updatedAt - b.updatedAt)) this.put(slot);
    for (const [uid, status] of saved.statuses) this.setStatus(uid, status);
  }

  clear(): void {
    this.slots.clear();
    this.slotsByUid.clear();
    this.statuses.clear();
    this.updates.clear();
    this.numbers.clear();
    this.order.clear();
    this.numbered = 0;
  }

  /** The places of one uid's slots (one per device_flag), in order, after the number `after`. */
  private ofUidAfter(uid: string, after: number | undefined): Placed[] {
    const placed: Placed[] = [];
    for (const slot of this.slotsByUid.get(uid) ?? []) {
      const key = slotKey(slot.uid, slot.deviceFlag);
      const number = this.numbers.get(key) ?? 0;
      if (after === undefined || number > after) placed.push({ number, key });
    }
    return placed.sort((a, b) => a.number - b.number);
  }

  private countOf(uid: string | undefined): number {
    return uid === undefined ? this.slots.size : (this.slotsByUid.get(uid)?.size ?? 0);
  }
}

/** Where a slot sits in the listing order: the number its key got when it was first set. */
interface Placed {
  number: number;
  key: string;
}
