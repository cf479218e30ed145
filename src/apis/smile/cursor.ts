/** Opaque page cursors: base64url JSON of where the previous page ended and the filters it used. */
import { base64urlFromText, bytesFromBase64 } from '../../core/base64.js';

/** Encodes a cursor. */
export function encodeCursor(state: Record<string, unknown>): string {
  return base64urlFromText(JSON.stringify(state));
}

/** Decodes a cursor into an object, or returns undefined for anything this mock did not issue. */
export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytesFromBase64(cursor, 'url')));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
