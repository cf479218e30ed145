/** The ring of held link tokens: O(1) lookups across wrap-arounds, holes for spent tokens, and snapshots. */
import { describe, expect, it } from 'vitest';
import { TokenLedger, USED } from '../../src/apis/smile/token-ledger.js';
import { createBound } from '../../src/core/bounds.js';

const HOUR = 3_600_000;
const ledgerOf = (max: number) => {
  const bound = createBound('smile-tokens', max);
  return { bound, ledger: new TokenLedger(bound, HOUR, false) };
};
const addAll = (ledger: TokenLedger, count: number, until = 10 * HOUR) => {
  for (let i = 0; i < count; i++) ledger.add(`tk-${ledger.nextSlot}`, 'ana', until, 0);
};
const find = (ledger: TokenLedger, slot: number) => ledger.find(`tk-${slot}`, slot % 2 ** 32);

describe('TokenLedger', () => {
  it('finds the newest tokens after the ring has wrapped many times, and calls the older ones forgotten', () => {
    const { bound, ledger } = ledgerOf(3);
    addAll(ledger, 20);
    expect([17, 18, 19].map((slot) => find(ledger, slot))).toEqual([17, 18, 19]);
    expect(find(ledger, 16)).toBe('forgotten');
    expect(find(ledger, 20)).toBeUndefined();
    expect(ledger.held).toBe(3);
    expect(bound.evicted).toBe(17);
  });

  it('forgets a spent token the retention period after, leaving a hole the front skips', () => {
    const { bound, ledger } = ledgerOf(3);
    addAll(ledger, 3);
    ledger.spend(1, USED, 0);
    ledger.sweep(HOUR - 1);
    expect(ledger.held).toBe(3);
    ledger.sweep(HOUR);
    expect([find(ledger, 0), find(ledger, 1), find(ledger, 2)]).toEqual([0, 'forgotten', 2]);
    expect(ledger.held).toBe(2);
    // The hole is the next to go but one: the ring drops the oldest token, then the hole, quietly.
    addAll(ledger, 2);
    expect([find(ledger, 0), find(ledger, 2), find(ledger, 3), find(ledger, 4)]).toEqual(['forgotten', 2, 3, 4]);
    expect(bound.evicted).toBe(1);
    expect(ledger.forgotten).toBe(1);
  });

  it('forgets unspent tokens the retention period after they expire, oldest first', () => {
    const { ledger } = ledgerOf(10);
    addAll(ledger, 2, HOUR);
    addAll(ledger, 1, 2 * HOUR);
    ledger.sweep(2 * HOUR);
    expect(ledger.held).toBe(1);
    expect(ledger.forgotten).toBe(2);
  });

  it('tells slots apart past 2^32 issued tokens: an id carries only the low 32 bits of its slot', () => {
    const { ledger } = ledgerOf(4);
    const base = 2 ** 32 - 2;
    ledger.restore({ ids: [`tk-${base}`, `tk-${base + 1}`], userIds: ['ana', 'ana'], expiries: [HOUR, HOUR], flags: [0, 0], base });
    addAll(ledger, 2);
    expect([base, base + 1, base + 2, base + 3].map((slot) => find(ledger, slot))).toEqual([base, base + 1, base + 2, base + 3]);
    expect(ledger.find(`tk-${base + 2}`, 0)).toBe(base + 2);
  });

  it('keeps slots, holes and the spent order through a snapshot', () => {
    const { ledger } = ledgerOf(5);
    addAll(ledger, 7);
    ledger.spend(4, USED, 0);
    ledger.spend(3, USED, 10);
    ledger.sweep(HOUR);
    const copy = ledgerOf(5).ledger;
    copy.restore(ledger.snapshot());
    expect([2, 3, 4, 5, 6].map((slot) => find(copy, slot))).toEqual([2, 3, 'forgotten', 5, 6]);
    copy.sweep(HOUR + 10);
    expect(find(copy, 3)).toBe('forgotten');
    expect(copy.held).toBe(3);
  });
});
