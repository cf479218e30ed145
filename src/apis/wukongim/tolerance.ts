/**
 * What the v2 server lets through that the documented contract forbids. Its handler decodes the body
 * with Go's `encoding/json` and then checks a few fields itself; every other break of the contract
 * goes on with Go's zero values. The `server-v2` profile and `verify` both follow this rule.
 */

/** Violations the decoder itself hits: a wrong JSON type, or a number its Go type cannot hold. */
const DECODE_KEYWORDS = new Set(['type', 'minimum', 'maximum']);

/** Fields whose emptiness the handler checks itself, in the server's order and with its messages. */
const HANDLER_CHECKED: Record<string, string[]> = { updateToken: ['/uid', '/token'] };

/** Whether Go's decoder refuses a value that breaks this schema keyword. */
export function decoderRefuses(keyword: string): boolean {
  return DECODE_KEYWORDS.has(keyword);
}

/**
 * Whether the v2 server accepts a body that breaks `keyword` at `pointer` of operation `operationId`.
 * @example serverTolerates('updateToken', 'required', '/device_flag') // true: the flag decodes as 0
 */
export function serverTolerates(operationId: string, keyword: string, pointer: string): boolean {
  return !decoderRefuses(keyword) && !(HANDLER_CHECKED[operationId] ?? []).includes(pointer);
}
