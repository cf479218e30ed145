/**
 * Negative inputs drawn from a schema: each breaks one rule (a required field gone, a wrong type, a
 * value past a bound), and says which keyword and field it breaks, so a provider's refusal can be
 * expected and a tolerant profile can leave it out.
 */
import { flatten, type Schema, typeOf } from './schema.js';

/** One broken input: what it breaks, and the value that breaks it. */
export interface Mutation {
  /** Reads as the end of a sentence: "body/uid is missing". */
  label: string;
  keyword: string;
  /** A JSON Pointer to the broken field. */
  pointer: string;
  value: unknown;
}

const REMOVED = Symbol('removed');

/** A value of another JSON type than the schema's. */
function wrongType(type: string | undefined): unknown {
  switch (type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    default:
      return 'not-an-object';
  }
}

/** Values that break one bound of the schema each. */
function pastBounds(schema: Schema): { keyword: string; value: unknown; label: string }[] {
  const out: { keyword: string; value: unknown; label: string }[] = [];
  if (typeof schema.maximum === 'number') out.push({ keyword: 'maximum', value: schema.maximum + 1, label: `is ${schema.maximum + 1}, over the maximum` });
  if (typeof schema.minimum === 'number') out.push({ keyword: 'minimum', value: schema.minimum - 1, label: `is ${schema.minimum - 1}, under the minimum` });
  if (typeof schema.maxLength === 'number' && schema.maxLength < 10_000)
    out.push({ keyword: 'maxLength', value: 'x'.repeat(schema.maxLength + 1), label: `is ${schema.maxLength + 1} characters, over the limit` });
  if (typeof schema.minLength === 'number' && schema.minLength >= 1) out.push({ keyword: 'minLength', value: '', label: 'is empty' });
  if (Array.isArray(schema.enum) && typeOf(schema) === 'string')
    out.push({ keyword: 'enum', value: 'NOT_A_DOCUMENTED_VALUE', label: 'is not one of the documented values' });
  if (typeof schema.minItems === 'number' && schema.minItems >= 1) out.push({ keyword: 'minItems', value: [], label: 'is an empty list' });
  if (typeof schema.maxProperties === 'number' && schema.maxProperties < 1000) {
    const crowded = Object.fromEntries(Array.from({ length: schema.maxProperties + 1 }, (_, i) => [`key${i}`, 'value']));
    out.push({ keyword: 'maxProperties', value: crowded, label: `has ${schema.maxProperties + 1} entries, over the limit` });
  }
  return out;
}

/**
 * Mutations of a JSON body that satisfies `schema`: each required field removed, each field of the
 * wrong type or past one of its bounds, and the body itself of the wrong type.
 */
export function bodyMutations(document: Schema, raw: Schema, body: unknown): Mutation[] {
  const schema = flatten(document, raw);
  const out: Mutation[] = [{ label: 'is of the wrong JSON type', keyword: 'type', pointer: '', value: wrongType(typeOf(schema)) }];
  if (typeOf(schema) === 'array') {
    const items = flatten(document, schema.items as Schema);
    out.push({ label: 'has an item of the wrong type', keyword: 'type', pointer: '/0', value: [wrongType(typeOf(items))] });
    return out;
  }
  if (typeOf(schema) !== 'object' || body === null || typeof body !== 'object') return out;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const mutate = (name: string, value: unknown) => {
    const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    if (value === REMOVED) delete copy[name];
    else copy[name] = value;
    return copy;
  };
  for (const name of required) out.push({ label: `/${name} is missing`, keyword: 'required', pointer: `/${name}`, value: mutate(name, REMOVED) });
  for (const [name, property] of Object.entries(properties)) {
    const flat = flatten(document, property);
    if (flat.const !== undefined) continue;
    out.push({ label: `/${name} is of the wrong type`, keyword: 'type', pointer: `/${name}`, value: mutate(name, wrongType(typeOf(flat))) });
    for (const bound of pastBounds(flat))
      out.push({ label: `/${name} ${bound.label}`, keyword: bound.keyword, pointer: `/${name}`, value: mutate(name, bound.value) });
  }
  return out;
}

/** Mutations of one query or path parameter's value (as text), by its schema. */
export function parameterMutations(document: Schema, raw: Schema): { label: string; keyword: string; value: string }[] {
  const schema = flatten(document, raw);
  const out: { label: string; keyword: string; value: string }[] = [];
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') out.push({ label: 'is not a number', keyword: 'type', value: 'abc' });
  for (const bound of pastBounds(schema)) {
    if (typeof bound.value === 'string' || typeof bound.value === 'number')
      out.push({ label: bound.label, keyword: bound.keyword, value: String(bound.value) });
  }
  return out;
}
