/**
 * Reading a HAR 1.2 recording: the document checked against the har-schema package's schema (compiled
 * at build time into `generated/har.validators.ts`), and each entry as the exchange the specs inspect.
 */
import type { Entry, Har } from 'har-format';
import type { ApiName } from '../core/api.js';
import { bytesFromBase64 } from '../core/base64.js';
import type { ForeignExchange } from '../core/dispatch.js';
import { type ErrorDetail, MockError } from '../core/errors.js';
import { schemaErrors } from '../core/validation.js';
import { har as harSchema } from '../generated/har.validators.js';
import { JOURNAL_CUT_COMMENT } from './write.js';

/** How many wrong parts a refusal lists: a recording broken throughout would otherwise make an error as large as itself. */
const MAX_ERRORS = 20;

/** One recorded exchange as the specs see it, with where it sits in its recording. */
export interface RecordedExchange extends ForeignExchange {
  /** `<label> entries[i]`, for messages. */
  where: string;
  /** Where it sits in its recording, as a JSON Pointer: `/log/entries/3`. */
  pointer: string;
  /** When it was sent, epoch ms. */
  time: number;
  /** The API the recorder said it was (`_tokenMock.api`), when it was token-mock. */
  api: ApiName | undefined;
  /** Why its answer cannot be read, when it cannot: no body kept, or one cut by the journal. */
  unreadable: string | undefined;
  /**
   * Why its answer is a mock's own rather than the provider's, when it is: an injected fault (a token-mock
   * recording's `_tokenMock.fault`, or the `x-token-mock-fault` header of an upstream mock), or the
   * proxy's 502 or 504 for an upstream that failed (`x-token-mock-upstream-error`).
   */
  mockMade: string | undefined;
}

/**
 * A recording's entries, or a MockError of kind `invalid-har` naming what is wrong: not an object, not
 * HAR (its schema), or another version than 1.2.
 * @example readHar(JSON.parse(text), 'session.har').length
 */
export function readHar(document: unknown, label: string): RecordedExchange[] {
  const errors = schemaErrors(harSchema, document);
  if (errors.length > 0) throw refusal(label, 'is not HAR', errors);
  const { log } = document as Har;
  if (log.version !== '1.2') throw refusal(label, 'is not HAR 1.2', [{ path: '/log/version', message: `is ${JSON.stringify(log.version)}` }]);
  return log.entries.map((entry, i) => recordedExchange(entry, `${label} entries[${i}]`, `/log/entries/${i}`));
}

function recordedExchange(entry: Entry, where: string, pointer: string): RecordedExchange {
  const headers = new Map<string, string>();
  for (const { name, value } of entry.request.headers) if (!headers.has(name.toLowerCase())) headers.set(name.toLowerCase(), value);
  const { content } = entry.response;
  const answer = content.text === undefined ? null : content.encoding === 'base64' ? fromBase64(content.text) : content.text;
  const undecodable = content.text !== undefined && answer === null;
  const cut = content.comment === JOURNAL_CUT_COMMENT || entry.request.postData?.comment === JOURNAL_CUT_COMMENT;
  const hasBody = entry.response.status !== 204 && entry.request.method !== 'HEAD' && content.size !== 0;
  const marks = (entry as { _tokenMock?: { api?: unknown; fault?: unknown } })._tokenMock;
  const recorder = marks?.api;
  const answerHeader = (name: string) => entry.response.headers.find((header) => header.name.toLowerCase() === name)?.value;
  const fault = typeof marks?.fault === 'string' ? marks.fault : answerHeader('x-token-mock-fault');
  const upstreamError = answerHeader('x-token-mock-upstream-error');
  return {
    where,
    pointer,
    time: Date.parse(entry.startedDateTime),
    api: recorder === 'smile' || recorder === 'wukongim' ? recorder : undefined,
    unreadable: cut
      ? 'its body was cut by the journal'
      : undecodable
        ? 'its answer body is not valid base64'
        : answer === null && hasBody
          ? 'the recording keeps no answer body'
          : undefined,
    mockMade:
      fault !== undefined
        ? `an injected fault (${fault}) answered it`
        : upstreamError !== undefined
          ? `the proxy answered it, its upstream having failed: ${upstreamError}`
          : undefined,
    method: entry.request.method,
    url: entry.request.url,
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
    body: entry.request.postData?.text ?? null,
    response: { status: entry.response.status, contentType: content.mimeType || null, body: answer },
  };
}

function fromBase64(text: string): string | null {
  try {
    return new TextDecoder().decode(bytesFromBase64(text, 'standard'));
  } catch {
    return null;
  }
}

/**
 * A recording refused whole, naming the first few wrong parts.
 * @example throw refusal('a.har', 'contradicts the spec', [{ path: '/log/entries/3', message: '…' }])
 */
export function refusal(label: string, what: string, errors: ErrorDetail[]): MockError {
  const kept = errors.slice(0, MAX_ERRORS);
  const listed = kept
    .slice(0, 3)
    .map((error) => `${error.path || '(the document)'} ${error.message}`)
    .join('; ');
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
  return new MockError('invalid-har', `${label} ${what}, so nothing was changed: ${listed}${more}`, { errors: kept });
}
