/** node:crypto's HMAC-SHA256 for the mock's link tokens: the fast path in Node. */
import { createHash } from 'node:crypto';
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
