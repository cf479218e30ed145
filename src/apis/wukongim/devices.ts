/** WuKongIM device slots: one per (uid, device_flag), holding the token a device presents on connect. */
import { type Bound, createBound } from '../../core/bounds.js';
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
    this.updates.push(slot);
    if (this.slots.size > this.bound.max) this.forgetLeastRecent();
    if (this.updates.length > 2 * this.slots.size + 1024) this.updates.keepIf((queued) => this.isCurrent(queued));
  }

  /** Forgets the least recently updated slot to make room. */
  private forgetLeastRecent(): void {
    for (let oldest = this.updates.shift(); oldest; oldest = this.updates.shift()) {
      if (!this.isCurrent(oldest)) continue;
      this.slots.delete(slotKey(oldest.uid, oldest.deviceFlag));
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
    // Put back in update order, so that the least recently updated is still the first to go.
    for (const slot of [...saved.slots].sort((a, b) => a.updatedAt - b.updatedAt)) this.put(slot);
    for (const [uid, status] of saved.statuses) this.setStatus(uid, status);
  }

  clear(): void {
    this.slots.clear();
    this.slotsByUid.clear();
    this.statuses.clear();
    this.updates.clear();
  }
}
