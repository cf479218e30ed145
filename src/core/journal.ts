/** A bounded log of requests and responses: a ring buffer, so memory stays flat under load. */
import type { components } from '../generated/admin.types.js';
import { createRing } from './ring.js';
import type { Violation } from './validation.js';

type Schemas = components['schemas'];

/** A violation as the journal, the violations header and the control API show it. */
export type ReportedViolation = Schemas['Violation'];

/** The reported form of a violation. */
export function reported(violation: Violation): ReportedViolation {
  return { in: violation.location, path: violation.pointer, keyword: violation.keyword, message: violation.message };
}

/** One request the mock answered (the control API's `JournalEntry`). */
export type JournalEntry = Schemas['JournalEntry'];

/** The journal: the newest `capacity` entries, and a count of everything seen. */
export interface Journal {
  readonly capacity: number;
  /** Requests recorded since the last clear, including those no longer held. */
  readonly total: number;
  /** Records an entry; `time` is epoch ms on the mock clock, formatted only when the journal is read. */
  record(entry: Omit<JournalEntry, 'id' | 'time'> & { time: number }): void;
  /** Held entries, oldest first. */
  entries(): JournalEntry[];
  /** Held entries with violations, oldest first: a ring of their own, so ordinary traffic cannot push them out. */
  violations(): JournalEntry[];
  clear(): void;
}

/** Bodies are kept for debugging, not archiving: each is cut at this many characters. */
export const JOURNAL_BODY_LIMIT = 4096;

/** Cuts a body to the journal's limit. */
export function journalBody(body: string | null | undefined): string | null {
  if (body === null || body === undefined) return null;
  return body.length > JOURNAL_BODY_LIMIT ? `${body.slice(0, JOURNAL_BODY_LIMIT)}…` : body;
}

/**
 * Creates a journal holding at most `capacity` entries.
 * @example const journal = createJournal(500); journal.entries().at(-1)?.status
 */
export function createJournal(capacity: number): Journal {
  type Stored = Omit<JournalEntry, 'time'> & { time: number };
  const ring = createRing<Stored>(capacity);
  const broken = createRing<Stored>(capacity);
  const shown = (stored: Stored): JournalEntry => ({ ...stored, time: new Date(stored.time).toISOString() });
  return {
    capacity,
    get total() {
      return ring.total;
    },
    record(entry) {
      const stored = { id: ring.total + 1, ...entry };
      ring.push(stored);
      if (entry.violations.length > 0) broken.push(stored);
    },
    entries: () => ring.items().map(shown),
    violations: () => broken.items().map(shown),
    clear() {
      ring.clear();
      broken.clear();
    },
  };
}
