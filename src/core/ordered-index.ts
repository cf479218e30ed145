/**
 * Items kept in key order, in chunks of a few hundred: finding a key is two binary searches, and an
 * insert or a delete moves the items of one chunk, not of the whole list. A page of a million items
 * starts where its cursor's key sits instead of sorting or scanning everything before it.
 */
export class OrderedIndex<K, T extends K = K> {
  private chunks: T[][] = [];
  private count = 0;

  /**
   * @param compare orders keys; equal keys are the same item.
   * @example const slots = new OrderedIndex<{ uid: string }>((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
   */
  constructor(
    private readonly compare: (a: K, b: K) => number,
    private readonly chunkSize = 512,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Adds an item, or replaces the item with an equal key. */
  set(item: T): void {
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      this.count = 1;
      return;
    }
    // Keys that only grow (ids, sequence numbers) go at the end of the last chunk without a search.
    const last = this.chunks.length - 1;
    const tail = this.chunks[last] as T[];
    const appended = this.compare(tail[tail.length - 1] as T, item) < 0;
    // Past the last key, an item goes at the end of the last chunk.
    const at = appended ? last : Math.min(this.chunkOf(item, false), last);
    const chunk = this.chunks[at] as T[];
    const position = appended ? chunk.length : this.positionIn(chunk, item, false);
    if (position < chunk.length && this.compare(chunk[position] as T, item) === 0) {
      chunk[position] = item;
      return;
    }
    chunk.splice(position, 0, item);
    this.count += 1;
    if (chunk.length > this.chunkSize * 2) this.chunks.splice(at, 1, chunk.slice(0, this.chunkSize), chunk.slice(this.chunkSize));
  }

  /** Removes the item with this key; false when there is none. */
  delete(key: K): boolean {
    const at = this.chunkOf(key, false);
    const chunk = this.chunks[at];
    if (!chunk) return false;
    const position = this.positionIn(chunk, key, false);
    if (position >= chunk.length || this.compare(chunk[position] as T, key) !== 0) return false;
    chunk.splice(position, 1);
    this.count -= 1;
    if (chunk.length === 0) this.chunks.splice(at, 1);
    return true;
  }

  /** The items whose key comes after `key` (every item when it is undefined), in order. */
  *after(key?: K): Generator<T> {
    let at = key === undefined ? 0 : this.chunkOf(key, true);
    let position = key === undefined ? 0 : this.positionIn(this.chunks[at] ?? [], key, true);
    for (; at < this.chunks.length; at++, position = 0) {
      const chunk = this.chunks[at] as T[];
      for (; position < chunk.length; position++) yield chunk[position] as T;
    }
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
  }

  /** The first chunk whose last key is at least `key` (above it, when `strictly`); the chunk count when none is. */
  private chunkOf(key: K, strictly: boolean): number {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = this.chunks[middle] as T[];
      const order = this.compare(chunk[chunk.length - 1] as T, key);
      if (order < 0 || (strictly && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The first position in a chunk whose key is at least `key` (above it, when `strictly`). */
  private positionIn(chunk: T[], key: K, strictly: boolean): number {
    let low = 0;
    let high = chunk.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = this.compare(chunk[middle] as T, key);
      if (order < 0 || (strictly && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
