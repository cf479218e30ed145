/**
 * A short run of the mixed load (`npm run load` runs it for 60 s and also checks memory): both APIs on
 * one server, no unintended errors, and state that matches what was sent.
 */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../bench/load.js';

describe('mixed load', () => {
  it('ends with no unintended error and consistent state', async () => {
    const report = await runLoad({ seconds: 5, warmupSeconds: 2 });
    expect(report.unintended).toBe(0);
    expect(report.creates).toBe(500);
    expect(report.users.after - report.users.before).toBe(report.creates);
    expect(report.tokens.after - report.tokens.before).toBe(report.creates + report.refreshes);
    expect(report.tokensChecked).toBeGreaterThan(100);
    expect(report.tokensNotFound).toBe(0);
  }, 60_000);
});
