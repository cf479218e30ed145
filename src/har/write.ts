/**
 * Journal entries as HAR 1.2 (the format browsers' DevTools, Playwright's `routeFromHAR` and
 * @mswjs/source's `fromTraffic` read). Each entry says what the app saw: the URL it asked (its Host
 * header), the answer's status, headers and body. What the mock knows besides goes under `_tokenMock`
 * (HAR's custom fields start with `_`): the API, the operation, whether it was proxied, its violations.
 */
import type { Entry, Har, Header } from 'har-format';
import { withoutCredentials } from '../core/credentials.js';
import { JOURNAL_BODY_LIMIT, type JournalEntry, type RecordedEntry } from '../core/journal-entry.js';
import { redactedBody } from './redact.js';

/** The `comment` of a body the journal cut at its limit. */
export const JOURNAL_CUT_COMMENT = `cut at ${JOURNAL_BODY_LIMIT} characters by the journal`;

/** An entry as the journal shows it (`time` an ISO string) or as it was recorded (`time` in epoch ms). */
export type HarSource = Omit<JournalEntry, 'id' | 'time'> & { time: number | string };

export interface HarOptions {
  /** Keep tokens and secrets (`--record-secrets`); credentials in headers stay as the journal holds them. Default false. */
  secrets?: boolean;
  /** The journal cut the bodies: mark each that reached its limit. */
  cut?: boolean;
}

/**
 * One exchange as a HAR entry; undefined for an IM socket event, which is no HTTP exchange.
 * @example harEntry(mock.journal.entries()[0], { cut: true })
 */
export function harEntry(entry: HarSource | RecordedEntry, options: HarOptions = {}): Entry | undefined {
  if (entry.method === 'WS') return undefined;
  const keep = options.secrets ? (text: string | null) => text : redactedBody;
  const requestHeaders = options.secrets ? entry.request.headers : withoutCredentials(entry.request.headers);
  const host = requestHeaders.host ?? 'localhost';
  const url = new URL(`http://${host}${entry.path.startsWith('/') ? entry.path : `/${entry.path}`}`);
  const requestBody = keep(entry.request.body);
  const responseBody = keep(entry.response.body);
  const responseHeaders = entry.response.headers ?? ownHeaders(entry);
  const marks = (text: string | null) => (options.cut && text !== null && text.length > JOURNAL_BODY_LIMIT ? { comment: JOURNAL_CUT_COMMENT } : {});
  const duration = Math.max(0, entry.durationMs);
  return {
    startedDateTime: typeof entry.time === 'number' ? new Date(entry.time).toISOString() : entry.time,
    time: duration,
    request: {
      method: entry.method,
      url: url.href,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(requestHeaders),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      headersSize: -1,
      bodySize: requestBody === null ? 0 : byteLength(requestBody),
      ...(requestBody === null
        ? {}
        : { postData: { mimeType: requestHeaders['content-type'] ?? 'application/octet-stream', text: requestBody, ...marks(requestBody) } }),
    },
    response: {
      status: entry.status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(responseHeaders),
      content: {
        size: responseBody === null ? 0 : byteLength(responseBody),
        mimeType: responseHeaders['content-type'] ?? (responseBody === null ? 'x-unknown' : 'application/octet-stream'),
        ...(responseBody === null ? {} : { text: responseBody }),
        ...marks(responseBody),
      },
      redirectURL: responseHeaders.location ?? '',
      headersSize: -1,
      // The body as decoded (a proxied answer's content encoding undone), so no encoding header applies to it.
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: duration, receive: 0 },
    _tokenMock: {
      api: entry.api,
      operationId: entry.operationId,
      proxied: entry.proxied === true,
      fault: entry.fault,
      violations: entry.violations,
      error: entry.error,
    },
  };
}

/**
 * A HAR 1.2 document of the entries, oldest first.
 * @example harDocument(entries, '0.1.0').log.entries.length
 */
export function harDocument(entries: readonly Entry[], version: string): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'token-mock', version },
      pages: [],
      entries: [...entries],
      comment: 'Secrets are REDACTED unless recorded with --record-secrets.',
    },
  };
}

/** Headers as HAR's name/value pairs; a proxied answer's encoding is undone, so its content-encoding and length no longer describe the text. */
function pairs(headers: Record<string, string>): Header[] {
  const out: Header[] = [];
  for (const name in headers) {
    if (name === 'content-encoding' || name === 'content-length' || name === 'transfer-encoding') continue;
    out.push({ name, value: headers[name] as string });
  }
  return out;
}

/**
 * The headers of one of the mock's own answers, which the journal does not keep (they cost more per
 * request than the rest of the entry): every WuKongIM and Smile answer with a body is JSON.
 */
function ownHeaders(entry: HarSource | RecordedEntry): Record<string, string> {
  return entry.api !== 'admin' && entry.response.body !== null ? { 'content-type': 'application/json; charset=utf-8' } : {};
}

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).byteLength;
