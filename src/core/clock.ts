/** The mock's clock: every timestamp and expiry is read from it, so tests can freeze and advance time. */

/** How a clock starts: the wall clock, or an instant (frozen there unless `frozen: false`). */
export interface ClockOptions {
  start?: string | number | Date;
  frozen?: boolean;
}

/** A controllable clock. Advancing it never sleeps. */
export interface Clock {
  /** Milliseconds since the epoch, on the mock's clock. */
  now(): number;
  /** The mock's now as an ISO 8601 string. */
  iso(): string;
  readonly frozen: boolean;
  /** Moves time forward (or back, with a negative amount) by `ms`. */
  advance(ms: number): void;
  /** Jumps to an instant; a running clock keeps running from there. */
  set(instant: string | number | Date): void;
  /** Stops time at the current instant, or lets it run again from there. */
  freeze(frozen: boolean): void;
  /** Back to how the clock started. */
  reset(): void;
}

/** An instant as ISO 8601 to the second, the way the Smile API writes them: `2021-04-14T09:30:24Z`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Parses an instant, or throws a RangeError naming the bad value. */
export function toEpochMs(instant: string | number | Date): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant ${JSON.stringify(instant)}: use an ISO 8601 date-time`);
  return ms;
}

/**
 * Creates a clock. Real time by default; with `start` it begins frozen at that instant, so a run
 * can be reproduced byte for byte.
 * @example const clock = createClock({ start: '2026-01-01T00:00:00Z' }); clock.advance(5 * 3_600_000);
 */
export function createClock(options: ClockOptions = {}, wallClock: () => number = Date.now): Clock {
  const start = options.start === undefined ? undefined : toEpochMs(options.start);
  const startsFrozen = start !== undefined && options.frozen !== false;
  // A running clock is the wall clock plus an offset; a frozen one is a fixed instant.
  let offset = 0;
  let fixed = 0;
  let frozen = false;

  const clock: Clock = {
    now: () => (frozen ? fixed : wallClock() + offset),
    iso: () => new Date(clock.now()).toISOString(),
    get frozen() {
      return frozen;
    },
    advance(ms) {
      if (frozen) fixed += ms;
      else offset += ms;
    },
    set(instant) {
      const target = toEpochMs(instant);
      if (frozen) fixed = target;
      else offset = target - wallClock();
    },
    freeze(value) {
      if (value === frozen) return;
      const current = clock.now();
      frozen = value;
      if (frozen) fixed = current;
      else offset = current - wallClock();
    },
    reset() {
      frozen = startsFrozen;
      fixed = start ?? 0;
      offset = start === undefined ? 0 : start - wallClock();
    },
  };
  clock.reset();
  return clock;
}
