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
};

/** Go types of integer fields, and whether they are unsigned (a leading minus sign is refused). */
const INTEGERS: Record<string, { unsigned: boolean }> = {
  'wkproto.DeviceFlag': { unsigned: true },
  'wkproto.DeviceLevel': { unsigned: true },
  int: { unsigned: false },
};

/** What decoding a body came to: the value as the handler sees it, or the decoder's error and where. */
export type Decoded = { value: unknown } | { problem: string; pointer?: string };

/**
 * Decodes a body as the server does for an operation.
 * @example decodeBody('updateToken', '{"UID":"a","token":"t","device_flag":1} trailing') // { value: { uid: 'a', token: 't', device_flag: 1 } }
 */
export function decodeBody(operationId: string, text: string): Decoded {
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
    if (integer && typeof parsed === 'number' && (/[.eE]/.test(member.text) || (integer.unsigned && member.text.startsWith('-')))) {
      const goType = target.fields[field as string] as string;
      return { problem: `json: cannot unmarshal number ${member.text} into Go struct field ${target.name}.${name} of type ${goType}`, pointer: `/${name}` };
    }
    decoded[name] = parsed;
  }
  return { value: decoded };
}
