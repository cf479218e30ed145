/** A fixed-capacity ring buffer: the newest `capacity` items, so a log's memory stays flat under load. */
export interface Ring<T> {
  readonly capacity: number;
  /** Items pushed since the last clear, including those no longer held. */
  readonly total: number;
  /** How many items are held now. */
  readonly size: number;
  /** Adds an item; returns the oldest one it pushed out, if the ring was full. */
  push(item: T): T | undefined;
  /** The held item at `index`, 0 being the oldest: a page reads its items without copying the rest. */
  at(index: number): T | undefined;
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
  const held = () => Math.min(total, capacity);
  return {
    capacity,
    get total() {
      return total;
    },
    get size() {
      return held();
    },
    push(item) {
      total += 1;
      if (capacity === 0) return item;
      const slot = (total - 1) % capacity;
      const evicted = total > capacity ? slots[slot] : undefined;
      slots[slot] = item;
      return evicted;
    },
    at(index) {
      if (!Number.isInteger(index) || index < 0 || index >= held()) return undefined;
      return slots[(total - held() + index) % capacity];
    },
    items() {
      const out: T[] = [];
      for (let i = total - held(); i < total; i++) out.push(slots[i % capacity] as T);
      return out;
    },
    clear() {
      slots = new Array(capacity);
      total = 0;
    },
  };
}
