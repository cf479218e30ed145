/** A bounded log of requests and responses: a ring buffer, so memory stays flat under load. */
import type { ApiName } from './api.js';
import { createRing } from './ring.js';

/** One request the mock answered. */
export interface JournalEntry {
  id: number;
  time: string;
  api: ApiName;
  operationId: string | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  request: { headers: Record<string, string>; body: string | null };
  response: { body: string | null };
  /** The id of the fault rule that shaped the answer, if any. */
  fault: string | null;
}

/** The journal: the newest `capacity` entries, and a count of everything seen. */
export interface Journal {
  readonly capacity: number;
  /** Requests recorded since the last clear, including those no longer held. */
  readonly total: number;
  /** Records an entry; `time` is epoch ms on the mock clock, formatted only when the journal is read. */
  record(entry: Omit<JournalEntry, 'id' | 'time'> & { time: number }): void;
  /** Held entries, oldest first. */
  entries(): JournalEntry[];
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
  const ring = createRing<Omit<JournalEntry, 'time'> & { time: number }>(capacity);
  return {
    capacity,
    get total() {
      return ring.total;
    },
    record(entry) {
      ring.push({ id: ring.total + 1, ...entry });
    },
    entries: () => ring.items().map((stored) => ({ ...stored, time: new Date(stored.time).toISOString() })),
    clear: () => ring.clear(),
  };
}
