/** Smile users, kept in creation order so that any page is a binary search and a slice. */
import { type Bound, createBound } from '../../core/bounds.js';
import type { components } from '../../generated/smile.types.js';

/** A user as the API shows it. */
export type User = components['schemas']['User'];
export type UserSession = components['schemas']['UserSession'];
/** What a user's session collected (`GET /users/{id}/payload`). */
export type UserPayload = components['schemas']['UserPayload'];

/**
 * The payload of a session as the mock holds it: the session itself as metadata, and no forms,
 * accounts or archives, which the mock does not collect.
 * @example sessionPayload(user.session) // { metadata: { userId, channel: 'Default', status: 'IN_PROGRESS' }, forms: [], accounts: [], archives: [] }
 */
export function sessionPayload(session: UserSession | undefined): UserPayload {
  return session ? { metadata: session, forms: [], accounts: [], archives: [] } : { forms: [], accounts: [], archives: [] };
}

interface Entry {
  at: number;
  seq: number;
  user: User;
  /** The user's JSON, made on first read and dropped on change: pages are mostly serialisation. */
  json?: string;
}

/** A page of users, newest first, and the position after its last item, if more follow. */
export interface UserPage {
  items: User[];
  /** Each item's JSON text, in the same order. */
  texts: string[];
  next?: { at: number; seq: number };
}

/** Bounds on creation time (epoch ms, inclusive) and a position to continue before. */
export interface UserQuery {
  size: number;
  from?: number;
  to?: number;
  before?: { at: number; seq: number };
}

function textOf(entry: Entry): string {
  entry.json ??= JSON.stringify(entry.user);
  return entry.json;
}

const compare = (a: { at: number; seq: number }, b: { at: number; seq: number }) => a.at - b.at || a.seq - b.seq;

/**
 * A cache of built pages that empties itself whenever `version` moves on (any user added, changed or
 * cleared), and holds at most `limit` pages.
 */
export function createPageCache<T>(version: () => number, limit = 64) {
  const pages = new Map<string, T>();
  let seen = -1;
  const fresh = () => {
    if (seen !== version()) {
      pages.clear();
      seen = version();
    }
  };
  return {
    get(key: string): T | undefined {
      fresh();
      return pages.get(key);
    },
    set(key: string, page: T): void {
      fresh();
      if (pages.size >= limit) pages.clear();
      pages.set(key, page);
    },
  };
}

/**
 * The users of one mock instance: O(1) by id, O(log n + size) per page whatever the total. Past the
 * bound the oldest user (the first created, on the mock's clock) is forgotten.
 */
export class UserStore {
  private readonly byId = new Map<string, Entry>();
  /** Oldest first from `start`: the entries before it were forgotten, and are dropped in batches. */
  private ordered: (Entry | undefined)[] = [];
  private start = 0;
  private seq = 0;
  private changes = 0;

  constructor(private readonly bound: Bound = createBound('smile-users')) {}

  /** Moves on with every change, so that what was built from the users can tell it is stale. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.ordered.length - this.start;
  }

  get(id: string): User | undefined {
    return this.byId.get(id)?.user;
  }

  /** The user and its JSON text. */
  getWithText(id: string): { user: User; text: string } | undefined {
    const entry = this.byId.get(id);
    return entry && { user: entry.user, text: textOf(entry) };
  }

  /** Changes a user in place; returns undefined for an unknown id. */
  update(id: string, change: (user: User) => void): User | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    change(entry.user);
    entry.json = undefined;
    this.changes += 1;
    return entry.user;
  }

  /** A user chosen by the seeded random, or undefined when there are none. */
  pick(random: { int(max: number): number }): User | undefined {
    return this.size === 0 ? undefined : this.ordered[this.start + random.int(this.size)]?.user;
  }

  add(user: User): void {
    const entry: Entry = { at: Date.parse(user.createdAt), seq: this.seq++, user };
    const last = this.ordered.at(-1);
    // Users arrive in time order almost always; only a clock set backwards needs the search.
    if (!last || compare(last, entry) <= 0) this.ordered.push(entry);
    else this.ordered.splice(this.firstAfter(entry), 0, entry);
    this.byId.set(user.id, entry);
    this.changes += 1;
    if (this.size > this.bound.max) this.forgetOldest();
  }

  /** Forgets the oldest user to make room. */
  private forgetOldest(): void {
    const oldest = this.ordered[this.start] as Entry;
    this.byId.delete(oldest.user.id);
    this.ordered[this.start] = undefined;
    // The array is not shifted (that copies it whole): the head moves, and the spent part is cut off
    // once it is half the array, which keeps eviction O(1) on average.
    this.start += 1;
    if (this.start >= 1024 && this.start * 2 >= this.ordered.length) {
      this.ordered = this.ordered.slice(this.start);
      this.start = 0;
    }
    this.bound.noteEviction();
  }

  /** One page, newest first. */
  page(query: UserQuery): UserPage {
    let index =
      this.firstAfter(
        query.before ? { at: query.before.at, seq: query.before.seq - 1 } : { at: query.to ?? Number.POSITIVE_INFINITY, seq: Number.POSITIVE_INFINITY },
      ) - 1;
    if (query.before && query.to !== undefined) index = Math.min(index, this.firstAfter({ at: query.to, seq: Number.POSITIVE_INFINITY }) - 1);
    const floor = query.from === undefined ? this.start : this.firstAfter({ at: query.from, seq: -1 });
    const items: User[] = [];
    const texts: string[] = [];
    for (; index >= floor && items.length < query.size; index--) {
      const entry = this.ordered[index] as Entry;
      items.push(entry.user);
      texts.push(textOf(entry));
    }
    const last = this.ordered[index + 1];
    return index >= floor && last ? { items, texts, next: { at: last.at, seq: last.seq } } : { items, texts };
  }

  /** Every user, in creation order: what persistence saves. */
  all(): User[] {
    return this.ordered.slice(this.start).map((entry) => (entry as Entry).user);
  }

  clear(): void {
    this.changes += 1;
    this.byId.clear();
    this.ordered = [];
    this.start = 0;
    this.seq = 0;
  }

  /** The index of the first entry that sorts after `key`. */
  private firstAfter(key: { at: number; seq: number }): number {
    let low = this.start;
    let high = this.ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.ordered[mid] as Entry, key) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
