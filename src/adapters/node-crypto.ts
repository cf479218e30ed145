/** node:crypto's HMAC-SHA256 for the mock's link tokens: the fast path in Node. */
import { createHmac, createSecretKey } from 'node:crypto';
import type { HmacSha256 } from '../core/hmac.js';

/**
 * Signs synchronously with node:crypto. Pass it as `createMock({ hmacSha256: nodeHmacSha256 })`; the
 * CLI does.
 */
export const nodeHmacSha256: HmacSha256 = (key) => {
  const secret = createSecretKey(key);
  return (data) => new Uint8Array(createHmac('sha256', secret).update(data).digest());
};
