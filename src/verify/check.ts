/** Checks an answer against an operation's documented responses: status, media type, and body schema. */
import type { ResponseSpec } from '../core/operation.js';
import { check, type Violation } from '../core/validation.js';

/** What a provider answered. */
export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
}

/** What `answerProblems` needs of an operation: its id and its documented responses. */
export interface CheckedOperation {
  id: string;
  responses: Record<string, ResponseSpec>;
}

/** Values up to this length are shown whole in a problem; longer ones are cut, saying how long they were. */
const VALUE_SHOWN = 120;

/**
 * A value as a problem shows it: JSON, whole when short.
 * @example shownValue('SANDBOX') // '"SANDBOX"'; shownValue(undefined) // 'nothing'
 */
export function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > VALUE_SHOWN ? `${text.slice(0, VALUE_SHOWN)}… (${text.length} characters)` : text;
}

/** The value at a JSON Pointer, or undefined where there is none. */
export function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/** The allowed values of an enum, listed when there are few of them. */
function allowed(values: unknown[]): string {
  return values.length <= 5 ? values.map(shownValue).join(' or ') : `one of the ${values.length} documented values`;
}

/**
 * One schema violation of a body as a line that names the field, says what the spec wants and shows
 * what came: `body/data/mode must be "SANDBOX" or "PRODUCTION", got "sandbox"`.
 */
export function explain(violation: Violation, body: unknown): string {
  const at = `body${violation.pointer}`;
  if (violation.keyword === 'required') return `${at} is required`;
  const actual = shownValue(valueAt(body, violation.pointer));
  const params = violation.params;
  switch (violation.keyword) {
    case 'const':
      return `${at} must be ${shownValue(params.allowedValue)}, got ${actual}`;
    case 'enum':
      return `${at} must be ${allowed(params.allowedValues as unknown[])}, got ${actual}`;
    case 'type':
      return `${at} must be ${[params.type].flat().join(' or ')}, got ${actual}`;
    case 'oneOf':
    case 'anyOf':
      // ajv reports why each alternative failed just before this line.
      return `${at} must match one of the documented alternatives above, got ${actual}`;
    default:
      return `${at} ${violation.message}, got ${actual}`;
  }
}

/**
 * Every way `answer` differs from what the spec documents for `operation`, when one of `statuses` is
 * expected. Empty when it conforms. `profile` picks the response schemas where a profile has its own.
 */
export function answerProblems(operation: CheckedOperation, statuses: number[], answer: Answer, profile?: string): string[] {
  if (!statuses.includes(answer.status)) return [`status: expected ${statuses.join(' or ')}, got ${answer.status}`];
  const spec = operation.responses[String(answer.status)];
  if (!spec) return [`status ${answer.status} is not documented for ${operation.id}`];
  if (!spec.mediaType) return answer.text === '' ? [] : [`body: expected none, got ${answer.text.length} bytes: ${shownValue(answer.text)}`];
  const problems: string[] = [];
  const type = answer.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== spec.mediaType) problems.push(`content-type: expected ${spec.mediaType}, got ${answer.contentType ?? '(none)'}`);
  if (answer.json === undefined) return [...problems, `body: expected JSON, got ${answer.text === '' ? 'an empty body' : shownValue(answer.text)}`];
  const validate = (profile && spec.profiles?.[profile]) || spec.validate;
  if (validate) problems.push(...check(validate, answer.json, 'response').map((violation) => explain(violation, answer.json)));
  return problems;
}
