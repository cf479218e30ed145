/** node:crypto's HMAC-SHA256 for the mock's link tokens and AES-CBC for its IM messages: the fast paths in Node. */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import type { AesCbc } from '../apis/wukongim/im/handshake.js';
import type { HmacSha256 } from '../core/hmac.js';

const BLOCK = 64;

/**
 * Signs synchronously with node:crypto. Pass it as `createMock({ smile: { hmacSha256: nodeHmacSha256 } })`;
 * the CLI does. HMAC (RFC 2104) is computed from SHA-256 states keyed once and copied per signature:
 * that costs about half of a `createHmac` per call, which derives its keyed states every time.
 */
export const nodeHmacSha256: HmacSha256 = (key) => {
  const block = Buffer.alloc(BLOCK);
  (key.length > BLOCK ? createHash('sha256').update(key).digest() : Buffer.from(key)).copy(block);
  const inner = createHash('sha256').update(block.map((byte) => byte ^ 0x36));
  const outer = createHash('sha256').update(block.map((byte) => byte ^ 0x5c));
  return (data) => outer.copy().update(inner.copy().update(data).digest()).digest('base64url');
};

/**
 * AES-128-CBC (PKCS#7) with node:crypto, synchronously. Pass it as `createMock({ wukongim: { aesCbc: nodeAesCbc } })`;
 * the CLI does. WebCrypto's AES goes to a worker thread and back for every call: about 43 µs for a
 * message's 48 bytes on a 2-core machine against 6 µs here, and the IM port makes four calls a relayed message.
 */
export const nodeAesCbc: AesCbc = (key, iv) => ({
  encrypt: (data) => {
    const cipher = createCipheriv('aes-128-cbc', key, iv);
    return Buffer.concat([cipher.update(data), cipher.final()]);
  },
  decrypt: (data) => {
    const decipher = createDecipheriv('aes-128-cbc', key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  },
});
