import { describe, expect, it } from 'vitest';
import { nodeHmacSha256 } from '../../src/adapters/node-crypto.js';
import { webCryptoHmacSha256 } from '../../src/core/hmac.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const hex = (base64url: string) => Buffer.from(base64url, 'base64url').toString('hex');

describe('HMAC-SHA256 for link tokens', () => {
  // RFC 4231, test case 2.
  const key = bytes('Jefe');
  const data = 'what do ya want for nothing?';
  const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';

  it.each([
    ['WebCrypto', webCryptoHmacSha256],
    ['node:crypto', nodeHmacSha256],
  ])('%s gives the RFC 4231 digest', async (_name, hmac) => {
    expect(hex(await hmac(key)(data))).toBe(expected);
  });

  it.each([
    ['WebCrypto', webCryptoHmacSha256],
    ['node:crypto', nodeHmacSha256],
  ])('%s hashes a key longer than a block first (RFC 4231, test case 6)', async (_name, hmac) => {
    const signature = await hmac(new Uint8Array(131).fill(0xaa))('Test Using Larger Than Block-Size Key - Hash Key First');
    expect(hex(signature)).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });
});
