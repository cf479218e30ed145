/**
 * Pages of the control API's lists: a limit, and an opaque cursor anchored on the key of the last item
 * a page showed, so that a walk goes on from there whatever arrived or left meanwhile.
 */
import { base64urlFromText, bytesFromBase64 } from './base64.js';
import { MockError } from './errors.js';

/** Items per page when a request names no limit; the spec states the same default. */
export const DEFAULT_PAGE_LIMIT = 100;

/** One page: its items, the key to go on after (undefined on the last page), and how many items match in all. */
export interface Slice<T, K> {
  items: T[];
  next: K | undefined;
  total: number;
}

/** Held items in key order, read by position without copying them all (a ring, an array). */
export interface Held<T> {
  readonly size: number;
  at(index: number): T | undefined;
}

/** Options of a walk over held items with ascending numeric keys. */
export interface Walk<T> {
  /** The key of the last item the previous page showed. */
  from?: number;
  limit: number;
  matches?: (item: T) => boolean;
}

/**
 * A cursor that says where a page of `list` stopped: base64url JSON, opaque to clients.
 * @example encodeCursor('journal', 812) // 'eyJsaXN0Ijoiam91cm5hbCIsImF0Ijo4MTJ9'
 */
export function encodeCursor(list: string, at: unknown): string {
  return base64urlFromText(JSON.stringify({ list, at }));
}

/**
 * The key a cursor of `list` was anchored on; undefined when there is no cursor. A cursor this list
 * did not issue (garbage, another list's, a key of the wrong shape) is a MockError of kind `invalid-cursor`.
 * @example decodeCursor('journal', params.cursor, isCount) // 812
 */
export function decodeCursor<K>(list: string, cursor: string | undefined, isKey: (value: unknown) => value is K): K | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytesFromBase64(cursor, 'url')));
  } catch {
    decoded = undefined;
  }
  const { list: owner, at } = (decoded ?? {}) as { list?: unknown; at?: unknown };
  if (owner === list && isKey(at)) return at;
  const message = owner === undefined || typeof owner !== 'string' ? 'is not a cursor this mock issued' : `belongs to another list (${owner.slice(0, 40)})`;
  throw new MockError('invalid-cursor', `the cursor ${message}: pass the nextCursor of a page of ${list}`, { errors: [{ path: '', message }] });
}

/** Whether a cursor key is a whole number of at least 0 (ids, sequence numbers). */
export const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Walks held items from the newest, starting below the key `from`: a binary search to the start, then
 * `limit` matches and a look for one more to know whether a next page exists.
 * @example newestFirst(ring, (entry) => entry.id, { from: 812, limit: 100 })
 */
export function newestFirst<T>(held: Held<T>, key: (item: T) => number, walk: Walk<T>): Omit<Slice<T, number>, 'total'> {
  // The first position whose key is at least `from`; everything below it is older.
  let start = held.size;
  if (walk.from !== undefined) {
    let low = 0;
    let high = held.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (key(held.at(middle) as T) < walk.from) low = middle + 1;
      else high = middle;
    }
    start = low;
  }
  const items: T[] = [];
  for (let index = start - 1; index >= 0; index--) {
    const item = held.at(index) as T;
    if (walk.matches && !walk.matches(item)) continue;
    if (items.length === walk.limit) return { items, next: key(items[items.length - 1] as T) };
    items.push(item);
  }
  return { items, next: undefined };
}

/**
 * Walks held items from the oldest, starting above the key `from`.
 * @example oldestFirst({ size: list.length, at: (i) => list[i] }, (state) => state.id, { from: 3, limit: 100 })
 */
export function oldestFirst<T>(held: Held<T>, key: (item: T) => number, walk: Walk<T>): Omit<Slice<T, number>, 'total'> {
  let low = 0;
  if (walk.from !== undefined) {
    let high = held.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (key(held.at(middle) as T) <= walk.from) low = middle + 1;
      else high = middle;
    }
  }
  const items: T[] = [];
  for (let index = low; index < held.size; index++) {
    const item = held.at(index) as T;
    if (walk.matches && !walk.matches(item)) continue;
    if (items.length === walk.limit) return { items, next: key(items[items.length - 1] as T) };
    items.push(item);
  }
  return { items, next: undefined };
}

/** An array (or a typed array) as held items. */
export const heldArray = <T>(items: ArrayLike<T>): Held<T> => ({ size: items.length, at: (index) => items[index] });
