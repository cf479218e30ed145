/**
 * The IM handshake and message crypto (WuKongIM `pkg/wkutil/{dh,aes,md5}.go`): an X25519 exchange
 * gives a shared secret; the AES-128 key is the first 16 hex digits of MD5(base64(secret)) taken as
 * ASCII, the IV the 16-character salt. Payloads travel as base64 of AES-CBC (PKCS#7), and a
 * message's msgKey is hex MD5 of the base64 AES encryption of its verify string. X25519 runs on
 * WebCrypto, as in browsers and Node alike; AES on WebCrypto unless a faster one is given (`nodeAesCbc`
 * in Node); MD5, which WebCrypto lacks, on @noble/hashes.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { base64FromBytes, bytesFromBase64 as decodeBase64 } from '../../../core/base64.js';
import type { Random } from '../../../core/random.js';
import { ProtocolError } from './frame.js';

/** The server's side of one connection's key exchange. */
export interface ServerKeys {
  /** Base64 of the 32-byte X25519 public key, as CONNACK carries it. */
  publicKey: string;
  privateKey: CryptoKey;
}

/** AES-128-CBC with PKCS#7 padding under one key and IV; decrypting bytes that are not that throws. */
export interface AesCbcCipher {
  encrypt(data: Uint8Array<ArrayBuffer>): Uint8Array | Promise<Uint8Array>;
  decrypt(data: Uint8Array<ArrayBuffer>): Uint8Array | Promise<Uint8Array>;
}

/** Makes the AES-CBC of one connection's key and IV. */
export type AesCbc = (key: Uint8Array<ArrayBuffer>, iv: Uint8Array<ArrayBuffer>) => AesCbcCipher | Promise<AesCbcCipher>;

/** AES-CBC on WebCrypto, in browsers and Node alike: each call a round trip to a worker thread in Node. */
export const webCryptoAesCbc: AesCbc = async (keyBytes, iv) => {
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'AES-CBC' }, false, ['encrypt', 'decrypt']);
  return {
    encrypt: async (data) => new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, data)),
    decrypt: async (data) => new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv }, key, data)),
  };
};

/** One connection's message cipher, after the exchange. */
export interface SessionCipher {
  /** The AES key as 16 ASCII characters, and the IV (the salt). */
  readonly aesKey: string;
  readonly iv: string;
  /** base64 of AES-CBC over the UTF-8 text. */
  encrypt(text: string): Promise<string>;
  /** The UTF-8 text of base64 AES-CBC; a ProtocolError when it is not that. */
  decrypt(base64: string): Promise<string>;
  /** The msgKey of a verify string: hex MD5 of its encryption. */
  msgKey(verify: string): Promise<string>;
}

/** The DER prefix of a PKCS#8 X25519 private key; the 32 key bytes follow. */
const PKCS8_X25519 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20);
const SALT_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lowercase hex MD5 of a string's UTF-8 bytes. */
export function md5Hex(text: string): string {
  let out = '';
  for (const byte of md5(utf8.encode(text))) out += HEX[byte];
  return out;
}

export { base64FromBytes };

/** Bytes of standard base64; a ProtocolError on anything else. */
export function bytesFromBase64(text: string): Uint8Array<ArrayBuffer> {
  try {
    return decodeBase64(text, 'standard');
  } catch {
    throw new ProtocolError('not base64');
  }
}

/**
 * Makes the server's key pair for one connection from the seeded random, so runs repeat exactly.
 * @example const keys = await createServerKeys(random); keys.publicKey // 44 base64 characters
 */
export async function createServerKeys(random: Random): Promise<ServerKeys> {
  const secret = new Uint8Array(32);
  const words = new DataView(secret.buffer);
  for (let i = 0; i < 32; i += 4) words.setUint32(i, random.uint32());
  const pkcs8 = new Uint8Array(PKCS8_X25519.length + 32);
  pkcs8.set(PKCS8_X25519);
  pkcs8.set(secret, PKCS8_X25519.length);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, true, ['deriveBits']);
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  return { privateKey, publicKey: base64FromBase64url(jwk.x ?? '') };
}

/** A 16-character salt of [0-9a-zA-Z] from the seeded random. */
export function createSalt(random: Random): string {
  let salt = '';
  for (let i = 0; i < 16; i++) salt += SALT_ALPHABET[random.int(SALT_ALPHABET.length)];
  return salt;
}

/**
 * Completes the exchange with the client's public key (base64, 32 bytes) and returns the cipher.
 * A key that is not 32 bytes of base64 is a ProtocolError.
 * @example const cipher = await deriveCipher(keys.privateKey, connect.clientKey, salt);
 */
export async function deriveCipher(privateKey: CryptoKey, clientKey: string, salt: string, aes?: AesCbc): Promise<SessionCipher> {
  const raw = bytesFromBase64(clientKey);
  if (raw.length !== 32) throw new ProtocolError(`the client key has ${raw.length} bytes, not 32`);
  const peer = await crypto.subtle.importKey('raw', raw, { name: 'X25519' }, false, []);
  let shared: ArrayBuffer;
  try {
    shared = await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, privateKey, 256);
  } catch {
    // A small-order public key gives an all-zero secret, which WebCrypto refuses.
    throw new ProtocolError('the client key gives no shared secret');
  }
  const aesKey = md5Hex(base64FromBytes(new Uint8Array(shared))).slice(0, 16);
  return createCipher(aesKey, salt, aes);
}

/**
 * A cipher for a known AES key and IV (16 ASCII characters each), as a client holds it after CONNACK.
 * @example const cipher = await createCipher('aa0d9adedd99438a', '2yv7jnytru5y9C6Z', nodeAesCbc);
 */
export async function createCipher(aesKey: string, iv: string, aes: AesCbc = webCryptoAesCbc): Promise<SessionCipher> {
  const keyBytes = utf8.encode(aesKey);
  const ivBytes = utf8.encode(iv);
  if (keyBytes.length !== 16) throw new ProtocolError(`the AES key has ${keyBytes.length} bytes, not 16`);
  if (ivBytes.length !== 16) throw new ProtocolError(`the salt has ${ivBytes.length} bytes, not 16`);
  const aesCbc = await aes(keyBytes, ivBytes);
  const cipher: SessionCipher = {
    aesKey,
    iv,
    async encrypt(text) {
      return base64FromBytes(await aesCbc.encrypt(utf8.encode(text)));
    },
    async decrypt(base64) {
      try {
        return fromUtf8.decode(await aesCbc.decrypt(bytesFromBase64(base64)));
      } catch {
        throw new ProtocolError('the payload does not decrypt');
      }
    },
    msgKey: async (verify) => md5Hex(await cipher.encrypt(verify)),
  };
  return cipher;
}

function base64FromBase64url(text: string): string {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/');
  return standard + '='.repeat((4 - (standard.length % 4)) % 4);
}
