/**
 * The contract verify holds a provider to: the spec in openapi/, less what only the mock promises
 * (relaxations.ts), with its response schemas compiled once per API. The mock's own precompiled
 * validators stay as strict as its spec.
 */
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { ResponseSpec, Validator } from '../core/operation.js';
import type { CheckedOperation } from './check.js';
import { RELAXATIONS, type Relaxation } from './relaxations.js';
import { loadSpec, type Schema } from './schema.js';

const Ajv2020 = ajv2020.default;
const addFormats = ajvFormats.default;

/** An operation as verify checks it: where it is, and its documented responses under the contract. */
export interface ContractOperation extends CheckedOperation {
  method: string;
  path: string;
}

export interface Contract {
  /** The relaxed spec: cases are drawn from it. */
  document: Schema;
  operations: Record<string, ContractOperation>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** OpenAPI keywords that are not JSON Schema validation keywords. */
const ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator', 'components'];

/** The parent object and key a JSON Pointer names; throws when nothing is there, so that a stale relaxation cannot pass unseen. */
function locate(document: Schema, pointer: string): { parent: Schema; key: string } {
  const keys = pointer
    .split('/')
    .slice(1)
    .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'));
  const key = keys.pop() as string;
  let parent: unknown = document;
  for (const step of keys) parent = (parent as Schema | undefined)?.[step];
  if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, key)) throw new Error(`relaxation at ${pointer}: the spec has nothing there`);
  return { parent: parent as Schema, key };
}

/**
 * A copy of `document` with each relaxation applied.
 * @example relax(spec, [{ at: '/components/schemas/Token', optional: ['id'], why: '…' }])
 */
export function relax(document: Schema, relaxations: readonly Relaxation[]): Schema {
  const copy = structuredClone(document);
  for (const { at, drop, optional, nullable, set } of relaxations) {
    const { parent, key } = locate(copy, at);
    const node = parent[key] as Schema;
    for (const name of drop ?? []) {
      if (!Object.hasOwn(node, name)) throw new Error(`relaxation at ${at}: there is no ${name} to drop`);
      delete node[name];
    }
    if (optional) node.required = ((node.required ?? []) as string[]).filter((name) => !optional.includes(name));
    if (nullable) parent[key] = { anyOf: [node, { type: 'null' }] };
    if (set) parent[key] = set;
  }
  return copy;
}

/** Makes local `$ref`s absolute to the document, so that ajv resolves them, and drops `x-` extensions. */
function absolute(value: unknown, id: string): unknown {
  if (Array.isArray(value)) return value.map((item) => absolute(item, id));
  if (value === null || typeof value !== 'object') return value;
  const out: Schema = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('x-')) continue;
    out[key] = key === '$ref' && typeof item === 'string' && item.startsWith('#') ? id + item : absolute(item, id);
  }
  return out;
}

/** Follows `$ref`s inside the document until a value that is not one. */
function resolve(document: Schema, value: Schema): Schema {
  if (typeof value.$ref !== 'string') return value;
  const { parent, key } = locate(document, value.$ref.slice(1));
  return resolve(document, parent[key] as Schema);
}

/** Compiles the response schemas of every operation of a (relaxed) spec. */
export function compileContract(name: string, document: Schema): Record<string, ContractOperation> {
  const id = `https://token-mock.local/verify/${name}.yaml`;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTuples: false, allowUnionTypes: true });
  addFormats(ajv);
  for (const keyword of ANNOTATIONS) ajv.addKeyword(keyword);
  ajv.addSchema({ $id: id, components: { schemas: absolute((document.components as Schema | undefined)?.schemas ?? {}, id) } });
  // Identical schemas (every operation's error envelope) share one compiled validator.
  const compiled = new Map<string, Validator>();
  const compile = (schema: unknown): Validator => {
    const text = JSON.stringify(absolute(schema, id));
    let validate = compiled.get(text);
    if (!validate) {
      validate = ajv.compile(JSON.parse(text)) as Validator;
      compiled.set(text, validate);
    }
    return validate;
  };
  const operations: Record<string, ContractOperation> = {};
  for (const [path, item] of Object.entries(document.paths as Record<string, Schema>)) {
    for (const method of METHODS) {
      const operation = item[method] as Schema | undefined;
      if (!operation) continue;
      const responses: Record<string, ResponseSpec> = {};
      for (const [status, raw] of Object.entries(operation.responses as Record<string, Schema>)) {
        const response = resolve(document, raw);
        const [mediaType, content] = Object.entries((response.content ?? {}) as Record<string, Schema>)[0] ?? [];
        if (!mediaType || !content) {
          responses[status] = {};
          continue;
        }
        const profiles = Object.entries((response['x-profile-schemas'] ?? {}) as Record<string, unknown>).map(([profile, schema]) => [
          profile,
          compile(schema),
        ]);
        responses[status] = { mediaType, validate: compile(content.schema ?? {}), ...(profiles.length > 0 ? { profiles: Object.fromEntries(profiles) } : {}) };
      }
      const operationId = operation.operationId as string;
      operations[operationId] = { id: operationId, method: method.toUpperCase(), path, responses };
    }
  }
  return operations;
}

const contracts = new Map<'smile' | 'wukongim', Promise<Contract>>();

/**
 * The contract of one API, read, relaxed and compiled on first use.
 * @example const { operations } = await loadContract('smile'); operations.createToken.responses['201']
 */
export function loadContract(api: 'smile' | 'wukongim'): Promise<Contract> {
  let contract = contracts.get(api);
  if (!contract) {
    contract = loadSpec(api).then((spec) => {
      const document = relax(spec, RELAXATIONS[api]);
      return { document, operations: compileContract(api, document) };
    });
    contracts.set(api, contract);
  }
  return contract;
}
