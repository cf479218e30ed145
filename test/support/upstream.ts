/**
 * The providers' own OpenAPI documents, read from ../shared/reference/upstream beside the project.
 * Where a document is absent the caller says so and skips: the project's tests must pass without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ajvModule from 'ajv';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

/** Validates a body; returns the violations as `pointer message`. */
export type UpstreamCheck = (body: unknown) => string[];

export interface Upstream {
  file: string;
  present: boolean;
  /** The validator of a documented JSON response, or undefined where the document defines none. */
  validatorFor(path: string, method: string, status: number): UpstreamCheck | undefined;
}

/**
 * Opens an upstream document by file name, warning when it is absent. `closed` names the object
 * schemas (JSON Pointers into the document) that list every field in spirit though they do not say
 * so: each gets `additionalProperties: false`, so a field the document does not name fails. A
 * pointer that names no object schema with properties throws, so the list cannot rot.
 */
export function openUpstream(name: string, closed: readonly string[] = []): Upstream {
  const file = fileURLToPath(new URL(`../../../shared/reference/upstream/${name}`, import.meta.url));
  const present = existsSync(file);
  if (!present) {
    console.warn(`skipped: the upstream document is not at ${file}`);
    return { file, present, validatorFor: () => undefined };
  }
  const document = parse(readFileSync(file, 'utf8')) as Json; // YAML parses JSON too
  for (const pointer of closed) {
    const schema = pointer
      .slice(1)
      .split('/')
      .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce((node: Json | undefined, key) => node?.[key] as Json | undefined, document);
    if (!schema?.properties || schema.additionalProperties !== undefined) throw new Error(`${name}${pointer} is not an open object schema with properties`);
    schema.additionalProperties = false;
  }
  // OpenAPI 3.0 schemas: draft-07 ajv understands `nullable`; `example` and `x-` keywords are annotations.
  const ajv = new ajvModule.default({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  ajv.addSchema({ ...document, $id: 'upstream' });
  const resolve = (value: Json): Json => {
    const ref = value.$ref as string | undefined;
    if (!ref) return value;
    return resolve(
      ref
        .slice(2)
        .split('/')
        .reduce((node: Json, key) => node[key] as Json, document),
    );
  };
  return {
    file,
    present,
    validatorFor(path, method, status) {
      const operation = ((document.paths as Json)[path] as Json)[method] as Json;
      const raw = (operation.responses as Json)[String(status)] as Json | undefined;
      if (!raw) return undefined;
      const response = resolve(raw);
      const pointer = raw.$ref
        ? `${(raw.$ref as string).slice(1)}/content/application~1json/schema`
        : `/paths/${path.replaceAll('/', '~1')}/${method}/responses/${status}/content/application~1json/schema`;
      const validate = ajv.getSchema(`upstream#${pointer}`);
      if (!validate || !(response.content as Json)?.['application/json']) return undefined;
      return (body) => (validate(body) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`));
    },
  };
}
