/** An IM socket event as a journal entry, so that `GET /__mock/journal` shows the IM port beside the HTTP APIs. */
import type { RecordedEntry } from '../../../core/journal-entry.js';
import type { ImEvent } from './server.js';

/**
 * The entry: method `WS`, path `/`, operationId `im.<event>`, status 101; the request body says who
 * (never the token), the response body what happened.
 * @example journal.record(imJournalEntry(event))
 */
export function imJournalEntry(event: ImEvent): RecordedEntry {
  const who = { socket: event.socket, uid: event.uid ?? null, device_flag: event.deviceFlag ?? null, connection_id: event.connectionId ?? null };
  return {
    time: event.time,
    api: 'wukongim',
    operationId: `im.${event.type}`,
    method: 'WS',
    path: '/',
    status: 101,
    durationMs: 0,
    request: { headers: {}, body: JSON.stringify(who) },
    response: { body: JSON.stringify({ event: event.type, reason_code: event.reasonCode ?? null, detail: event.detail }) },
    fault: null,
    violations: [],
    error: null,
  };
}
