/** A first-in first-out queue whose shift is O(1): an array read from a moving head, compacted as it empties. */

/**
 * A FIFO queue. `Array.prototype.shift` copies the whole array once it is large, which made evicting
 * the oldest of 100,000 items cost as much as a request.
 * @example const queue = new Queue<number>(); queue.push(1); queue.push(2); queue.shift() // 1
 */
export class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** How many items are queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, without taking it. */
  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Takes the oldest item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    // Compacted once half is spent, so each shift pays O(1) on average.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) this.keepIf(() => true);
    return item;
  }

  /** Keeps only the items `keep` accepts, in order: how a queue that holds stale entries sheds them. */
  keepIf(keep: (item: T) => boolean): void {
    const kept: T[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (keep(item)) kept.push(item);
    }
    this.items = kept;
    this.head = 0;
  }

  /** The queued items, oldest first. */
  values(): T[] {
    return this.items.slice(this.head) as T[];
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
