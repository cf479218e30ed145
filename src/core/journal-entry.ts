/**
 * What a journal entry keeps of an exchange: bodies, header values, the path and the other texts cut
 * with `…`, headers past a budget left out (and counted), violations fitted to a size. An entry, and
 * so a page of the journal, has a known worst-case size whatever the requests were.
 */
import type { components } from '../generated/admin.types.js';
import { cut, fitViolations, type ReportedViolation } from './violation-list.js';

/** One request the mock answered (the control API's `JournalEntry`). */
export type JournalEntry = components['schemas']['JournalEntry'];

/** An entry as it is recorded: `time` in epoch ms, formatted only when the journal is read. */
export type RecordedEntry = Omit<JournalEntry, 'id' | 'time'> & { time: number };

/** An entry as the journal holds it: its id, and `time` still in epoch ms. */
export type StoredEntry = RecordedEntry & { id: number };

/** Bodies are kept for debugging, not archiving: each is cut at this many characters. */
export const JOURNAL_BODY_LIMIT = 4096;
/** Each header value is cut at this many characters. */
export const JOURNAL_HEADER_VALUE_LIMIT = 1024;
/** Headers are kept in order while their names and values, plus 6 each, stay within this; the others are counted. */
export const JOURNAL_HEADERS_BUDGET = 8192;
/** The answer's headers, the mock's own or an upstream's, are kept within this: they are the server's, and few. */
export const JOURNAL_RESPONSE_HEADERS_BUDGET = 2048;
/** The path with its query is cut at this many characters. */
export const JOURNAL_PATH_LIMIT = 4096;
/** The method, the operation id and the fault id are cut at this many characters. */
export const JOURNAL_WORD_LIMIT = 128;
/** The message of an unexpected failure is cut at this many characters. */
export const JOURNAL_ERROR_LIMIT = 1024;
/** An entry's violations are fitted into this many characters of JSON: far more than the header's 4 KiB, never unbounded. */
export const JOURNAL_VIOLATIONS_FIT = { budget: 16_384, cut: 512 };

/**
 * The most UTF-8 bytes one entry's JSON can take: 192 KiB. `journalEntryBound()` adds it up from the
 * limits above; a JSON string of n UTF-16 units takes at most 6n + 2 bytes (a control character
 * becomes `\u0001`), and JSON text of n units at most 3n bytes:
 *
 *   request body, response body, path   3 × (6 × 4097 + 2)  =  73,752
 *   request headers                     6 × 8192 + 2       =  49,154
 *   response headers                    6 × 2048 + 2       =  12,290
 *   method, operationId, fault          3 × (6 × 129 + 2)  =   2,328
 *   error                               6 × 1025 + 2       =   6,152
 *   violations, with the marker         3 × (16,384 + 128) =  49,536
 *   field names, numbers, punctuation                         ≤  450
 *                                                          = 193,662 ≤ 196,608
 */
export const JOURNAL_ENTRY_MAX_BYTES = 192 * 1024;

/** The most entries a page of the journal (or of its violations) holds; the spec says the same. */
export const JOURNAL_PAGE_LIMIT = 100;

/** The most bytes a page of the journal at its maximum size can take: 100 entries, their commas, and the envelope. */
export const JOURNAL_PAGE_MAX_BYTES = JOURNAL_PAGE_LIMIT * (JOURNAL_ENTRY_MAX_BYTES + 1) + 512;

/** The worst case of one entry, added up from the limits (see JOURNAL_ENTRY_MAX_BYTES). */
export function journalEntryBound(): number {
  const string = (units: number) => 6 * units + 2;
  return (
    2 * string(JOURNAL_BODY_LIMIT + 1) +
    string(JOURNAL_PATH_LIMIT + 1) +
    (6 * JOURNAL_HEADERS_BUDGET + 2) +
    (6 * JOURNAL_RESPONSE_HEADERS_BUDGET + 2) +
    3 * string(JOURNAL_WORD_LIMIT + 1) +
    string(JOURNAL_ERROR_LIMIT + 1) +
    3 * (JOURNAL_VIOLATIONS_FIT.budget + 128) +
    450
  );
}

/** Cuts a body to the journal's limit. */
export function journalBody(body: string | null | undefined): string | null {
  if (body === null || body === undefined) return null;
  return cut(body, JOURNAL_BODY_LIMIT);
}

const NONE: ReportedViolation[] = [];

/**
 * The part of an entry the journal keeps, with its id.
 * @example ring.push(keptEntry(ring.total + 1, entry))
 */
export function keptEntry(id: number, entry: RecordedEntry): StoredEntry {
  const { headers, omitted } = keptHeaders(entry.request.headers, JOURNAL_HEADERS_BUDGET);
  const body = journalBody(entry.request.body);
  const answer = entry.response.headers;
  const kept: StoredEntry = {
    id,
    time: entry.time,
    api: entry.api,
    operationId: entry.operationId === null ? null : cut(entry.operationId, JOURNAL_WORD_LIMIT),
    method: cut(entry.method, JOURNAL_WORD_LIMIT),
    path: cut(entry.path, JOURNAL_PATH_LIMIT),
    status: entry.status,
    durationMs: entry.durationMs,
    request: omitted === 0 ? { headers, body } : { headers, body, omittedHeaders: omitted },
    response: answer
      ? { headers: keptHeaders(answer, JOURNAL_RESPONSE_HEADERS_BUDGET).headers, body: journalBody(entry.response.body) }
      : { body: journalBody(entry.response.body) },
    fault: entry.fault === null ? null : cut(entry.fault, JOURNAL_WORD_LIMIT),
    violations: entry.violations.length === 0 ? NONE : fitViolations(entry.violations, JOURNAL_VIOLATIONS_FIT),
    error: entry.error === null ? null : cut(entry.error, JOURNAL_ERROR_LIMIT),
  };
  if (entry.proxied) kept.proxied = true;
  return kept;
}

/** Headers in order, each value cut, while they fit the budget; the count of those left out. */
function keptHeaders(headers: Record<string, string>, budget: number): { headers: Record<string, string>; omitted: number } {
  // Almost every request is within the limits: its headers are kept as they are, without a copy.
  let cost = 0;
  let within = true;
  for (const name in headers) {
    const length = (headers[name] as string).length;
    cost += name.length + length + 6;
    if (length > JOURNAL_HEADER_VALUE_LIMIT || cost > budget) {
      within = false;
      break;
    }
  }
  if (within) return { headers, omitted: 0 };
  const kept: Record<string, string> = {};
  let used = 0;
  let omitted = 0;
  for (const name in headers) {
    const value = cut(headers[name] as string, JOURNAL_HEADER_VALUE_LIMIT);
    const cost = name.length + value.length + 6;
    if (used + cost > budget) {
      omitted += 1;
      continue;
    }
    kept[name] = value;
    used += cost;
  }
  return { headers: kept, omitted };
}
