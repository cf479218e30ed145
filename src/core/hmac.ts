/**
 * HMAC-SHA256, the one primitive link tokens are signed with. WebCrypto is the runtime-neutral
 * default; a Node entry point may pass node:crypto's, which is an order of magnitude faster there
 * (measured: 36 µs against 2 µs a signature), since WebCrypto in Node hops to a thread pool per call.
 */

/** Signs `data` with a fixed key. */
export type HmacSigner = (data: Uint8Array) => Promise<Uint8Array> | Uint8Array;

/** Makes a signer for a key: given once, used for every token of a mock instance. */
export type HmacSha256 = (key: Uint8Array) => HmacSigner;

/**
 * The WebCrypto implementation, for browsers, workers and any runtime with `crypto.subtle`.
 * @example const sign = webCryptoHmacSha256(new TextEncoder().encode('key')); await sign(bytes)
 */
export const webCryptoHmacSha256: HmacSha256 = (key) => {
  const imported = crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return async (data) => new Uint8Array(await crypto.subtle.sign('HMAC', await imported, data as BufferSource));
};
