/**
 * Property-based fuzzing (fast-check, seeded, bounded in time) of every operation of every API:
 * random bodies, headers, query strings and content types, deep JSON, huge strings, unicode, and
 * `__proto__` / `constructor` keys. Whatever comes in, the answer is the API's own error shape or a
 * success the spec documents (the mock runs strict, so an answer that breaks the spec would be a 500),
 * never a 5xx, and nothing reaches Object.prototype.
 *
 * 150 seeded runs an operation here; `npm run fuzz` makes 2,000 each.
 */
import fc from 'fast-check';
import { createMock, type Mock } from 'token-mock';
import { serve } from 'token-mock/node';
import { afterAll, describe, expect, it } from 'vitest';
import { operations as adminOperations } from '../src/generated/admin.operations.js';
import { operations as smileOperations } from '../src/generated/smile.operations.js';
import { operations as wukongimOperations } from '../src/generated/wukongim.operations.js';

const SEED = 20261122;
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_MS ?? 4000);
const SANDBOX = `Basic ${btoa('test_key:test_secret')}`;

type ApiName = 'wukongim' | 'smile' | 'admin';
const APIS: [ApiName, string, Record<string, { id: string; method: string; path: string; parameters: { name: string; in: string }[] }>][] = [
  ['wukongim', '', wukongimOperations],
  ['smile', '/v1', smileOperations],
  ['admin', '/__mock', adminOperations],
];

/** A value that tries to pollute prototypes, deep as well as at the top. */
const hostileObject = fc.constantFrom(
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"uid":"a","token":"t","device_flag":1,"__proto__":{"polluted":"yes"}}',
  '{"externalMetadata":{"__proto__":"x","constructor":"y"}}',
  '[{"__proto__":{"polluted":"yes"}}]',
);

const body = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 2000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 10_000, max: 300_000 }).map((size) => JSON.stringify({ uid: 'x'.repeat(size), token: 't', device_flag: 1 })),
  fc.record({ uid: fc.string(), token: fc.string(), device_flag: fc.oneof(fc.integer(), fc.double(), fc.string()) }).map((value) => JSON.stringify(value)),
  hostileObject,
  fc.constant(''),
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/yaml',
  '*/*',
  'garbage',
);
const authorization = fc.constantFrom(
  undefined,
  SANDBOX,
  'Basic',
  'Basic !!!',
  'Bearer x',
  `Basic ${btoa('live_key:live_secret')}`,
  'basic dGVzdF9rZXk6dGVzdF9zZWNyZXQ=',
);
const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,20}$/);
const headerValue = fc.string({ unit: 'grapheme-ascii', maxLength: 100 }).map((value) => value.replace(/[\r\n]/g, ''));
const queryValue = fc.oneof(fc.string({ maxLength: 60 }), fc.integer().map(String), fc.constant(''), fc.constant('__proto__'));

/**
 * Bodies shaped for an operation, so the fuzzer gets past validation into its handler as well as
 * failing it: consume gets link tokens, real (each usable once), forged, empty and random.
 */
function bodiesFor(operationId: string, tokens: string[]): fc.Arbitrary<string> {
  if (operationId !== 'consumeSmileToken') return body;
  const accessToken = fc.oneof(
    fc.constantFrom(...tokens),
    fc.string({ maxLength: 80 }),
    fc.constant(''),
    fc.constant(`${btoa('{"alg":"HS256"}')}.${btoa('{"sub":"tenant-0"}')}.forged`),
  );
  return fc.oneof({ arbitrary: fc.record({ accessToken }).map((value) => JSON.stringify(value)), weight: 3 }, { arbitrary: body, weight: 1 });
}

/** Content types for an operation: mostly JSON where the bodies are shaped for it, so they get parsed. */
function contentTypesFor(operationId: string): fc.Arbitrary<string | undefined> {
  if (operationId !== 'consumeSmileToken') return contentType;
  return fc.oneof({ arbitrary: fc.constant('application/json'), weight: 2 }, { arbitrary: contentType, weight: 1 });
}

const isSmileError = (value: Record<string, unknown>) =>
  typeof value.code === 'string' && typeof value.message === 'string' && typeof value.requestId === 'string' && JSON.stringify(value.data) === '{}';

/** An error body in the API's own shape, or none where the API sends none. */
function isOwnErrorShape(api: ApiName, operationId: string, status: number, text: string): boolean {
  if (api === 'wukongim' && status === 401) return text === '';
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (api === 'wukongim') return typeof value.msg === 'string' && value.status === status;
  if (api === 'smile') return isSmileError(value);
  // Consume plays the widget, so it refuses a token as Smile does: the documented 401 INVALID_TOKEN in Smile's envelope.
  if (operationId === 'consumeSmileToken' && status === 401) return isSmileError(value) && value.code === 'INVALID_TOKEN';
  return typeof value.type === 'string' && typeof value.title === 'string' && value.status === status;
}

/** The body's text; of an event stream, which never ends, its first chunk (then the stream is closed). */
async function answerText(response: Response): Promise<string> {
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return response.text();
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const { value } = await reader.read();
  await reader.cancel();
  const text = new TextDecoder().decode(value);
  expect(text).toMatch(/^retry: 2000\nid: 1\nevent: hello\n/);
  return text;
}

let mock: Mock;
const before = Object.getOwnPropertyNames(Object.prototype).sort();

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  expect(({} as { polluted?: string }).polluted).toBeUndefined();
});

describe('fuzzing every operation', () => {
  for (const [api, base, operations] of APIS) {
    for (const operation of Object.values(operations)) {
      // Reset and scenario loading are fuzzed like the rest; the clock is reset with the mock.
      it(
        `${api} ${operation.method} ${operation.path}`,
        async () => {
          mock = createMock({ strict: true, startTime: '2026-01-01T00:00:00Z', smile: { users: 5 } });
          const tokens: string[] = [];
          if (operation.id === 'consumeSmileToken') {
            for (let i = 0; i < 5; i++) tokens.push((await mock.smile.issueToken(mock.smile.createUser().id)).accessToken);
          }
          const statuses = new Map<number, number>();
          const request = fc.record({
            pathValues: fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constant('tenant-0'), fc.constant('1')), {
              minLength: 3,
              maxLength: 3,
            }),
            query: fc.dictionary(
              fc.oneof(fc.constantFrom(...operation.parameters.map((p) => p.name), 'size', 'cursor'), fc.string({ maxLength: 10 })),
              queryValue,
              { maxKeys: 4 },
            ),
            headers: fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
            contentType: contentTypesFor(operation.id),
            authorization,
            body: bodiesFor(operation.id, tokens),
            method: fc.constantFrom(operation.method, operation.method, operation.method, 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
          });
          await fc.assert(
            fc.asyncProperty(request, async (input) => {
              let slot = 0;
              const path = base + operation.path.replace(/\{\w+\}/g, () => encodeURIComponent(input.pathValues[slot++] as string));
              const url = new URL(`http://localhost${path}`);
              for (const [key, value] of Object.entries(input.query)) url.searchParams.set(key, value);
              const headers = new Headers(input.headers);
              if (input.contentType) headers.set('content-type', input.contentType);
              if (input.authorization) headers.set('authorization', input.authorization);
              const bodyless = input.method === 'GET' || input.method === 'HEAD';
              const response = await mock.fetch(new Request(url, { method: input.method, headers, body: bodyless ? undefined : input.body }));
              const text = await answerText(response);
              // Smile documents 501 UNSUPPORTED_METHOD for a method a path does not take: an intended 5xx.
              const intended = api === 'smile' && response.status === 501 && text.includes('"UNSUPPORTED_METHOD"');
              if (!intended) expect(response.status, `${input.method} ${url.pathname}${url.search}: ${text.slice(0, 300)}`).toBeLessThan(500);
              if (response.status >= 400)
                expect(isOwnErrorShape(api, operation.id, response.status, text), `${response.status} ${text.slice(0, 300)}`).toBe(true);
              statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            }),
            { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true },
          );
          if (operation.id === 'consumeSmileToken') {
            // The fuzzer reached the handler: real tokens were used, and refused tokens got their 401.
            expect(statuses.get(200), JSON.stringify([...statuses])).toBeGreaterThan(0);
            expect(statuses.get(401), JSON.stringify([...statuses])).toBeGreaterThan(0);
          }
        },
        TIME_LIMIT_MS + 20_000,
      );
    }
  }
});

describe('fuzzing through the real server', () => {
  it('hostile requests over HTTP never get a 5xx, and the server keeps answering', async () => {
    const server = await serve(createMock({ strict: true }), { api: 'smile' });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/v1/users', '/v1/tokens?userId=x', '/v1/webhooks', '/user/token', '/__mock/scenarios'),
          contentType,
          body,
          async (path, type, sent) => {
            const response = await fetch(server.url + path, {
              method: 'POST',
              headers: { authorization: SANDBOX, ...(type ? { 'content-type': type } : {}) },
              body: sent,
            });
            const answered = await response.text();
            expect(response.status, answered.slice(0, 300)).toBeLessThan(500);
          },
        ),
        { seed: SEED, numRuns: 150, interruptAfterTimeLimit: 8000 },
      );
      expect((await fetch(`${server.url}/v1/users?size=1`, { headers: { authorization: SANDBOX } })).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 30_000);
});
