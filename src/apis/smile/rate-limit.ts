/** Smile's rate limit: N requests per second per client address, counted on the mock's clock. */
import type { Clock } from '../../core/clock.js';

/**
 * A fixed one-second window per address. On a frozen clock the window moves only when the clock is
 * advanced, so tests decide when the limit resets.
 * @example const limit = createRateLimit(20, clock); if (!limit('127.0.0.1')) answer429();
 */
export function createRateLimit(perSecond: number, clock: Clock): (address: string) => boolean {
  const windows = new Map<string, { second: number; count: number }>();
  return (address) => {
    const second = Math.floor(clock.now() / 1000);
    const window = windows.get(address);
    if (!window || window.second !== second) {
      // Old windows are dropped as they are seen again, and all at once when the map grows large.
      if (windows.size > 10_000) windows.clear();
      windows.set(address, { second, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= perSecond;
  };
}
