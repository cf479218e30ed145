import { describe, expect, it } from 'vitest';
import { nodeHmacSha256 } from '../../src/adapters/node-crypto.js';
import { webCryptoHmacSha256 } from '../../src/core/hmac.js';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const bytes = (text: string) => new TextEncoder().encode(text);

describe('HMAC-SHA256 for link tokens', () => {
  // RFC 4231, test case 2.
  const key = bytes('Jefe');
  const data = bytes('what do ya want for nothing?');
  const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';

  it.each([
    ['WebCrypto', webCryptoHmacSha256],
    ['node:crypto', nodeHmacSha256],
  ])('%s gives the RFC 4231 digest', async (_name, hmac) => {
    expect(hex(await hmac(key)(data))).toBe(expected);
  });
});
