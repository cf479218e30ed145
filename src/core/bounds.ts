/** Bounds on the state traffic creates: past its bound a kind of state forgets its oldest, and the mock says so once. */
import type { components } from '../generated/admin.types.js';
import { type ErrorDetail, MockError } from './errors.js';

/** Each kind of state that has a bound. */
export type BoundKind = 'smile-users' | 'smile-tokens' | 'wukongim-device-slots' | 'wukongim-online-connections' | 'wukongim-ended-connections';

/** What a notice is about: for now, the kind of state that reached its bound. */
export type NoticeKind = BoundKind;

/** Something the mock tells its owner that is not an error; `token-mock serve` prints it. */
export interface Notice {
  kind: NoticeKind;
  message: string;
}

/** Told of notices, such as a kind of state reaching its bound (once per kind, and again after a reset). */
export type NoticeListener = (notice: Notice) => void;

/** A count, its bound and how many went to make room (the control API's `BoundedCount`). */
export type BoundedCount = components['schemas']['BoundedCount'];

/**
 * The default bounds. Measured live heap with every count at its default: users 21 MB (170 MB when
 * each carries the most metadata the spec allows), tokens 54 MB, slots 42 MB, online and ended
 * connections 63 MB. Driven past every bound with the largest users, the standalone server peaked
 * at 760 MB of RSS, garbage collector headroom included (`bench/bounds.ts`).
 */
export const DEFAULT_BOUNDS: Readonly<Record<BoundKind, number>> = {
  'smile-users': 25_000,
  'smile-tokens': 250_000,
  'wukongim-device-slots': 100_000,
  'wukongim-online-connections': 100_000,
  'wukongim-ended-connections': 10_000,
};

/** How a notice names each kind, what happens past its bound, and the flag and option that set it. */
const WORDING: Record<BoundKind, { what: string; past: string; flag: string; option: string }> = {
  'smile-users': { what: 'Smile users', past: 'the oldest are forgotten to make room', flag: '--max-users', option: 'smile.maxUsers' },
  'smile-tokens': {
    what: 'Smile link tokens',
    past: 'the oldest are forgotten to make room (and get 401 INVALID_TOKEN)',
    flag: '--max-tokens',
    option: 'smile.maxTokens',
  },
  'wukongim-device-slots': {
    what: 'WuKongIM device slots',
    past: 'the least recently updated are forgotten to make room',
    flag: '--max-device-slots',
    option: 'wukongim.maxDeviceSlots',
  },
  'wukongim-online-connections': {
    what: 'online WuKongIM connections',
    past: 'the oldest are kicked (reason 12) to make room',
    flag: '--max-im-connections',
    option: 'wukongim.maxOnlineConnections',
  },
  'wukongim-ended-connections': {
    what: 'ended WuKongIM connections',
    past: 'the oldest are forgotten',
    flag: '--max-ended-im-connections',
    option: 'wukongim.maxEndedConnections',
  },
};

/** The bound of one kind of state, and what went past it since the last reset. */
export interface Bound {
  readonly kind: BoundKind;
  /** The most items held. */
  readonly max: number;
  /** Items forgotten (or kicked) to make room since the start or the last reset. */
  readonly evicted: number;
  /** Counts evictions; the first since the start or the last reset is told to the listener. */
  noteEviction(count?: number): void;
  /** The count as the control API shows it. */
  state(count: number): BoundedCount;
  /** Forgets the evictions, so that the next one is told again. */
  reset(): void;
}

/**
 * Throws a RangeError naming `option` unless `value` is a whole number of at least 1: the check of
 * every bound's setting.
 * @example checkBound('smile.maxUsers', 0) // RangeError: smile.maxUsers must be a whole number of at least 1, not 0
 */
export function checkBound(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${option} must be a whole number of at least 1, not ${value}`);
}

/**
 * Creates a bound; throws a RangeError for one that is not a whole number of at least 1.
 * @example const users = createBound('smile-users', options.maxUsers, onNotice); if (size > users.max) evictOldest();
 */
export function createBound(kind: BoundKind, max: number = DEFAULT_BOUNDS[kind], notify?: NoticeListener): Bound {
  const wording = WORDING[kind];
  checkBound(wording.option, max);
  let evicted = 0;
  return {
    kind,
    max,
    get evicted() {
      return evicted;
    },
    noteEviction(count = 1) {
      // Once per kind, not per eviction: past its bound a busy mock evicts on every request.
      if (evicted === 0 && count > 0) {
        const message = `${wording.what} reached their bound of ${max.toLocaleString('en-US')}: from now on ${wording.past}; raise it with ${wording.flag} (${wording.option})`;
        notify?.({ kind, message });
      }
      evicted += count;
    },
    state: (count) => ({ count, bound: max, evicted }),
    reset() {
      evicted = 0;
    },
  };
}

/**
 * Each kind of state that refuses more at its bound instead of forgetting its oldest: forgetting a
 * webhook subscription or a ban would change what the app sees without a word.
 */
export type LimitKind = 'smile-webhooks' | 'wukongim-user-states';

/** A count and the most that may be held (the control API's `LimitedCount`). */
export type LimitedCount = components['schemas']['LimitedCount'];

export const DEFAULT_LIMITS: Readonly<Record<LimitKind, number>> = {
  'smile-webhooks': 1000,
  'wukongim-user-states': 100_000,
};

const LIMIT_WORDING: Record<LimitKind, { what: string; flag: string; option: string; instead: string }> = {
  'smile-webhooks': { what: 'webhook subscriptions', flag: '--max-webhooks', option: 'smile.maxWebhooks', instead: 'delete one first' },
  'wukongim-user-states': {
    what: 'WuKongIM users banned or disbanded',
    flag: '--max-user-states',
    option: 'wukongim.maxUserStates',
    instead: 'restore one to active first',
  },
};

/** The bound of a kind of state that refuses past it. */
export interface Limit {
  readonly kind: LimitKind;
  readonly max: number;
  /** Throws a MockError of kind `bound-reached` when `count` items are held already (the bound). */
  admit(count: number): void;
  /** What is wrong with a saved state that holds `count` items at `path`: more than the bound, or nothing. */
  restoreErrors(count: number, path: string): ErrorDetail[];
  state(count: number): LimitedCount;
}

/**
 * Creates a limit; throws a RangeError for one that is not a whole number of at least 1.
 * @example const webhooks = createLimit('smile-webhooks', options.maxWebhooks); webhooks.admit(store.size); store.add(webhook);
 */
export function createLimit(kind: LimitKind, max: number = DEFAULT_LIMITS[kind]): Limit {
  const wording = LIMIT_WORDING[kind];
  checkBound(wording.option, max);
  return {
    kind,
    max,
    admit(count) {
      if (count < max) return;
      const bound = max.toLocaleString('en-US');
      throw new MockError('bound-reached', `The mock holds at most ${bound} ${wording.what} (${wording.flag}, ${wording.option}): ${wording.instead}`);
    },
    restoreErrors: (count, path) =>
      count <= max
        ? []
        : [
            {
              path,
              message: `holds ${count.toLocaleString('en-US')} ${wording.what}; the mock holds at most ${max.toLocaleString('en-US')} (${wording.flag}, ${wording.option})`,
            },
          ],
    state: (count) => ({ count, bound: max }),
  };
}
