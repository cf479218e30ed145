/**
 * The error texts of Go's encoding/json, which the WuKongIM server sends back verbatim in `msg` when a
 * body does not decode. Clients that log or match on them see what the real server would say.
 */

/** The Go type a request body decodes into. */
export type GoTarget = { kind: 'struct'; type: string; name: string; fields: Record<string, string> } | { kind: 'slice'; type: string; element: string };

const NUMERIC = /^(u?int\d*|float\d+|wkproto\.\w+)$/;

/** `json: cannot unmarshal number 300 into Go struct field UpdateTokenReq.device_flag of type wkproto.DeviceFlag` */
export function goTypeError(target: GoTarget, pointer: string, value: unknown): string {
  const key = decodeURIComponent(pointer.split('/')[1] ?? '');
  if (pointer === '') return `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${target.type}`;
  const goType = target.kind === 'struct' ? (target.fields[key] ?? 'string') : target.element;
  const shown = typeof value === 'number' && NUMERIC.test(goType) ? `number ${value}` : jsonKind(value);
  if (target.kind === 'slice') return `json: cannot unmarshal ${shown} into Go value of type ${goType}`;
  return `json: cannot unmarshal ${shown} into Go struct field ${target.name}.${key} of type ${goType}`;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 92: '\\\\' };

/**
 * Go's quoting of the byte its scanner stopped at: `'x'`, `'"'`, `'\n'`, `'\x1f'`. Go reads bytes,
 * so a character outside ASCII shows as its first UTF-8 byte taken as a Latin-1 rune (a BOM is `'ï'`).
 */
function quote(char: string): string {
  const byte = encoder.encode(char)[0] as number;
  if (byte === 0x27) return "'\\''";
  if (byte === 0x22) return `'"'`;
  if (ESCAPES[byte]) return `'${ESCAPES[byte]}'`;
  if (byte < 0x20 || byte === 0x7f) return `'\\x${byte.toString(16).padStart(2, '0')}'`;
  // Latin-1 runes Go does not print as they are: the C1 controls and the soft hyphen.
  if ((byte >= 0x80 && byte <= 0xa0) || byte === 0xad) return `'\\u00${byte.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(byte)}'`;
}

const encoder = new TextEncoder();

class SyntaxProblem extends Error {}

/** The first JSON value of a body, as json.Decoder reads it: its text, and for an object, its members. */
export type FirstValue = { text: string; members: { key: string; text: string }[] } | { problem: string };

/**
 * Reads the first JSON value of a body as Go's json.Decoder does, ignoring what follows it. When the
 * body does not start with one, the problem is Go's message: `EOF` for an empty body, `unexpected EOF`
 * for a cut one, `invalid character 'x' looking for beginning of value` and so on. It scans with an
 * explicit stack, as Go does, so no nesting depth can exhaust the call stack.
 * @example goFirstValue('{"uid":"a"} and more') // { text: '{"uid":"a"}', members: [{ key: 'uid', text: '"a"' }] }
 */
export function goFirstValue(text: string): FirstValue {
  let i = 0;
  const closers: ('}' | ']')[] = [];
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const fail = (context: string): never => {
    if (i >= text.length) throw new SyntaxProblem('unexpected EOF');
    throw new SyntaxProblem(`invalid character ${quote(String.fromCodePoint(text.codePointAt(i) as number))} ${context}`);
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++, i++) {
      if (text[i] !== word[k]) fail(k === 0 ? 'looking for beginning of value' : `in literal ${word} (expecting ${quote(word[k] as string)})`);
    }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const char = text[i] as string;
      if (char < ' ') fail('in string literal');
      if (char === '\\') {
        i++;
        if (!'"\\/bfnrtu'.includes(text[i] ?? '')) fail('in string escape code');
      }
      i++;
    }
    if (i >= text.length) fail('');
    i++;
  };
  const number = () => {
    const start = i;
    if (text[i] === '-') i++;
    if (!/[0-9]/.test(text[i] ?? '')) fail('in numeric literal');
    i = start + (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(start)) as RegExpExecArray)[0].length;
  };
  const key = () => {
    space();
    if (text[i] !== '"') fail('looking for beginning of object key string');
    string();
    space();
    if (text[i] !== ':') fail('after object key');
    i++;
  };
  /** Reads one value; an opened container is left on the stack, to be closed by `after`. */
  const value = () => {
    space();
    const char = text[i];
    if (char === '{' || char === '[') {
      // Go's scanner refuses nesting past 10000 levels.
      if (closers.length >= 10_000) throw new SyntaxProblem('exceeded max depth');
      i++;
      space();
      const closer = char === '{' ? '}' : ']';
      if (text[i] === closer) i++;
      else {
        closers.push(closer);
        if (closer === '}') key();
      }
    } else if (char === '"') string();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else fail('looking for beginning of value');
  };
  /** After a complete value: closes finished containers; true when another value must follow. */
  const after = (): boolean => {
    for (;;) {
      space();
      const closer = closers.at(-1);
      if (closer === undefined) return false;
      if (text[i] === closer) {
        i++;
        closers.pop();
        continue;
      }
      if (text[i] !== ',') fail(closer === '}' ? 'after object key:value pair' : 'after array element');
      i++;
      if (closer === '}') key();
      return true;
    }
  };

  space();
  if (i >= text.length) return { problem: 'EOF' };
  const start = i;
  try {
    for (;;) {
      const depth = closers.length;
      value();
      // A container just opened: its first member is the next value to read.
      if (closers.length > depth) continue;
      if (!after()) break;
    }
  } catch (problem) {
    if (problem instanceof SyntaxProblem) return { problem: problem.message };
    throw problem;
  }
  const first = text.slice(start, i);
  return { text: first, members: first.startsWith('{') ? membersOf(first) : [] };
}

/** The members of a valid JSON object's text, in order: each key decoded, each value as written. */
function membersOf(object: string): { key: string; text: string }[] {
  const members: { key: string; text: string }[] = [];
  let depth = 0;
  let inString = false;
  let keyEnd = -1;
  let valueStart = -1;
  let memberStart = 1;
  for (let i = 0; i < object.length; i++) {
    const char = object[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === ':' && depth === 1 && valueStart < 0) {
      keyEnd = i;
      valueStart = i + 1;
    } else if ((char === ',' && depth === 1) || ((char === '}' || char === ']') && --depth === 0)) {
      if (valueStart >= 0) members.push({ key: JSON.parse(object.slice(memberStart, keyEnd).trim()) as string, text: object.slice(valueStart, i).trim() });
      memberStart = i + 1;
      valueStart = -1;
    }
  }
  return members;
}

/**
 * Go's case folding of object keys against struct field names: keys match fields whatever their case,
 * and Go also folds the long s (ſ) to s and the Kelvin sign to k.
 */
export function goFoldKey(key: string): string {
  return key.toLowerCase().replace(/ſ/g, 's');
}
