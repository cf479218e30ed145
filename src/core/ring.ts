/** A fixed-capacity ring buffer: the newest `capacity` items, so a log's memory stays flat under load. */
export interface Ring<T> {
  readonly capacity: number;
  /** Items pushed since the last clear, including those no longer held. */
  readonly total: number;
  push(item: T): void;
  /** Held items, oldest first. */
  items(): T[];
  clear(): void;
}

/**
 * Creates a ring holding at most `capacity` items (0 holds none but still counts).
 * @example const ring = createRing<number>(2); ring.push(1); ring.push(2); ring.push(3); ring.items() // [2, 3]
 */
export function createRing<T>(capacity: number): Ring<T> {
  let slots: (T | undefined)[] = new Array(capacity);
  let total = 0;
  return {
    capacity,
    get total() {
      return total;
    },
    push(item) {
      total += 1;
      if (capacity > 0) slots[(total - 1) % capacity] = item;
    },
    items() {
      const held = Math.min(total, capacity);
      const out: T[] = [];
      for (let i = total - held; i < total; i++) out.push(slots[i % capacity] as T);
      return out;
    },
    clear() {
      slots = new Array(capacity);
      total = 0;
    },
  };
}
