/** The pieces behind the control API's pages: the ordered index, the two walks, the cursor, the ring by position. */
import { describe, expect, it } from 'vitest';
import { isMockError } from '../../src/core/errors.js';
import { OrderedIndex } from '../../src/core/ordered-index.js';
import { decodeCursor, encodeCursor, heldArray, isCount, newestFirst, oldestFirst } from '../../src/core/page.js';
import { createRandom } from '../../src/core/random.js';
import { createRing } from '../../src/core/ring.js';

describe('OrderedIndex', () => {
  it('agrees with a sorted array through 20,000 seeded inserts, overwrites and deletes', () => {
    const random = createRandom(11);
    const index = new OrderedIndex<{ key: number }, { key: number; value: number }>((a, b) => a.key - b.key, 8);
    const model = new Map<number, number>();
    for (let step = 0; step < 20_000; step++) {
      const key = Math.floor(random.next() * 2_000);
      if (random.next() < 0.3) expect(index.delete({ key })).toBe(model.delete(key));
      else {
        index.set({ key, value: step });
        model.set(key, step);
      }
    }
    const sorted = [...model].sort(([a], [b]) => a - b);
    expect(index.size).toBe(model.size);
    expect([...index.after()].map((item) => [item.key, item.value])).toEqual(sorted);
    for (const from of [-1, 0, 999, 1000, 1999, 5000]) {
      expect([...index.after({ key: from })].map((item) => item.key)).toEqual(sorted.map(([key]) => key).filter((key) => key > from));
    }
  });

  it('is empty after clear, and deletes nothing it does not hold', () => {
    const index = new OrderedIndex<number>((a, b) => a - b);
    index.set(2);
    index.clear();
    expect(index.delete(2)).toBe(false);
    expect([...index.after()]).toEqual([]);
    expect([...index.after(1)]).toEqual([]);
  });
});

describe('walks over held items', () => {
  const held = heldArray([2, 4, 6, 8, 10, 12]);
  const key = (item: number) => item;

  it.each([
    ['the first page', { limit: 2 }, [12, 10], 10],
    ['below a key that is held', { from: 10, limit: 2 }, [8, 6], 6],
    ['below a key that is gone', { from: 7, limit: 2 }, [6, 4], 4],
    ['the last page', { from: 6, limit: 2 }, [4, 2], undefined],
    ['below everything', { from: 1, limit: 2 }, [], undefined],
    ['with a filter', { limit: 2, matches: (item: number) => item % 4 === 0 }, [12, 8], 8],
    ['the last filtered page', { from: 8, limit: 2, matches: (item: number) => item % 4 === 0 }, [4], undefined],
  ])('newest first: %s', (_name, walk, items, next) => {
    expect(newestFirst(held, key, walk)).toEqual({ items, next });
  });

  it.each([
    ['the first page', { limit: 4 }, [2, 4, 6, 8], 8],
    ['after a key that is held', { from: 8, limit: 4 }, [10, 12], undefined],
    ['after a key that is gone', { from: 5, limit: 2 }, [6, 8], 8],
    ['after everything', { from: 99, limit: 2 }, [], undefined],
  ])('oldest first: %s', (_name, walk, items, next) => {
    expect(oldestFirst(held, key, walk)).toEqual({ items, next });
  });
});

describe('cursors', () => {
  it('give back the key they were anchored on, for their own list only', () => {
    expect(decodeCursor('journal', encodeCursor('journal', 812), isCount)).toBe(812);
    expect(decodeCursor('journal', undefined, isCount)).toBeUndefined();
    const refusals = ['not base64!', btoa('{"list":"journal"'), encodeCursor('devices', 3), encodeCursor('journal', -1), encodeCursor('journal', 'x'), ''];
    for (const cursor of refusals) {
      let thrown: unknown;
      try {
        decodeCursor('journal', cursor, isCount);
      } catch (error) {
        thrown = error;
      }
      expect(isMockError(thrown) && thrown.kind).toBe('invalid-cursor');
    }
  });
});

describe('ring by position', () => {
  it('reads held items oldest first by index, and says which item a push pushed out', () => {
    const ring = createRing<string>(3);
    expect([ring.push('a'), ring.push('b'), ring.push('c'), ring.push('d')]).toEqual([undefined, undefined, undefined, 'a']);
    expect(ring.size).toBe(3);
    expect([0, 1, 2, 3, -1].map((index) => ring.at(index))).toEqual(['b', 'c', 'd', undefined, undefined]);
  });
});
