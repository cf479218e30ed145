import { describe, expect, it } from 'vitest';
import { base64FromBytes, base64urlFromBytes, base64urlFromText, bytesFromBase64 } from '../../src/core/base64.js';

/** What atob makes of a text (base64url first put into the standard alphabet), or 'throws'. */
function byAtob(text: string, url: boolean): number[] | 'throws' {
  try {
    return Array.from(atob(url ? text.replaceAll('-', '+').replaceAll('_', '/') : text), (char) => char.charCodeAt(0));
  } catch {
    return 'throws';
  }
}

function decoded(text: string, alphabet: 'standard' | 'url'): number[] | 'throws' {
  try {
    return Array.from(bytesFromBase64(text, alphabet));
  } catch {
    return 'throws';
  }
}

describe('base64 by table', () => {
  it('encodes and decodes every length as Buffer does, in both alphabets', () => {
    for (let length = 0; length < 100; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const standard = Buffer.from(bytes).toString('base64');
      const url = Buffer.from(bytes).toString('base64url');
      expect(base64FromBytes(bytes)).toBe(standard);
      expect(base64urlFromBytes(bytes)).toBe(url);
      expect(Array.from(bytesFromBase64(standard, 'standard'))).toEqual(Array.from(bytes));
      expect(Array.from(bytesFromBase64(url, 'url'))).toEqual(Array.from(bytes));
      expect(Array.from(bytesFromBase64(standard.replace(/=+$/, ''), 'standard'))).toEqual(Array.from(bytes));
    }
  });

  it('encodes text as its UTF-8 bytes', () => {
    for (const text of ['', 'a', '{"alg":"HS256","typ":"JWT"}', 'naïve ☃ 𝄞']) expect(base64urlFromText(text)).toBe(Buffer.from(text).toString('base64url'));
  });

  it('accepts and refuses exactly what atob does', () => {
    const texts = [
      'a',
      'ab=c',
      'a b c d',
      ' aGk= ',
      'aGk',
      'aGk==',
      'aGk===',
      '****',
      'aG-_',
      'aG+/',
      'é',
      '=',
      '==',
      'aGk=\n',
      '\taGVs bG8=',
      'a===',
      'aGVsbG8',
      '\u0100AAA',
    ];
    for (const text of texts) {
      expect(decoded(text, 'standard'), JSON.stringify(text)).toEqual(byAtob(text, false));
      expect(decoded(text, 'url'), JSON.stringify(text)).toEqual(byAtob(text, true));
    }
  });
});
