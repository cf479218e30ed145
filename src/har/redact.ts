/**
 * What a recording keeps of a secret: the client's credentials in headers (`core/credentials.ts`),
 * and in JSON bodies WuKongIM's `token`, Smile's link tokens (`accessToken` of token objects) and
 * webhook `secret`s, each the literal `REDACTED`.
 */
import { REDACTED } from '../core/credentials.js';

const SECRET_FIELDS = new Set(['token', 'accessToken', 'secret']);
/** Deeper than this, a body is not walked: it is replaced whole, so no secret can hide below. */
const MAX_DEPTH = 64;

/**
 * A JSON body with every secret field's string value redacted; the text itself when none was there
 * or it is not JSON.
 * @example redactedBody('{"uid":"u1","token":"t1"}') // '{"uid":"u1","token":"REDACTED"}'
 */
export function redactedBody(text: string | null): string | null {
  if (text === null || !/"(token|accessToken|secret)"\s*:/.test(text)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const walked = walk(value, 0);
  return walked === TOO_DEEP ? REDACTED : JSON.stringify(walked);
}

const TOO_DEEP = Symbol('too deep');

function walk(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const walked = walk(item, depth + 1);
      if (walked === TOO_DEEP) return TOO_DEEP;
      out.push(walked);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (SECRET_FIELDS.has(key) && typeof field === 'string') out[key] = REDACTED;
    else {
      const walked = walk(field, depth + 1);
      if (walked === TOO_DEEP) return TOO_DEEP;
      out[key] = walked;
    }
  }
  return out;
}
