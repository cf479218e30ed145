import { describe, expect, it } from 'vitest';
import { createReceiverQueue } from '../../src/core/receiver-queue.js';

/** Takes until nothing more may go, naming each item taken. */
function takeAll<T>(queue: ReturnType<typeof createReceiverQueue<T>>): T[] {
  const taken: T[] = [];
  for (let next = queue.take(); next; next = queue.take()) taken.push(next.item);
  return taken;
}

describe('the receiver queue', () => {
  it('lets receivers take turns, so one with many waiting does not hold another back', () => {
    const queue = createReceiverQueue<string>({ concurrency: 10, perReceiver: 10 });
    for (const n of [1, 2, 3, 4]) queue.push('busy', `busy-${n}`);
    queue.push('quiet', 'quiet-1');
    expect(takeAll(queue)).toEqual(['busy-1', 'quiet-1', 'busy-2', 'busy-3', 'busy-4']);
    expect({ queued: queue.queued, onTheWire: queue.onTheWire }).toEqual({ queued: 0, onTheWire: 5 });
  });

  it('holds each receiver to its share and all of them to the concurrency, freeing a slot when one finishes', () => {
    const queue = createReceiverQueue<string>({ concurrency: 3, perReceiver: 2 });
    for (const n of [1, 2, 3]) queue.push('a', `a-${n}`);
    for (const n of [1, 2]) queue.push('b', `b-${n}`);
    expect(takeAll(queue)).toEqual(['a-1', 'b-1', 'a-2']);
    queue.finished('b');
    // b has a slot again, and a is at its share.
    expect(takeAll(queue)).toEqual(['b-2']);
    queue.finished('a');
    expect(takeAll(queue)).toEqual(['a-3']);
    expect(queue.queued).toBe(0);
  });

  it('drops what waits on clear, and keeps counting the slots still on the wire', () => {
    const queue = createReceiverQueue<number>({ concurrency: 1, perReceiver: 1 });
    queue.push('a', 1);
    queue.push('a', 2);
    expect(takeAll(queue)).toEqual([1]);
    queue.clear();
    expect({ queued: queue.queued, onTheWire: queue.onTheWire }).toEqual({ queued: 0, onTheWire: 1 });
    queue.finished('a');
    queue.push('a', 3);
    expect(takeAll(queue)).toEqual([3]);
  });
});
