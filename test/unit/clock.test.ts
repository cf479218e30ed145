/** The clock's alarms: the timeline webhook retries and scenario steps run on. */
import { describe, expect, it } from 'vitest';
import { createClock } from '../../src/core/clock.js';

const START = Date.parse('2026-01-01T00:00:00Z');

describe('clock alarms', () => {
  it('runs due alarms in time order on advance, each with the clock at its own instant', () => {
    const clock = createClock({ start: START });
    const seen: string[] = [];
    clock.schedule(START + 3000, () => seen.push(`c@${clock.now() - START}`));
    clock.schedule(START + 1000, () => seen.push(`a@${clock.now() - START}`));
    clock.schedule(START + 1000, () => seen.push(`b@${clock.now() - START}`));
    clock.schedule(START + 9000, () => seen.push('late'));
    clock.advance(5000);
    expect(seen).toEqual(['a@1000', 'b@1000', 'c@3000']);
    expect(clock.now()).toBe(START + 5000);
    expect(clock.pending).toBe(1);
  });

  it('runs alarms an alarm sets when they fall inside the same advance', () => {
    const clock = createClock({ start: START });
    const seen: number[] = [];
    clock.schedule(START + 1000, () => {
      seen.push(clock.now() - START);
      clock.schedule(clock.now() + 1000, () => seen.push(clock.now() - START));
    });
    clock.advance(10_000);
    expect(seen).toEqual([1000, 2000]);
  });

  it('set() to a later instant is an advance; to an earlier one runs nothing', () => {
    const clock = createClock({ start: START });
    let runs = 0;
    clock.schedule(START + 60_000, () => runs++);
    clock.set(START - 60_000);
    expect(runs).toBe(0);
    clock.set('2026-01-01T00:01:00Z');
    expect(runs).toBe(1);
  });

  it('cancels an alarm, and drops all of them on reset', () => {
    const clock = createClock({ start: START });
    let runs = 0;
    const cancel = clock.schedule(START + 1000, () => runs++);
    clock.schedule(START + 2000, () => runs++);
    cancel();
    clock.reset();
    clock.advance(5000);
    expect(runs).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('keeps going when an alarm throws', () => {
    const clock = createClock({ start: START });
    let runs = 0;
    clock.schedule(START + 1000, () => {
      throw new Error('boom');
    });
    clock.schedule(START + 2000, () => runs++);
    clock.advance(2000);
    expect(runs).toBe(1);
  });

  it('on a running clock, a real timer wakes the alarm when real time reaches it', async () => {
    const clock = createClock();
    const fired = new Promise<number>((resolve) => clock.schedule(clock.now() + 30, () => resolve(clock.now())));
    const at = clock.now();
    expect(await fired).toBeGreaterThanOrEqual(at + 30);
  });

  it('on a frozen clock, an alarm already due runs on the next tick', async () => {
    const clock = createClock({ start: START });
    const fired = new Promise<number>((resolve) => clock.schedule(START, () => resolve(clock.now())));
    expect(await fired).toBe(START);
  });
});
