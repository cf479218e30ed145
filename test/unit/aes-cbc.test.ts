import { nodeAesCbc } from 'token-mock/node';
import { describe, expect, it } from 'vitest';
import { createCipher, webCryptoAesCbc } from '../../src/apis/wukongim/im/handshake.js';

const KEY = 'aa0d9adedd99438a';
const IV = '2yv7jnytru5y9C6Z';

describe("the IM messages' AES-CBC", () => {
  it('is the same on node:crypto as on WebCrypto, byte for byte, padding included', async () => {
    const [web, node] = await Promise.all([createCipher(KEY, IV, webCryptoAesCbc), createCipher(KEY, IV, nodeAesCbc)]);
    for (const text of ['', 'a', 'exactly sixteen!', '{"content":"hello from the SDK","type":1}', 'é✓𝄞'.repeat(40)]) {
      const encrypted = await node.encrypt(text);
      expect(encrypted).toBe(await web.encrypt(text));
      expect(await web.decrypt(encrypted)).toBe(text);
      expect(await node.decrypt(encrypted)).toBe(text);
      expect(await node.msgKey(text)).toBe(await web.msgKey(text));
    }
  });

  it('refuses on both what is not its encryption, as a protocol error', async () => {
    for (const aes of [webCryptoAesCbc, nodeAesCbc]) {
      const cipher = await createCipher(KEY, IV, aes);
      // Fifteen bytes is no whole block; sixteen random ones end in no valid padding.
      await expect(cipher.decrypt(btoa('x'.repeat(15)))).rejects.toThrow('the payload does not decrypt');
      await expect(cipher.decrypt(btoa('0123456789abcdef'))).rejects.toThrow('the payload does not decrypt');
    }
  });
});
