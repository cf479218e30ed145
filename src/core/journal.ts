/**
 * A bounded log of requests and responses: a ring buffer of entries that are themselves bounded
 * (`journal-entry.ts`), so memory stays flat under load and a page has a known worst case.
 */
import { type JournalEntry, keptEntry, type RecordedEntry, type StoredEntry } from './journal-entry.js';
import { newestFirst, type Slice } from './page.js';
import { createRing, type Ring } from './ring.js';
import type { Violation } from './validation.js';
import type { ReportedViolation } from './violation-list.js';

export type { JournalEntry, RecordedEntry } from './journal-entry.js';
export type { ReportedViolation } from './violation-list.js';

/** The reported form of a violation. */
export function reported(violation: Violation): ReportedViolation {
  return { in: violation.location, path: violation.pointer, keyword: violation.keyword, message: violation.message };
}

/** Which page of the journal, or of its violations, to read. */
export interface JournalQuery {
  /** Only the entries of this API. */
  api?: string;
  /** Only the entries whose operationId contains this text, in any case. */
  operation?: string;
  /** Only the entries whose status starts with these digits (`4`: every 4xx). */
  status?: string;
  /** The id of the last entry the previous page showed: this page starts just below it. */
  from?: number;
  limit: number;
  /** Read the entries with violations, which have a ring of their own. */
  violations?: boolean;
}

/** The journal: the newest `capacity` entries, and a count of everything seen. */
export interface Journal {
  readonly capacity: number;
  /** Requests recorded since the last clear, including those no longer held. */
  readonly total: number;
  /**
   * Records an entry, keeping a bounded part of it (`keptEntry`); `time` is epoch ms on the mock
   * clock, formatted only when the journal is read.
   */
  record(entry: RecordedEntry): void;
  /** Held entries, oldest first. */
  entries(): JournalEntry[];
  /** Held entries with violations, oldest first: a ring of their own, so ordinary traffic cannot push them out. */
  violations(): JournalEntry[];
  /**
   * A page of held entries, newest first: a binary search to the cursor, then the page itself. Only
   * the entries shown are formatted; `total` comes from counts kept per API, not from a scan.
   */
  page(query: JournalQuery): Slice<JournalEntry, number>;
  /**
   * Calls `listener` with every entry as it is recorded, whole (before the journal cuts it), with
   * `time` in epoch ms on the mock clock; returns the way to stop. The request log listens here.
   */
  onRecord(listener: (entry: RecordedEntry) => void): () => void;
  clear(): void;
}

/**
 * Creates a journal holding at most `capacity` entries.
 * @example const journal = createJournal(500); journal.entries().at(-1)?.status
 */
export function createJournal(capacity: number): Journal {
  const ring = createCountedRing(capacity);
  const broken = createCountedRing(capacity);
  const shown = (stored: Stored): JournalEntry => ({ ...stored, time: new Date(stored.time).toISOString() });
  const listeners: ((entry: RecordedEntry) => void)[] = [];
  return {
    capacity,
    get total() {
      return ring.entries.total;
    },
    record(entry) {
      const stored = keptEntry(ring.entries.total + 1, entry);
      ring.push(stored);
      if (entry.violations.length > 0) broken.push(stored);
      for (const listener of listeners) {
        try {
          listener(entry);
        } catch {
          // A listener's failure is its own; the request is answered all the same.
        }
      }
    },
    onRecord(listener) {
      listeners.push(listener);
      return () => {
        const at = listeners.indexOf(listener);
        if (at >= 0) listeners.splice(at, 1);
      };
    },
    entries: () => ring.entries.items().map(shown),
    violations: () => broken.entries.items().map(shown),
    page(query) {
      const { entries, held } = query.violations ? broken : ring;
      const { api, operation, status } = query;
      const matches = entryFilter(query);
      const { items, next } = newestFirst(entries, (entry) => entry.id, { from: query.from, limit: query.limit, matches });
      // Counts are kept per API; a filter by operation or status counts what it matches (a scan of what is held).
      const total =
        operation === undefined && status === undefined
          ? api === undefined
            ? entries.size
            : (held.get(api) ?? 0)
          : countMatching(entries, matches as (entry: Stored) => boolean);
      return { items: items.map(shown), next, total };
    },
    clear() {
      ring.clear();
      broken.clear();
    },
  };
}

type Stored = StoredEntry;

/** The query's filters as one test, or undefined when it has none. */
function entryFilter({ api, operation, status }: JournalQuery): ((entry: Stored) => boolean) | undefined {
  if (api === undefined && operation === undefined && status === undefined) return undefined;
  const text = operation?.toLowerCase();
  return (entry) =>
    (api === undefined || entry.api === api) &&
    (text === undefined || (entry.operationId ?? '').toLowerCase().includes(text)) &&
    (status === undefined || String(entry.status).startsWith(status));
}

function countMatching(entries: Ring<Stored>, matches: (entry: Stored) => boolean): number {
  let count = 0;
  for (const entry of entries.items()) if (matches(entry)) count++;
  return count;
}

/** A ring of entries with a count of those held per API, kept as entries come and go. */
function createCountedRing(capacity: number): { entries: Ring<Stored>; held: Map<string, number>; push(entry: Stored): void; clear(): void } {
  const entries = createRing<Stored>(capacity);
  const held = new Map<string, number>();
  return {
    entries,
    held,
    push(entry) {
      const evicted = entries.push(entry);
      if (capacity > 0) held.set(entry.api, (held.get(entry.api) ?? 0) + 1);
      if (evicted) held.set(evicted.api, (held.get(evicted.api) ?? 1) - 1);
    },
    clear() {
      entries.clear();
      held.clear();
    },
  };
}
