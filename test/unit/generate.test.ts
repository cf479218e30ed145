/**
 * scripts/generate.ts, piece by piece: each table lists what a function is given and what it must
 * give back. Spec text reaches generated code only as data, so the hostile rows run the emitted
 * source and read the very strings back.
 */
import { createRequire } from 'node:module';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  comment,
  describeComponents,
  describeEvents,
  describeOperations,
  esmImports,
  generateFiles,
  identifier,
  operationsModule,
  propertyKey,
  publicTypesModule,
  stringLiteral,
} from '../../scripts/generate.js';

type Json = Record<string, unknown>;

/** Quotes of both kinds, a backslash, a comment end, a newline, a template placeholder, a backtick, a line separator. */
const HOSTILE = `it's "quoted" \\ back */ end\nline \${x} \`tick\` \u2028 done`;
const DOCUMENT_ID = 'https://token-mock.local/openapi/test.yaml';
const requireFromHere = createRequire(import.meta.url);

/** The value a JavaScript expression evaluates to. */
const evaluate = (expression: string): unknown => new Function(`return (${expression});`)();

/** Stands in for `import * as v from './x.validators.js'`: `v.name` reads as `v.name`. */
const validators = new Proxy({}, { get: (_target, name) => `v.${String(name)}` });

/** Evaluates table rows as the object literal they are part of. */
const table = (rows: string[]): unknown => new Function('v', `return {\n${rows.join('\n')}\n};`)(validators);

/** TypeScript's syntax errors in a source text; empty when it parses. */
function syntaxErrors(source: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(source, {
    fileName: 'generated.ts',
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/** Runs a generated module and returns its exports; `load` answers its imports. */
function run(source: string, load: (specifier: string) => unknown): Json {
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const exports: Json = {};
  new Function('exports', 'require', outputText)(exports, load);
  return exports;
}

describe('identifier', () => {
  const tests: [string, { given: string[]; want: string }][] = [
    ['joins parts with _', { given: ['getUser', 'body'], want: 'getUser_body' }],
    ['keeps $ and digits', { given: ['$ref2', '200'], want: '$ref2_200' }],
    ['turns other characters into _', { given: ['get-user', 'x-profile.v2'], want: 'get_user_x_profile_v2' }],
    ['puts _ before a leading digit', { given: ['2fa', 'params'], want: '_2fa_params' }],
    ['puts _ before a reserved word', { given: ['delete'], want: '_delete' }],
    ['turns a hostile string into a plain identifier', { given: [HOSTILE, 'body'], want: 'it_s__quoted____back____end_line_$_x___tick____done_body' }],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      const made = identifier(...given);
      expect(made).toBe(want);
      expect(evaluate(`(() => { const ${made} = 1; return ${made}; })()`)).toBe(1);
    });
  }

  it('refuses to make an empty identifier', () => {
    expect(() => identifier('')).toThrow('at least one character');
  });
});

describe('stringLiteral', () => {
  const tests: [string, { given: string; want: string }][] = [
    ['quotes a plain string as it always did', { given: '/users/{id}', want: "'/users/{id}'" }],
    ['escapes a single quote', { given: "it's", want: "'it\\'s'" }],
    ['leaves a double quote bare', { given: 'say "hi"', want: `'say "hi"'` }],
    ['escapes a backslash', { given: 'a\\b', want: "'a\\\\b'" }],
    ['escapes a backslash before a quote', { given: '\\"', want: `'\\\\"'` }],
    ['escapes newlines, tabs and control characters', { given: 'a\nb\tc\u0000', want: "'a\\nb\\tc\\u0000'" }],
    ['leaves a comment end, a placeholder and a backtick as they are', { given: `*/ \${x} \`t\``, want: `'*/ \${x} \`t\`'` }],
    ['escapes the line and paragraph separators', { given: '\u2028\u2029', want: "'\\u2028\\u2029'" }],
    ['emits a hostile string safely', { given: HOSTILE, want: `'it\\'s "quoted" \\\\ back */ end\\nline \${x} \`tick\` \\u2028 done'` }],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      expect(stringLiteral(given)).toBe(want);
      expect(evaluate(want)).toBe(given);
    });
  }
});

describe('propertyKey', () => {
  const tests: [string, { given: [string, boolean?]; want: string }][] = [
    ['leaves an identifier bare', { given: ['getUser'], want: 'getUser' }],
    ['quotes an identifier when asked', { given: ['USER_CREATED', true], want: "'USER_CREATED'" }],
    ['quotes a status', { given: ['200'], want: "'200'" }],
    ['quotes what is not an identifier', { given: ['get-user'], want: "'get-user'" }],
    ['quotes a hostile string safely', { given: [HOSTILE], want: stringLiteral(HOSTILE) }],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      expect(propertyKey(...given)).toBe(want);
      expect(Object.keys(evaluate(`{ ${want}: 1 }`) as Json)).toEqual([given[0]]);
    });
  }

  it('refuses __proto__, which would set the prototype of the table', () => {
    expect(() => propertyKey('__proto__')).toThrow('__proto__');
    expect(() => propertyKey('__proto__', true)).toThrow('__proto__');
  });
});

describe('comment', () => {
  const tests: [string, { given: string; want: string }][] = [
    ['leaves plain text alone', { given: 'smile', want: 'smile' }],
    ['breaks a comment end', { given: 'a */ b', want: 'a *\\/ b' }],
    ['keeps the comment on one line', { given: 'a\r\nb\u2028c', want: 'a b c' }],
    ['makes a hostile string harmless', { given: HOSTILE, want: `it's "quoted" \\ back *\\/ end line \${x} \`tick\`   done` }],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      expect(comment(given)).toBe(want);
      expect(syntaxErrors(`/** ${want} */\nexport const after = 1;`)).toEqual([]);
    });
  }
});

const getUser: Json = {
  openapi: '3.1.0',
  info: { title: 'users', version: '1' },
  paths: {
    '/users/{id}': {
      parameters: [{ $ref: '#/components/parameters/id' }],
      get: {
        operationId: 'getUser',
        responses: {
          '200': { description: 'the user', content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } },
          '404': { description: 'none' },
        },
      },
    },
  },
  components: {
    parameters: { id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } },
    schemas: { User: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
  },
};

/** Every hostile place a spec can put a string that reaches the operation table, the types or the validators. */
const hostile: Json = {
  openapi: '3.1.0',
  info: { title: HOSTILE, version: '1', description: HOSTILE },
  paths: {
    [`/things/{id}/${HOSTILE}`]: {
      post: {
        operationId: `op ${HOSTILE}`,
        summary: HOSTILE,
        description: HOSTILE,
        parameters: [
          { name: 'id', in: 'path', required: true, description: HOSTILE, schema: { type: 'string' } },
          { name: HOSTILE, in: 'query', schema: { type: 'string', enum: [HOSTILE] } },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: [HOSTILE], properties: { [HOSTILE]: { const: HOSTILE } } } } },
        },
        responses: {
          '200': {
            description: HOSTILE,
            content: { [`application/vnd.${HOSTILE}+json`]: { schema: { $ref: '#/components/schemas/Thing' } } },
            'x-profile-schemas': { [HOSTILE]: { type: 'string' } },
          },
          '204': { description: HOSTILE },
        },
      },
    },
  },
  webhooks: {
    [`EVENT ${HOSTILE}`]: {
      post: { requestBody: { content: { 'application/json': { schema: { type: 'string' } } } }, responses: { '200': { description: 'ok' } } },
    },
  },
  components: { schemas: { Thing: { type: 'string', description: HOSTILE, example: HOSTILE, pattern: '^[\\w\'"*/]*$' } } },
};
const hostileId = `op ${HOSTILE}`;
const hostileName = identifier(hostileId);

describe('describeOperations', () => {
  const tests: [string, { given: Json; want: { ids: string[]; schemas: string[]; table: Json; text?: string } }][] = [
    [
      'describes an operation: its parameters, its responses, and the schemas to compile',
      {
        given: getUser,
        want: {
          ids: ['getUser'],
          schemas: ['getUser_params', 'getUser_200'],
          table: {
            getUser: {
              id: 'getUser',
              method: 'GET',
              path: '/users/{id}',
              parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }],
              validateParams: 'v.getUser_params',
              body: undefined,
              responses: { '200': { mediaType: 'application/json', validate: 'v.getUser_200' }, '404': {} },
            },
          },
          text: [
            '  getUser: {',
            "    id: 'getUser',",
            "    method: 'GET',",
            "    path: '/users/{id}',",
            '    parameters: [{"name":"id","in":"path","required":true,"type":"string"}],',
            '    validateParams: v.getUser_params,',
            '    body: undefined,',
            "    responses: { '200': { mediaType: 'application/json', validate: v.getUser_200 }, '404': {} },",
            '  },',
          ].join('\n'),
        },
      },
    ],
    [
      'emits a hostile operation id, path, parameter, media type and profile as data',
      {
        given: hostile,
        want: {
          ids: [hostileId],
          schemas: [`${hostileName}_params`, `${hostileName}_body`, `${hostileName}_200`, identifier(hostileId, '200', HOSTILE)],
          table: {
            [hostileId]: {
              id: hostileId,
              method: 'POST',
              path: `/things/{id}/${HOSTILE}`,
              parameters: [
                { name: 'id', in: 'path', required: true, type: 'string' },
                { name: HOSTILE, in: 'query', required: false, type: 'string' },
              ],
              validateParams: `v.${hostileName}_params`,
              body: { required: true, mediaTypes: ['application/json'], validate: `v.${hostileName}_body` },
              responses: {
                '200': {
                  mediaType: `application/vnd.${HOSTILE}+json`,
                  validate: `v.${hostileName}_200`,
                  profiles: { [HOSTILE]: `v.${identifier(hostileId, '200', HOSTILE)}` },
                },
                '204': {},
              },
            },
          },
        },
      },
    ],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      const described = describeOperations(given, DOCUMENT_ID);
      expect(described.ids).toEqual(want.ids);
      expect(Object.keys(described.schemas)).toEqual(want.schemas);
      expect(table(described.rows)).toEqual(want.table);
      if (want.text !== undefined) expect(described.rows.join('\n')).toBe(want.text);
    });
  }

  const operation = (operationId: unknown) => ({ operationId, responses: { '204': { description: 'done' } } });
  const refused: [string, { given: Json; want: string }][] = [
    ['refuses an operation without an operationId', { given: { paths: { '/a': { get: operation(undefined) } } }, want: 'GET /a has no operationId' }],
    ['refuses an operationId used twice', { given: { paths: { '/a': { get: operation('same') }, '/b': { get: operation('same') } } }, want: 'used twice' }],
    [
      'refuses two operationIds that become one validator name',
      {
        given: { paths: { '/a': { post: { ...operation('get-user'), requestBody: {} } }, '/b': { post: { ...operation('get_user'), requestBody: {} } } } },
        want: 'operation "get_user" needs the validator name get_user_body',
      },
    ],
    ['refuses __proto__ as an operationId', { given: { paths: { '/a': { get: operation('__proto__') } } }, want: '__proto__' }],
  ];
  for (const [name, { given, want }] of refused) {
    it(name, () => {
      expect(() => describeOperations(given, DOCUMENT_ID)).toThrow(want);
    });
  }
});

describe('describeEvents', () => {
  const tests: [string, { given: Json; want: { schemas: string[]; events?: Json } }][] = [
    ['emits nothing for a spec without webhooks', { given: getUser, want: { schemas: [] } }],
    [
      'emits a hostile event name as data, in the table and in its type',
      {
        given: hostile,
        want: {
          schemas: [identifier('event', `EVENT ${HOSTILE}`)],
          events: { [`EVENT ${HOSTILE}`]: { name: `EVENT ${HOSTILE}`, validate: `v.${identifier('event', `EVENT ${HOSTILE}`)}` } },
        },
      },
    ],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      const schemas: Record<string, unknown> = {};
      const rows = describeEvents(given, DOCUMENT_ID, schemas);
      expect(Object.keys(schemas)).toEqual(want.schemas);
      if (want.events === undefined) {
        expect(rows).toEqual([]);
        return;
      }
      expect(syntaxErrors(`type EventSpec = unknown;\nconst v: any = {};\n${rows.join('\n')}`)).toEqual([]);
      // The table's rows: between `export const events ... = {` and `};`.
      const opening = rows.findIndex((row) => row.startsWith('export const events'));
      expect(table(rows.slice(opening + 1, -1))).toEqual(want.events);
    });
  }
});

describe('describeComponents', () => {
  const marked = (schemas: Json): Json => ({ ...getUser, components: { ...(getUser.components as Json), schemas } });
  const tests: [string, { given: Json; want: { schemas: string[]; table?: Json } | { error: string } }][] = [
    ['emits nothing when no component is marked', { given: getUser, want: { schemas: [] } }],
    [
      'emits a validator per marked component, referring to the component, and a table keyed by its name',
      {
        given: marked({ User: { 'x-validator': true, type: 'object' }, 'Page.v-2': { 'x-validator': true, type: 'array' }, Other: { type: 'string' } }),
        want: { schemas: ['schema_User', 'schema_Page_v_2'], table: { User: 'v.schema_User', 'Page.v-2': 'v.schema_Page_v_2' } },
      },
    ],
    [
      'refuses a component name OpenAPI does not allow',
      { given: marked({ [HOSTILE]: { 'x-validator': true } }), want: { error: 'is not a valid OpenAPI component name' } },
    ],
    [
      'refuses two names that make one identifier',
      { given: marked({ 'a.b': { 'x-validator': true }, a_b: { 'x-validator': true } }), want: { error: 'which another operation or event already has' } },
    ],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      const schemas: Record<string, unknown> = {};
      if ('error' in want) {
        expect(() => describeComponents(given, DOCUMENT_ID, schemas)).toThrow(want.error);
        return;
      }
      const rows = describeComponents(given, DOCUMENT_ID, schemas);
      expect(Object.keys(schemas)).toEqual(want.schemas);
      for (const key of want.schemas) expect((schemas[key] as Json).$ref).toMatch(new RegExp(`^${DOCUMENT_ID}#/components/schemas/`));
      if (want.table === undefined) {
        expect(rows).toEqual([]);
        return;
      }
      expect(syntaxErrors(`type Validator = unknown;\nconst v: any = {};\n${rows.join('\n')}`)).toEqual([]);
      const opening = rows.findIndex((row) => row.startsWith('export const schemas'));
      expect(table(rows.slice(opening + 1, -1))).toEqual(want.table);
    });
  }

  it('compiles a marked component into a validator that judges values by it', async () => {
    const files = await generateFiles(
      'marked',
      marked({ User: { 'x-validator': true, type: 'object', required: ['id'], properties: { id: { type: 'string' } } } }),
    );
    const compiled = run(files['marked.validators.ts'] as string, requireFromHere);
    const module = run(files['marked.operations.ts'] as string, (specifier) => (specifier === './marked.validators.js' ? compiled : {}));
    const validate = (module.schemas as Record<string, (value: unknown) => boolean>).User as (value: unknown) => boolean;
    expect(validate({ id: 'a' })).toBe(true);
    expect(validate({ id: 1 })).toBe(false);
  });
});

describe('operationsModule', () => {
  const tests: [string, { given: Parameters<typeof operationsModule>; want: string[] }][] = [
    [
      'types the table by its operation ids, and imports its validators',
      {
        given: ['smile', ['listUsers', 'getUser'], [], []],
        want: ["import * as v from './smile.validators.js';", "export const operations: Record<'listUsers' | 'getUser', OperationSpec> = {"],
      },
    ],
    ['types an empty table with never', { given: ['empty', [], [], []], want: ['export const operations: Record<never, OperationSpec> = {'] }],
    [
      'imports the Validator type when there is a component table, and appends it',
      {
        given: ['admin', [], [], [], ['', "export const schemas: Record<'A', Validator> = {", '  A: v.schema_A,', '};']],
        want: ["import type { OperationSpec, Validator } from '../core/operation.js';", "export const schemas: Record<'A', Validator> = {"],
      },
    ],
    [
      'emits a hostile name and id as data',
      {
        given: [HOSTILE, [HOSTILE], [], []],
        want: [
          `import * as v from ${stringLiteral(`./${HOSTILE}.validators.js`)};`,
          `/** Every operation of openapi/${comment(HOSTILE)}.yaml, keyed by operationId. */`,
        ],
      },
    ],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      const source = operationsModule(...given);
      expect(source.split('\n')).toEqual(expect.arrayContaining(want));
      expect(syntaxErrors(source)).toEqual([]);
    });
  }
});

describe('publicTypesModule', () => {
  const spec = (schemas: Json, webhooks?: Json): Json => ({ components: { schemas }, ...(webhooks ? { webhooks } : {}) });
  const tests: [string, { given: Parameters<typeof publicTypesModule>[0]; want: string[] }][] = [
    [
      'names each schema after its API, with its description’s first sentence',
      {
        given: [{ name: 'smile', document: spec({ User: { type: 'object', description: 'A Smile user. More text.' } }) }],
        want: ['/** `User` of openapi/smile.yaml: A Smile user. */', "export type SmileUser = smile_components['schemas']['User'];"],
      },
    ],
    [
      'takes a schema’s x-public-name instead',
      {
        given: [{ name: 'smile', document: spec({ EventType: { type: 'string', 'x-public-name': 'SmileSubscriptionEventType' } }) }],
        want: ["export type SmileSubscriptionEventType = smile_components['schemas']['EventType'];"],
      },
    ],
    [
      'types webhook bodies by event name when the spec sends webhooks',
      {
        given: [{ name: 'wukongim', document: spec({}, { 'user.onlinestatus': {} }) }],
        want: [
          "import type { components as wukongim_components, operations as wukongim_operations, paths as wukongim_paths, webhooks as wukongim_webhooks } from './wukongim.types.js';",
          'export type WukongimWebhookEventType = keyof wukongim_webhooks;',
          'export type WukongimWebhookEvent<T extends WukongimWebhookEventType = WukongimWebhookEventType> = {',
        ],
      },
    ],
    [
      'exports the paths and operations of a spec without webhooks, and no event types',
      {
        given: [{ name: 'admin', document: spec({ Problem: { type: 'object' } }) }],
        want: [
          'export type ControlPaths = admin_paths;',
          'export type ControlOperations = admin_operations;',
          "export type ControlProblem = admin_components['schemas']['Problem'];",
        ],
      },
    ],
    [
      'keeps a hostile description as comment text',
      {
        given: [{ name: 'admin', document: spec({ A: { description: HOSTILE } }) }],
        want: [`/** \`A\` of openapi/admin.yaml: ${comment(HOSTILE.split(/(?<=\.)\s/)[0] as string)} */`],
      },
    ],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      const source = publicTypesModule(given);
      expect(source.split('\n')).toEqual(expect.arrayContaining(want));
      expect(syntaxErrors(source)).toEqual([]);
    });
  }

  it.each([
    ['two schemas that would share a name', [{ name: 'smile', document: spec({ A: {}, B: { 'x-public-name': 'SmileA' } }) }], /SmileA/],
    ['a schema that takes the name of the event union', [{ name: 'smile', document: spec({ WebhookEvent: {} }, { X: {} }) }], /SmileWebhookEvent/],
    ['a spec with no prefix', [{ name: 'other', document: spec({}) }], /TYPE_PREFIXES/],
  ])('refuses %s', (_name, given, error) => {
    expect(() => publicTypesModule(given)).toThrow(error);
  });
});

describe('esmImports', () => {
  const tests: [string, { given: string; want: string[] }][] = [
    [
      'turns a default require into an import read the same way in Node and bundlers',
      {
        given: '"use strict";const equal = require("ajv/dist/runtime/equal").default;',
        want: [
          "import * as dependency0Module from 'ajv/dist/runtime/equal.js';",
          'const dependency0 = interopDefault(dependency0Module);',
          'const equal = dependency0;',
        ],
      },
    ],
    [
      'turns a named require into a named import, once for every use',
      {
        given: 'const a = require("ajv-formats/dist/formats").fullFormats.uri; const b = require("ajv-formats/dist/formats").fullFormats.uri;',
        want: ["import { fullFormats as dependency0 } from 'ajv-formats/dist/formats.js';", 'const a = dependency0.uri; const b = dependency0.uri;'],
      },
    ],
    [
      'quotes a hostile specifier as data',
      { given: `const x = require(${JSON.stringify(`it's ${'*'}/`)}).default;`, want: [`import * as dependency0Module from ${stringLiteral("it's */.js")};`] },
    ],
  ];
  for (const [name, { given, want }] of tests) {
    it(name, () => {
      const source = esmImports(given);
      expect(source.split('\n')).toEqual(expect.arrayContaining(want));
      expect(syntaxErrors(source)).toEqual([]);
    });
  }

  it('refuses a require() it cannot translate', () => {
    expect(() => esmImports('const x = require(name);')).toThrow('does not translate');
  });
});

describe('generateFiles', () => {
  it('generates the four files of a hostile spec: each parses, the table reads back every string, the validators run', async () => {
    const files = await generateFiles('hostile', hostile);
    expect(Object.keys(files)).toEqual(['hostile.types.ts', 'hostile.validators.ts', 'hostile.operations.ts', 'hostile.schemas.ts']);
    for (const [file, source] of Object.entries(files)) expect(syntaxErrors(source), file).toEqual([]);
    // The shapes are one JSON literal: the hostile id and its answer's status read back from it.
    const shapes = JSON.parse((files['hostile.schemas.ts'] as string).replace(/^[\s\S]*?= /, '').replace(/;\s*$/, ''));
    expect(Object.keys(shapes)).toEqual([hostileId]);
    expect(Object.keys(shapes[hostileId].answers)).toContain('200');

    const compiled = run(files['hostile.validators.ts'] as string, requireFromHere);
    const module = run(files['hostile.operations.ts'] as string, (specifier) => (specifier === './hostile.validators.js' ? compiled : {}));
    const operations = module.operations as Record<string, Json>;
    expect(Object.keys(operations)).toEqual([hostileId]);
    const operation = operations[hostileId] as {
      id: string;
      path: string;
      parameters: { name: string }[];
      body: { validate: (value: unknown) => boolean };
      responses: Record<string, { mediaType?: string; validate?: (value: unknown) => boolean; profiles?: Record<string, unknown> }>;
    };
    expect(operation.id).toBe(hostileId);
    expect(operation.path).toBe(`/things/{id}/${HOSTILE}`);
    expect(operation.parameters.map((parameter) => parameter.name)).toEqual(['id', HOSTILE]);
    expect(operation.responses['200']?.mediaType).toBe(`application/vnd.${HOSTILE}+json`);
    expect(Object.keys(operation.responses['200']?.profiles ?? {})).toEqual([HOSTILE]);
    expect(Object.keys(module.events as Json)).toEqual([`EVENT ${HOSTILE}`]);

    // The validators carry the hostile strings intact: the body must hold HOSTILE under the key HOSTILE.
    expect(operation.body.validate({ [HOSTILE]: HOSTILE })).toBe(true);
    expect(operation.body.validate({ [HOSTILE]: 'other' })).toBe(false);
    expect(operation.responses['200']?.validate?.(`it's"*/`)).toBe(true);
    expect(operation.responses['200']?.validate?.('no spaces allowed')).toBe(false);
  });
});
