/** Lists of violations cut to a size: whole violations, long strings cut, a marker that counts the rest. */
import { describe, expect, it } from 'vitest';
import { VIOLATIONS_HEADER_FIT } from '../../src/core/dispatch.js';
import { fitViolations, type ReportedViolation } from '../../src/core/violation-list.js';

const violation = (path: string, message = 'must be integer', at: ReportedViolation['in'] = 'body'): ReportedViolation => ({
  in: at,
  path,
  keyword: 'type',
  message,
});
/** The header as the client reads it: JSON with every character outside printable ASCII escaped. */
const asHeader = (list: ReportedViolation[]) =>
  JSON.stringify(list).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('fitViolations', () => {
  it.each([
    ['an empty list', [], []],
    ['a list that fits', [violation('/a', 'bad'), violation('/b', 'bad')], [violation('/a', 'bad'), violation('/b', 'bad')]],
    ['a long path and message, cut', [violation('/x'.repeat(20), 'm'.repeat(50))], [violation(`${'/x'.repeat(5)}…`, `${'m'.repeat(10)}…`)]],
  ])('keeps %s', (_name, list, want) => {
    expect(fitViolations(list, { budget: 4096, cut: 10 })).toEqual(want);
  });

  it('keeps whole violations while they fit, then one marker with the count and where the first left out was', () => {
    const list = [...Array.from({ length: 5 }, (_, i) => violation(`/field${i}`)), violation('/q', 'must be >= 1', 'query')];
    const fitted = fitViolations([...list.slice(0, 2), list[5] as ReportedViolation, ...list.slice(2, 5)], { budget: 300, cut: 100 });
    expect(fitted.slice(0, -1)).toEqual([violation('/field0'), violation('/field1')]);
    expect(fitted.at(-1)).toEqual({ in: 'query', path: '', keyword: 'truncated', message: '4 more violations left out' });
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(300);
  });

  it('says "1 more violation" for one', () => {
    const fitted = fitViolations([violation('/a'), violation('/b', 'x'.repeat(200))], { budget: 220, cut: 200 });
    expect(fitted.at(-1)?.message).toBe('1 more violation left out');
  });

  it('keeps the header within 4 KiB as the client reads it, escapes included, whatever the text', () => {
    for (const text of ['plain', 'é', '不能', '\u0001', '😀', '\ud800']) {
      const list = Array.from({ length: 200 }, (_, i) => violation(`/${text.repeat(300)}${i}`, text.repeat(300)));
      const header = asHeader(fitViolations(list, VIOLATIONS_HEADER_FIT));
      expect(header.length).toBeLessThanOrEqual(4096);
      expect(JSON.parse(header).at(-1).keyword).toBe('truncated');
    }
  });
});
