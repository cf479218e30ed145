/**
 * A short run of the mixed load (`npm run load` runs it for 60 s and also checks memory): both APIs on
 * one server past small bounds, no unintended errors, and state that matches what was sent.
 */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../bench/load.js';

describe('mixed load', () => {
  it('ends with no unintended error, every count at or under its bound, and consistent state', async () => {
    const report = await runLoad({ seconds: 2, warmupSeconds: 1, bounds: { users: 100, tokens: 1000, slots: 100, online: 100, ended: 300 } });
    // Memory is `npm run load`'s to judge: two seconds are too few to tell growth from warming up.
    expect(report.problems.filter((problem) => !problem.startsWith('memory'))).toEqual([]);
    expect(report.unintended).toBe(0);
    // 100 creates a second for 2 s, onto the 25 seeded users.
    expect(report.creates).toBe(200);
    // Every user created is held or was evicted to make room, oldest first.
    expect(report.users.after).toEqual({ count: 100, bound: 100, evicted: 125 });
    expect(report.tokens.after.count).toBe(1000);
    expect(report.tokens.after.count + report.tokens.after.evicted).toBe(report.creates + report.refreshes);
    for (const count of Object.values(report.wukongim)) expect(count.count).toBeLessThanOrEqual(count.bound);
    expect(report.tokensChecked).toBe(250);
    expect(report.tokensNotFound).toBe(0);
    expect(report.oldestChecked).toBe(50);
    expect(report.oldestWrong).toBe(0);
  }, 60_000);
});
