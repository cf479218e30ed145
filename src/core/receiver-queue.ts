/**
 * The webhook deliveries waiting for a slot, one line per receiver (origin). Receivers take turns,
 * so a receiver with a thousand deliveries waiting does not keep another's first one waiting behind
 * them, and none has more than its share of slots on the wire.
 */

export interface ReceiverQueueLimits {
  /** Attempts on the wire at once. */
  concurrency: number;
  /** Attempts on the wire at once to one receiver. */
  perReceiver: number;
}

export interface ReceiverQueue<T> {
  /** Puts an item at the back of its receiver's line. */
  push(receiver: string, item: T): void;
  /**
   * Takes the next item that may go on the wire now, and counts its slot as busy until `finished`;
   * undefined when every slot is busy or nothing may go.
   */
  take(): { receiver: string; item: T } | undefined;
  /** Frees the slot an item taken for `receiver` held. */
  finished(receiver: string): void;
  /** Items waiting. */
  readonly queued: number;
  /** Slots busy. */
  readonly onTheWire: number;
  /** Drops every item waiting; slots on the wire stay busy until they finish. */
  clear(): void;
}

/** @example const queue = createReceiverQueue<Job>({ concurrency: 32, perReceiver: 8 }); queue.push(origin, job); queue.take(); */
export function createReceiverQueue<T>({ concurrency, perReceiver }: ReceiverQueueLimits): ReceiverQueue<T> {
  let lines = new Map<string, T[]>();
  let rotation: string[] = [];
  let queued = 0;
  let onTheWire = 0;
  const busy = new Map<string, number>();

  return {
    push(receiver, item) {
      const line = lines.get(receiver);
      if (line) line.push(item);
      else {
        lines.set(receiver, [item]);
        rotation.push(receiver);
      }
      queued += 1;
    },
    take() {
      if (onTheWire >= concurrency) return undefined;
      for (let index = 0; index < rotation.length; index += 1) {
        const receiver = rotation[index] as string;
        if ((busy.get(receiver) ?? 0) >= perReceiver) continue;
        const line = lines.get(receiver) as T[];
        const item = line.shift() as T;
        queued -= 1;
        // The receiver goes to the back of the rotation; one with nothing more to send leaves it.
        rotation.splice(index, 1);
        if (line.length > 0) rotation.push(receiver);
        else lines.delete(receiver);
        onTheWire += 1;
        busy.set(receiver, (busy.get(receiver) ?? 0) + 1);
        return { receiver, item };
      }
      return undefined;
    },
    finished(receiver) {
      onTheWire -= 1;
      const left = (busy.get(receiver) ?? 1) - 1;
      if (left === 0) busy.delete(receiver);
      else busy.set(receiver, left);
    },
    get queued() {
      return queued;
    },
    get onTheWire() {
      return onTheWire;
    },
    clear() {
      lines = new Map();
      rotation = [];
      queued = 0;
    },
  };
}
