/**
 * How the v2 server reads a request body: gin's JSON binding, which is Go's `json.Decoder.Decode`
 * into the operation's Go type. It reads one value and ignores what follows; a `null` body or field
 * leaves Go's zero values; keys match struct fields case-insensitively; and an integer field refuses
 * a number written as `1.0`, `1e2` or, when unsigned, `-0`, with the decoder's own message.
 */
import { type GoTarget, goFirstValue, goFoldKey } from './go-json.js';

/** The Go types each operation's body decodes into, for the decoder's error texts. */
export const GO_TARGETS: Record<string, GoTarget> = {
  updateToken: {
    kind: 'struct',
    type: 'api.UpdateTokenReq',
    name: 'UpdateTokenReq',
    fields: { uid: 'string', token: 'string', device_flag: 'wkproto.DeviceFlag', device_level: 'wkproto.DeviceLevel' },
  },
  deviceQuit: {
    kind: 'struct',
    type: 'struct { UID string "json:\\"uid\\""; DeviceFlag int "json:\\"device_flag\\"" }',
    name: '',
    fields: { uid: 'string', device_flag: 'int' },
  },
  onlineStatus: { kind: 'slice', type: '[]string', element: 'string' },
  routeBatch: { kind: 'slice', type: '[]string', element: 'string' },
};

/** Go types of integer fields, and whether they are unsigned (a leading minus sign is refused). */
const INTEGERS: Record<string, { unsigned: boolean; min: bigint; max: bigint }> = {
  'wkproto.DeviceFlag': { unsigned: true, min: 0n, max: 255n },
  'wkproto.DeviceLevel': { unsigned: true, min: 0n, max: 255n },
  int: { unsigned: false, min: -(2n ** 63n), max: 2n ** 63n - 1n },
};

/** What decoding a body came to: the value as the handler sees it, or the decoder's error and where. */
export type Decoded = { value: unknown } | { problem: string; pointer?: string };

/**
 * Decodes a body as the server does for an operation.
 * @example decodeBody('updateToken', '{"UID":"a","token":"t","device_flag":1} trailing') // { value: { uid: 'a', token: 't', device_flag: 1 } }
 */
export function decodeBody(operationId: string, text: string): Decoded {
  return quickly(operationId, text) ?? decodeSlowly(operationId, text);
}

/**
 * The common case without a scan in JavaScript: a body that is exactly one JSON value whose keys are
 * the fields as written, each integer field once. It answers what the full decoder would, or
 * undefined to leave the body to it; the full scan cost about 2 µs of POST /user/token's 10.
 */
function quickly(operationId: string, text: string): Decoded | undefined {
  const target = GO_TARGETS[operationId];
  if (target?.kind !== 'struct') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // a syntax error, or data after the first value: the decoder says which
  }
  if (value === null) return { value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return { value };
  const decoded: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const goType = target.fields[key];
    if (goType === undefined) return undefined; // an unknown key, or one in another case: folding is the decoder's
    if (field === null) continue;
    const integer = INTEGERS[goType];
    if (integer && typeof field === 'number') {
      // The literal as written decides (1.0 parses as 1): it must be the key's only occurrence.
      const literal = onlyLiteral(key, text);
      // A literal past 15 digits may not survive as a number: the full decoder names it as written.
      if (literal === undefined || literal.length > 15 || /[.eE]/.test(literal) || (integer.unsigned && literal.startsWith('-'))) return undefined;
    }
    decoded[key] = field;
  }
  return { value: decoded };
}

const literalPatterns = new Map<string, RegExp>();

/** The number literal written for `key`, when the key occurs exactly once as written. */
function onlyLiteral(key: string, text: string): string | undefined {
  let pattern = literalPatterns.get(key);
  if (!pattern) {
    pattern = new RegExp(`"${key}"\\s*:\\s*([-+0-9.eE]+)`, 'g');
    literalPatterns.set(key, pattern);
  }
  pattern.lastIndex = 0;
  const first = pattern.exec(text);
  if (!first || pattern.exec(text)) return undefined;
  return first[1];
}

/** Whether an integer literal is past its Go type's range, exactly (only the full decoder asks: BigInt is slow). */
const outside = (literal: string, integer: { min: bigint; max: bigint }) => BigInt(literal) < integer.min || BigInt(literal) > integer.max;

function decodeSlowly(operationId: string, text: string): Decoded {
  const first = goFirstValue(text);
  if ('problem' in first) return { problem: first.problem };
  const target = GO_TARGETS[operationId];
  const value = JSON.parse(first.text) as unknown;
  if (!target) return { value };
  if (value === null) return { value: target.kind === 'struct' ? {} : [] };
  if (target.kind !== 'struct' || typeof value !== 'object' || Array.isArray(value)) return { value };
  const fields = Object.keys(target.fields);
  const decoded: Record<string, unknown> = {};
  for (const member of first.members) {
    const field = fields.find((name) => name === member.key) ?? fields.find((name) => goFoldKey(name) === goFoldKey(member.key));
    const name = field ?? member.key;
    const parsed = JSON.parse(member.text) as unknown;
    // A null leaves the Go field as it was: the same as leaving it out.
    if (parsed === null) continue;
    const integer = field === undefined ? undefined : INTEGERS[target.fields[field] as string];
    // Go names the literal as written (99999999999999999999, not the 1e20 it parses as); a range it cannot
    // hold is refused here when a number could not tell, and by the schema otherwise.
    if (
      integer &&
      typeof parsed === 'number' &&
      (/[.eE]/.test(member.text) || (integer.unsigned && member.text.startsWith('-')) || (member.text.length > 15 && outside(member.text, integer)))
    ) {
      const goType = target.fields[field as string] as string;
      return { problem: `json: cannot unmarshal number ${member.text} into Go struct field ${target.name}.${name} of type ${goType}`, pointer: `/${name}` };
    }
    decoded[name] = parsed;
  }
  return { value: decoded };
}
