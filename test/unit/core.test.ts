import { describe, expect, it } from 'vitest';
import { goFirstValue } from '../../src/apis/wukongim/go-json.js';

const goSyntaxError = (text: string) => (goFirstValue(text) as { problem?: string }).problem;

import { createClock } from '../../src/core/clock.js';
import { parseDuration } from '../../src/core/duration.js';
import { createJournal } from '../../src/core/journal.js';
import { createRandom } from '../../src/core/random.js';
import { createRouter } from '../../src/core/router.js';
import { operations } from '../../src/generated/admin.operations.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['5h', 18_000_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1_500],
    ['1d', 86_400_000],
    ['1200', 1_200],
    [42, 42],
  ] as const)('reads %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '5 hours', 'h', '5x', '-5s', '1h 30m'])('refuses %j', (input) => {
    expect(() => parseDuration(input)).toThrow(/invalid duration/);
  });
});

describe('clock', () => {
  it('stays frozen at its start instant and moves only when told', () => {
    let wall = 1_000;
    const clock = createClock({ start: '2026-01-01T00:00:00Z' }, () => wall);
    wall += 60_000;
    expect(clock.iso()).toBe('2026-01-01T00:00:00.000Z');
    clock.advance(5 * 3_600_000);
    expect(clock.iso()).toBe('2026-01-01T05:00:00.000Z');
    clock.reset();
    expect(clock.iso()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('runs from a set instant when unfrozen, and keeps the instant when frozen again', () => {
    let wall = 0;
    const clock = createClock({}, () => wall);
    clock.set('2030-01-01T00:00:00Z');
    wall += 1_000;
    expect(clock.iso()).toBe('2030-01-01T00:00:01.000Z');
    clock.freeze(true);
    wall += 5_000;
    expect(clock.iso()).toBe('2030-01-01T00:00:01.000Z');
    clock.freeze(false);
    wall += 2_000;
    expect(clock.iso()).toBe('2030-01-01T00:00:03.000Z');
    expect(() => clock.set('not a date')).toThrow(RangeError);
  });
});

describe('random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createRandom(7);
    const first = [a.hex(32), a.int(1000), a.next()];
    a.reset();
    expect([a.hex(32), a.int(1000), a.next()]).toEqual(first);
    expect(createRandom(8).hex(32)).not.toBe(first[0]);
    expect(first[0]).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('journal', () => {
  it('holds the newest entries in order and counts all of them', () => {
    const journal = createJournal(3);
    for (let i = 1; i <= 5; i++) {
      journal.record({
        time: i * 1000,
        api: 'wukongim',
        operationId: null,
        method: 'GET',
        path: `/${i}`,
        status: 200,
        durationMs: 0,
        error: null,
        fault: null,
        violations: [],
        request: { headers: {}, body: null },
        response: { body: null },
      });
    }
    expect(journal.entries()[0]?.time).toBe('1970-01-01T00:00:03.000Z');
    expect(journal.entries().map((e) => [e.id, e.path])).toEqual([
      [3, '/3'],
      [4, '/4'],
      [5, '/5'],
    ]);
    expect(journal.total).toBe(5);
  });
});

describe('router', () => {
  const router = createRouter(Object.values(operations), '/__mock');

  it('matches static paths, templates with decoded parameters, and reports other methods', () => {
    expect(router.match('GET', '/__mock/clock')).toMatchObject({ kind: 'operation', operation: { id: 'getClock' } });
    expect(router.match('POST', '/__mock/clock')).toMatchObject({ kind: 'operation', operation: { id: 'changeClock' } });
    expect(router.match('PUT', '/__mock/wukongim/users/a%20b')).toMatchObject({ kind: 'operation', params: { uid: 'a b' } });
    expect(router.match('POST', '/__mock/wukongim/connections/12/close')).toMatchObject({ params: { connectionId: '12' } });
    expect(router.match('DELETE', '/__mock/clock')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'POST'] });
    expect(router.match('GET', '/__mock/wukongim')).toEqual({ kind: 'not-found' });
    expect(router.match('PUT', '/__mock/wukongim/users/%E0%A4%A')).toEqual({ kind: 'not-found' });
  });
});

describe('Go decoder messages', () => {
  it.each([
    ['', 'EOF'],
    ['   ', 'EOF'],
    ['{', 'unexpected EOF'],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":"x\n"}', "invalid character '\\n' in string literal"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
    ['{"a":-}', "invalid character '}' in numeric literal"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ["'x'", "invalid character '\\'' looking for beginning of value"],
    ['{"a":[1,{"b":}]}', "invalid character '}' looking for beginning of value"],
  ])('describes %j as Go does', (text, message) => {
    expect(goSyntaxError(text)).toBe(message);
  });

  it.each([
    ['10001 open arrays', '['.repeat(10_001), 'exceeded max depth'],
    ['500000 open arrays', '['.repeat(500_000), 'exceeded max depth'],
    ['10000 open arrays', '['.repeat(10_000), 'unexpected EOF'],
    ['20000 sibling arrays left open', `[${'[],'.repeat(20_000)}[]`, 'unexpected EOF'],
  ])('handles %s without exhausting the stack', (_name, text, message) => {
    expect(goSyntaxError(text)).toBe(message);
  });
});
