/**
 * The spec as verify reads it: the YAML document, local `$ref`s resolved, `allOf` merged, and seeded
 * sample values drawn from a schema (its examples first).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { Random } from '../core/random.js';

export type Schema = Record<string, unknown>;

/** Reads `openapi/<name>.yaml`, which ships beside `dist/` and `src/`. */
export async function loadSpec(name: 'smile' | 'wukongim'): Promise<Schema> {
  return parse(await readFile(new URL(`../../openapi/${name}.yaml`, import.meta.url), 'utf8')) as Schema;
}

/** Follows `$ref`s and merges `allOf`, so that `properties`, `required` and constraints sit on one object. */
export function flatten(document: Schema, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (typeof schema.$ref === 'string') {
    let target: unknown = document;
    for (const segment of schema.$ref.replace(/^#\//, '').split('/')) target = (target as Schema)[segment];
    const { $ref: _, ...rest } = schema;
    return flatten(document, { ...(target as Schema), ...rest });
  }
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  const merged: Schema = { ...rest };
  for (const part of (allOf as Schema[]).map((item) => flatten(document, item))) {
    const properties = { ...(merged.properties as Schema | undefined), ...(part.properties as Schema | undefined) };
    const required = [...((merged.required as string[]) ?? []), ...((part.required as string[]) ?? [])];
    Object.assign(merged, part, { properties, required: [...new Set(required)] });
  }
  return merged;
}

/** The JSON type a schema names (the first, when it names several). */
export function typeOf(schema: Schema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (typeof type === 'string') return type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (schema.const !== undefined) return typeof schema.const === 'number' ? 'number' : typeof schema.const;
  return undefined;
}

/**
 * A value that satisfies the schema, for a positive case: its examples first, then its constraints.
 * Optional object properties are left out unless they carry an example.
 */
export function sample(document: Schema, raw: Schema | undefined, random: Random): unknown {
  const schema = flatten(document, raw);
  if (schema.const !== undefined) return schema.const;
  const examples = schema.examples ?? (schema.example === undefined ? undefined : [schema.example]);
  if (Array.isArray(examples) && examples.length > 0) return examples[random.int(examples.length)];
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[random.int(schema.enum.length)];
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) return sample(document, ((schema.oneOf ?? schema.anyOf) as Schema[])[0], random);
  switch (typeOf(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const [name, property] of Object.entries(properties)) {
        const flat = flatten(document, property);
        if ((schema.required as string[] | undefined)?.includes(name) || flat.examples !== undefined || flat.example !== undefined) {
          out[name] = sample(document, property, random);
        }
      }
      return out;
    }
    case 'array': {
      const count = Math.max(1, Number(schema.minItems ?? 1));
      return Array.from({ length: count }, () => sample(document, schema.items as Schema, random));
    }
    case 'integer':
    case 'number': {
      const min = Number(schema.minimum ?? 0);
      const max = Number(schema.maximum ?? min + 100);
      return min + random.int(Math.min(max - min, 1000) + 1);
    }
    case 'boolean':
      return true;
    case 'string':
      return sampleString(schema, random);
    default:
      return null;
  }
}

function sampleString(schema: Schema, random: Random): string {
  switch (schema.format) {
    case 'date':
      return '2026-01-01';
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'uri':
      return 'https://example.com/token-mock/webhook';
  }
  const min = Number(schema.minLength ?? 1);
  const max = Number(schema.maxLength ?? 40);
  const text = `verify-${random.hex(12)}`;
  return (text.length < min ? text.padEnd(min, 'x') : text).slice(0, Math.max(min, Math.min(max, text.length)));
}
