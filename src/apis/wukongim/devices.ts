/** WuKongIM device slots: one per (uid, device_flag), holding the token a device presents on connect. */
import { OrderedIndex } from '../../core/ordered-index.js';
import type { Slice } from '../../core/page.js';

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

/** The slots and user statuses of one mock instance. */
export class DeviceStore {
  private readonly slots = new Map<string, DeviceSlot>();
  private readonly slotsByUid = new Map<string, Set<DeviceSlot>>();
  private readonly statuses = new Map<string, UserStatus>();
  /**
   * Slots in the order they were first set, each numbered then: a page seeks the number in its
   * cursor. A number, unlike a uid, keeps a cursor short whatever the uids are.
   */
  private readonly order = new OrderedIndex<Numbered, DeviceSlot>((a, b) => this.numberOf(a) - this.numberOf(b));
  private readonly numbers = new WeakMap<DeviceSlot, number>();
  private numbered = 0;

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
    // An overwritten slot keeps its place; the new object takes the old one's number and index entry.
    this.numbers.set(slot, (previous && this.numbers.get(previous)) ?? ++this.numbered);
    this.order.set(slot);
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
    for (const slot of source) {
      // A slot no longer held (dropped from the map but not from the index) is passed over, never shown.
      if (this.slots.get(slotKey(slot.uid, slot.deviceFlag)) !== slot) continue;
      if (items.length === limit) return { items, next: this.numberOf(items[items.length - 1] as DeviceSlot), total: this.countOf(uid) };
      items.push(slot);
    }
    return { items, next: undefined, total: this.countOf(uid) };
  }

  status(uid: string): UserStatus {
    return this.statuses.get(uid) ?? 'active';
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
    for (const slot of saved.slots) this.put(slot);
    for (const [uid, status] of saved.statuses) this.setStatus(uid, status);
  }

  clear(): void {
    this.slots.clear();
    this.slotsByUid.clear();
    this.statuses.clear();
    this.order.clear();
    this.numbered = 0;
  }

  private numberOf(slot: Numbered): number {
    return 'number' in slot ? slot.number : (this.numbers.get(slot) ?? 0);
  }

  private ofUidAfter(uid: string, after: number | undefined): DeviceSlot[] {
    const slots = [...(this.slotsByUid.get(uid) ?? [])].sort((a, b) => this.numberOf(a) - this.numberOf(b));
    return after === undefined ? slots : slots.filter((slot) => this.numberOf(slot) > after);
  }

  private countOf(uid: string | undefined): number {
    return uid === undefined ? this.slots.size : (this.slotsByUid.get(uid)?.size ?? 0);
  }
}

/** A slot, or where a page of slots stopped: the number a slot got when it was first set. */
type Numbered = DeviceSlot | { number: number };
