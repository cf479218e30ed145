/** Smile's rate limit: N requests per second per client address. */
import type { Clock } from '../../core/clock.js';

const WINDOW_MS = 1000;

/** What the limit says of one request: 0 when it may go on, otherwise whole seconds to wait (`Retry-After`). */
export type RateLimit = (address: string) => number;

/**
 * A one-second window per address, opened by its first request. It closes once a second has passed
 * on the mock's clock or in real time, whichever comes first: advancing the clock resets the limit
 * at once, and a frozen clock (`--start-time`) does not hold a window open for ever.
 * @example const limit = createRateLimit(20, clock); const wait = limit('127.0.0.1'); if (wait > 0) answer429(wait);
 */
export function createRateLimit(perSecond: number, clock: Clock, realNow: () => number = () => performance.now()): RateLimit {
  const windows = new Map<string, { mock: number; real: number; count: number }>();
  return (address) => {
    const mock = clock.now();
    const real = realNow();
    const window = windows.get(address);
    const left = window ? WINDOW_MS - Math.max(mock - window.mock, real - window.real) : 0;
    if (!window || left <= 0) {
      // Old windows are dropped as they are seen again, and all at once when the map grows large.
      if (windows.size > 10_000) windows.clear();
      windows.set(address, { mock, real, count: 1 });
      return 0;
    }
    window.count += 1;
    return window.count <= perSecond ? 0 : Math.ceil(left / 1000);
  };
}
