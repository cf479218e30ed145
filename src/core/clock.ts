/**
 * The mock's clock: every timestamp and expiry is read from it, so tests can freeze and advance time.
 * It also keeps alarms (webhook retries, scenario steps): advancing the clock runs the ones that fall
 * due, in time order, each with the clock standing at its own instant, so a test never sleeps.
 */

/** How a clock starts: the wall clock, or an instant (frozen there unless `frozen: false`). */
export interface ClockOptions {
  start?: string | number | Date;
  frozen?: boolean;
  /** Told after every advance, set, freeze, unfreeze and reset (not of time running on its own). */
  onChange?: () => void;
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
  /** Back to how the clock started; pending alarms are dropped. */
  reset(): void;
  /**
   * Runs `task` once the clock reaches `at` (epoch ms): when an advance or set passes it, or, on a
   * running clock, when real time gets there. Returns a function that cancels it.
   */
  schedule(at: number, task: () => void): () => void;
  /** How many alarms wait. */
  readonly pending: number;
  /** Where the clock stands, for snapshots: a frozen clock by its instant, a running one by its distance from real time. */
  snapshot(): ClockSnapshot;
  /** Puts the clock where a snapshot says (alarms stay as they are). */
  restore(saved: ClockSnapshot): void;
}

/** A clock's place, as snapshots keep it. */
export interface ClockSnapshot {
  now: number;
  frozen: boolean;
  /** Milliseconds from real time, for a running clock. */
  offset: number;
}

interface Alarm {
  at: number;
  seq: number;
  task: () => void;
}

/** Earliest first; alarms for the same instant run in the order they were set. */
const byDue = (a: Alarm, b: Alarm) => a.at - b.at || a.seq - b.seq;

let lastSecond = Number.NaN;
let lastIso = '';

/** An instant as ISO 8601 to the second, the way the Smile API writes them: `2021-04-14T09:30:24Z`. */
export function isoSeconds(ms: number): string {
  // Every token and user of a second shares its text: formatting a Date is a visible cost per call.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastIso = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastIso;
}

/**
 * The instants the mock's clock may stand at: from year 0 to the end of 9899. Both APIs write dates as
 * RFC 3339, which stops at 9999, and a lifetime the clock starts (a token's) may be a century.
 */
export const CLOCK_RANGE = { earliest: Date.parse('0000-01-01T00:00:00Z'), latest: Date.parse('9899-12-31T23:59:59.999Z') };

/** Whether the clock may stand at `ms`. */
export const inClockRange = (ms: number) => ms >= CLOCK_RANGE.earliest && ms <= CLOCK_RANGE.latest;

/** Parses an instant within CLOCK_RANGE, or throws a RangeError naming the bad value. */
export function toEpochMs(instant: string | number | Date): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant ${JSON.stringify(instant)}: use an ISO 8601 date-time`);
  if (!inClockRange(ms)) throw new RangeError(`instant ${JSON.stringify(instant)} is outside the years 0000 to 9899 that the mock's clock keeps`);
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
  // A short list kept sorted: alarms are few (retries, scenario steps) and mostly appended in order.
  let alarms: Alarm[] = [];
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  const moveTo = (ms: number) => {
    if (frozen) fixed = ms;
    else offset = ms - wallClock();
  };

  /** Runs every alarm due by `target`, stepping the clock to each one's instant, then stands at `target`. */
  const runUntil = (target: number) => {
    if (running) return moveTo(Math.max(target, clock.now())); // an alarm moved the clock: its caller's loop goes on
    running = true;
    try {
      for (let next = alarms[0]; next !== undefined && next.at <= target; next = alarms[0]) {
        alarms.shift();
        if (next.at > clock.now()) moveTo(next.at);
        try {
          next.task();
        } catch {
          // An alarm is fire-and-forget; its owner records its own failures.
        }
      }
      moveTo(target);
    } finally {
      running = false;
    }
    arm();
  };

  /** A real timer wakes the earliest alarm when real time reaches it, or at once if it is already due. */
  const arm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const next = alarms[0];
    if (next === undefined || (frozen && next.at > fixed)) return;
    // setTimeout takes at most 2^31-1 ms; a later alarm re-arms when this one wakes.
    timer = setTimeout(() => runUntil(clock.now()), Math.min(Math.max(0, next.at - clock.now()), 0x7fffffff));
    // In Node, a pending alarm must not keep the process alive.
    (timer as { unref?: () => void }).unref?.();
  };

  const clock: Clock = {
    now: () => (frozen ? fixed : wallClock() + offset),
    iso: () => new Date(clock.now()).toISOString(),
    get frozen() {
      return frozen;
    },
    advance(ms) {
      const target = clock.now() + ms;
      if (!inClockRange(target)) throw new RangeError(`advancing ${ms} ms would take the clock past the year 9899, the latest it keeps`);
      runUntil(target);
      options.onChange?.();
    },
    set(instant) {
      runUntil(toEpochMs(instant));
      options.onChange?.();
    },
    freeze(value) {
      if (value === frozen) return;
      const current = clock.now();
      frozen = value;
      moveTo(current);
      arm();
      options.onChange?.();
    },
    reset() {
      alarms = [];
      frozen = startsFrozen;
      fixed = start ?? 0;
      offset = start === undefined ? 0 : start - wallClock();
      arm();
      options.onChange?.();
    },
    schedule(at, task) {
      const alarm: Alarm = { at, seq: seq++, task };
      let index = alarms.length;
      while (index > 0 && byDue(alarms[index - 1] as Alarm, alarm) > 0) index--;
      alarms.splice(index, 0, alarm);
      if (index === 0 && !running) arm();
      return () => {
        const at = alarms.indexOf(alarm);
        if (at >= 0) alarms.splice(at, 1);
      };
    },
    get pending() {
      return alarms.length;
    },
    // A frozen clock's offset is left at 0: it is never read back, and a snapshot should not depend on when it was taken.
    snapshot: () => ({ now: clock.now(), frozen, offset: frozen ? 0 : clock.now() - wallClock() }),
    restore(saved) {
      // A frozen clock comes back where it stood; a running one keeps its distance from real time.
      clock.set(saved.frozen ? saved.now : wallClock() + saved.offset);
      clock.freeze(saved.frozen);
    },
  };
  clock.reset();
  return clock;
}
