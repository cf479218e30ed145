/** Smile's rate limit on a frozen clock, as CI runs it (`--start-time`), and on a running one. */
import { describe, expect, it } from 'vitest';
import { createRateLimit } from '../../src/apis/smile/rate-limit.js';
import { createClock } from '../../src/core/clock.js';

describe('the Smile rate limit', () => {
  it('closes a window after a second of real time even though the frozen mock clock never moves', () => {
    const clock = createClock({ start: '2026-01-01T00:00:00Z' });
    let real = 0;
    const limit = createRateLimit(2, clock, () => real);
    expect([limit('a'), limit('a'), limit('a')]).toEqual([0, 0, 1]);
    expect(limit('b')).toBe(0); // per client address
    real = 999;
    expect(limit('a')).toBe(1);
    real = 1000;
    expect([limit('a'), limit('a'), limit('a')]).toEqual([0, 0, 1]);
    expect(clock.frozen).toBe(true);
  });

  it('closes a window as soon as the mock clock is advanced a second, so tests need not wait', () => {
    const clock = createClock({ start: '2026-01-01T00:00:00Z' });
    const limit = createRateLimit(1, clock, () => 0);
    expect([limit('a'), limit('a')]).toEqual([0, 1]);
    clock.advance(1000);
    expect([limit('a'), limit('a')]).toEqual([0, 1]);
  });
});
