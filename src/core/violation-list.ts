/**
 * A list of violations cut to a size: whole violations in order while they fit, their long strings
 * cut with `…`, and a last marker that says how many were left out. The violations header and each
 * journal entry fit their lists this way, each with its own size.
 */
import type { components } from '../generated/admin.types.js';

/** A violation as the journal, the violations header and the control API show it. */
export type ReportedViolation = components['schemas']['Violation'];

/** How a list is fitted. */
export interface ListFit {
  /** The most characters the list's JSON may take, brackets and commas included. */
  budget: number;
  /** Each violation's path and message are cut at this many characters. */
  cut: number;
  /** The size of a violation's JSON as the list's reader sees it; its length by default. */
  measure?: (json: string) => number;
}

/** The keyword of the marker that ends a list that was cut. */
export const TRUNCATED = 'truncated';

/** What the marker can take at most: its JSON is about 110 characters with the longest count. */
const MARKER_ROOM = 128;
/** Keywords come from the specs and the mock, never from a request; they are cut all the same. */
const KEYWORD_LIMIT = 64;

/**
 * Fits a list into `fit.budget` characters of JSON. A list that fits is returned with its strings
 * cut; one that does not ends with `{in, path: '', keyword: 'truncated', message: 'N more violations
 * left out'}`, where `in` is that of the first violation left out.
 * @example fitViolations(violations, { budget: 4096, cut: 256 })
 */
export function fitViolations(list: readonly ReportedViolation[], fit: ListFit): ReportedViolation[] {
  const measure = fit.measure ?? ((json: string) => json.length);
  const kept: ReportedViolation[] = [];
  let used = 2;
  for (let index = 0; index < list.length; index++) {
    const violation = shorten(list[index] as ReportedViolation, fit.cut);
    const size = measure(JSON.stringify(violation)) + (kept.length > 0 ? 1 : 0);
    // Room for the marker stays free while anything may still have to be left out.
    const reserve = index < list.length - 1 ? MARKER_ROOM + 1 : 0;
    if (used + size + reserve > fit.budget) {
      const left = list.length - index;
      kept.push({
        in: (list[index] as ReportedViolation).in,
        path: '',
        keyword: TRUNCATED,
        message: `${left} more violation${left === 1 ? '' : 's'} left out`,
      });
      return kept;
    }
    kept.push(violation);
    used += size;
  }
  return kept;
}

/**
 * Cuts a text at `limit` characters, marking the cut with `…`.
 * @example cut('abcdef', 3) // 'abc…'
 */
export function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

function shorten(violation: ReportedViolation, limit: number): ReportedViolation {
  if (violation.path.length <= limit && violation.message.length <= limit && violation.keyword.length <= KEYWORD_LIMIT) return violation;
  return { in: violation.in, path: cut(violation.path, limit), keyword: cut(violation.keyword, KEYWORD_LIMIT), message: cut(violation.message, limit) };
}
