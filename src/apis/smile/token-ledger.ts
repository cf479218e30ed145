/** The link tokens a Smile mock holds: a ring of columns in issue order, bounded, forgetting spent tokens after a retention period. */
import type { Bound } from '../../core/bounds.js';
import { Queue } from '../../core/queue.js';

/** A token's state bits. */
export const USED = 1;
export const REVOKED = 2;
export const PRODUCTION = 4;
export const EXPIRED = 8;
/** The bits that mean a token can no longer be used. */
const SPENT = USED | REVOKED | EXPIRED;
/** A token id carries the low 32 bits of its slot. */
const ID_SLOT_RANGE = 2 ** 32;

/** The held tokens as plain columns, in issue order, for persistence. A forgotten token's id is empty. */
export interface TokenColumns {
  ids: string[];
  userIds: string[];
  /** When each token stops being usable: its expiry, or the instant it was used, revoked or expired early. */
  expiries: number[];
  flags: number[];
  /** The slot of the first column (0 in snapshots taken before tokens were forgotten). */
  base?: number;
}

/** What the ledger knows of a token id: its slot, or that it was forgotten. */
export type Lookup = number | 'forgotten' | undefined;

/**
 * The held tokens. Slot numbers count issued tokens since the reset; slot `s` lives in column `s % bound`,
 * so finding a token stays an array read while the oldest are dropped from the front. A token used,
 * revoked or expired early leaves a hole when it is forgotten; the front skips holes as it reaches them.
 * @example const ledger = new TokenLedger(createBound('smile-tokens'), 3_600_000, false); ledger.add('tk-…', 'tenant-…', expiresAt, 0);
 */
export class TokenLedger {
  // Columns rather than an object per token: a load test issues hundreds of thousands, and objects
  // would make every garbage collection walk them all.
  private readonly ids: string[] = [];
  private readonly userIds: string[] = [];
  private readonly until: number[] = [];
  private readonly flags: number[] = [];
  /** The slot of the oldest column still in the ring (held, or a hole). */
  private base = 0;
  /** The slot the next token gets. */
  private next = 0;
  /** Forgotten tokens between `base` and `next`. */
  private holes = 0;
  /** Slots of tokens that stopped being usable before their expiry, in the order they stopped. */
  private readonly spent = new Queue<number>();
  private forgottenCount = 0;
  /** Each user's newest token, kept only when a refresh revokes the older ones. */
  private readonly latest: Map<string, number> | undefined;

  constructor(
    private readonly bound: Bound,
    /** How long a token is kept once it can no longer be used, in ms of the mock's clock. */
    readonly retention: number,
    trackLatest: boolean,
  ) {
    this.latest = trackLatest ? new Map() : undefined;
  }

  /** How many tokens are held. */
  get held(): number {
    return this.next - this.base - this.holes;
  }

  /** Tokens forgotten after the retention period since the last reset. */
  get forgotten(): number {
    return this.forgottenCount;
  }

  /** The slot the next token gets: its id must carry it. */
  get nextSlot(): number {
    return this.next;
  }

  /** Records a new token, making room past the bound by dropping the oldest. */
  add(id: string, userId: string, until: number, flags: number): void {
    this.latest?.set(userId, this.next);
    this.place(id, userId, until, flags);
  }

  /** Finds a token by its id and the low 32 bits of its slot (which the id carries). */
  find(id: string, slotBits: number): Lookup {
    // The held slots span fewer than 2^32, so the nearest slot at or below `next - 1` with these low bits is the one.
    const slot = this.next - 1 - ((((this.next - 1 - slotBits) % ID_SLOT_RANGE) + ID_SLOT_RANGE) % ID_SLOT_RANGE);
    if (slot < 0) return undefined;
    if (slot < this.base) return 'forgotten';
    const stored = this.ids[slot % this.bound.max];
    if (stored === id) return slot;
    return stored === '' ? 'forgotten' : undefined;
  }

  flagsOf(slot: number): number {
    return this.flags[slot % this.bound.max] as number;
  }

  untilOf(slot: number): number {
    return this.until[slot % this.bound.max] as number;
  }

  userIdOf(slot: number): string {
    return this.userIds[slot % this.bound.max] as string;
  }

  /** Marks a usable token used, revoked or expired at `now`: the retention period starts then. */
  spend(slot: number, flag: number, now: number): void {
    const column = slot % this.bound.max;
    const flags = this.flags[column] as number;
    this.flags[column] = flags | flag;
    if (flags & SPENT) return;
    this.until[column] = Math.min(this.until[column] as number, now);
    this.spent.push(slot);
    // Entries of tokens dropped to make room wait behind the oldest spent one still held; shed them
    // before they outnumber the tokens.
    if (this.spent.length > 2 * this.held + 1024) this.spent.keepIf((queued) => queued >= this.base && this.ids[queued % this.bound.max] !== '');
  }

  /** Revokes a user's newest token if it is still usable (each refresh revoked the ones before it). */
  revokeLatest(userId: string, now: number): void {
    const slot = this.latest?.get(userId);
    if (slot !== undefined && slot >= this.base && this.ids[slot % this.bound.max] !== '') this.spend(slot, REVOKED, now);
  }

  /** Forgets every token that has been unusable for the retention period by `now`. */
  sweep(now: number): void {
    // Tokens spent early, in the order they were spent; the mock's clock only moves on, mostly.
    while (this.spent.length > 0) {
      const slot = this.spent.peek() as number;
      const held = slot >= this.base && this.ids[slot % this.bound.max] !== '';
      if (held && (this.until[slot % this.bound.max] as number) + this.retention > now) break;
      this.spent.shift();
      if (held) this.forget(slot);
    }
    // Tokens that expired, oldest first: expiry follows issue order while the lifetime stays the same.
    while (this.base < this.next) {
      const column = this.base % this.bound.max;
      if (this.ids[column] !== '') {
        if ((this.until[column] as number) + this.retention > now) break;
        this.forget(this.base);
      }
      this.holes -= 1;
      this.base += 1;
    }
  }

  /** Visits a user's unspent tokens that have not expired by `now`, oldest first: a scan, as only scripted steps ask. */
  forEachUsable(userId: string, now: number, visit: (slot: number) => void): void {
    for (let slot = this.base; slot < this.next; slot++) {
      const column = slot % this.bound.max;
      if (this.userIds[column] !== userId || (this.flags[column] as number) & SPENT) continue;
      if (now < (this.until[column] as number)) visit(slot);
    }
  }

  /** Visits every token of a user still held, spent or not, oldest first: a scan, as only the dashboard's detail asks. */
  forEachOf(userId: string, visit: (slot: number, id: string) => void): void {
    for (let slot = this.base; slot < this.next; slot++) {
      const column = slot % this.bound.max;
      const id = this.ids[column] as string;
      if (id !== '' && this.userIds[column] === userId) visit(slot, id);
    }
  }

  /** The held tokens as plain columns, for persistence. */
  snapshot(): TokenColumns {
    const columns: TokenColumns = { ids: [], userIds: [], expiries: [], flags: [], base: this.base };
    for (let slot = this.base; slot < this.next; slot++) {
      const column = slot % this.bound.max;
      columns.ids.push(this.ids[column] as string);
      columns.userIds.push(this.userIds[column] as string);
      columns.expiries.push(this.until[column] as number);
      columns.flags.push(this.flags[column] as number);
    }
    return columns;
  }

  /** Replaces every token with saved columns; past the bound, the oldest are dropped. */
  restore(saved: TokenColumns): void {
    this.clear();
    this.base = saved.base ?? 0;
    this.next = this.base;
    saved.ids.forEach((id, k) => {
      if (id !== '') this.add(id, saved.userIds[k] as string, saved.expiries[k] as number, saved.flags[k] as number);
      else {
        this.place('', '', 0, 0);
        this.holes += 1;
      }
    });
    const spent: number[] = [];
    for (let slot = this.base; slot < this.next; slot++) {
      const column = slot % this.bound.max;
      if (this.ids[column] !== '' && (this.flags[column] as number) & SPENT) spent.push(slot);
    }
    for (const slot of spent.sort((a, b) => this.untilOf(a) - this.untilOf(b))) this.spent.push(slot);
  }

  /** Forgets every token (reset). */
  clear(): void {
    this.ids.length = 0;
    this.userIds.length = 0;
    this.until.length = 0;
    this.flags.length = 0;
    this.base = 0;
    this.next = 0;
    this.holes = 0;
    this.forgottenCount = 0;
    this.spent.clear();
    this.latest?.clear();
  }

  /** Writes the next column, dropping the oldest first when the ring is full. */
  private place(id: string, userId: string, until: number, flags: number): void {
    if (this.next - this.base === this.bound.max) this.dropFront();
    const column = this.next % this.bound.max;
    this.ids[column] = id;
    this.userIds[column] = userId;
    this.until[column] = until;
    this.flags[column] = flags;
    this.next += 1;
  }

  /** Forgets a held token: its column becomes a hole, which the front skips when it gets there. */
  private forget(slot: number): void {
    this.release(slot);
    this.forgottenCount += 1;
    this.holes += 1;
  }

  /** Drops the oldest column to make room: a hole goes quietly, a held token is an eviction. */
  private dropFront(): void {
    if (this.ids[this.base % this.bound.max] === '') {
      this.holes -= 1;
    } else {
      this.release(this.base);
      this.bound.noteEviction();
    }
    this.base += 1;
  }

  /** Lets go of a token's strings; its numbers stay until the column is reused. */
  private release(slot: number): void {
    const column = slot % this.bound.max;
    const userId = this.userIds[column] as string;
    if (this.latest?.get(userId) === slot) this.latest.delete(userId);
    this.ids[column] = '';
    this.userIds[column] = '';
  }
}
