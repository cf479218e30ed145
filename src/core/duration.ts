/** Durations as the CLI, the admin API and scenarios write them: `90s`, `15m`, `5h`, `1h30m`, or milliseconds. */

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * Parses a duration into milliseconds, or throws a RangeError that says what is accepted.
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
    throw new RangeError(`invalid duration ${value}: milliseconds must be a finite number ≥ 0`);
  }
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let match = PART.exec(text); match; match = PART.exec(text)) {
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length) {
    throw new RangeError(`invalid duration "${value}": use milliseconds or a number with ms, s, m, h or d, such as 90s, 15m, 5h or 1h30m`);
  }
  return Math.round(total);
}

/** The longest span of the mock's clock a lifetime may have: a century, so that every date it makes stays a date-time. */
export const MAX_CLOCK_SPAN_MS = 100 * 365 * 86_400_000;

/**
 * A lifetime on the mock's clock (a token's): a duration from 1 ms to a century, or a RangeError naming `name`.
 * @example parseLifetime('5h', 'smile.tokenTtl') // 18_000_000
 */
export function parseLifetime(value: string | number, name: string): number {
  const ms = parseDuration(value);
  if (ms < 1 || ms > MAX_CLOCK_SPAN_MS) throw new RangeError(`${name} must be from 1ms to 36500d, not ${JSON.stringify(value)}`);
  return ms;
}
