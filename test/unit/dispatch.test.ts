import { describe, expect, it } from 'vitest';
import { createWukongimErrors } from '../../src/apis/wukongim/errors.js';
import type { Api } from '../../src/core/api.js';
import { createClock } from '../../src/core/clock.js';
import { createDispatcher, type DispatchContext } from '../../src/core/dispatch.js';
import { MockError } from '../../src/core/errors.js';
import { createFaults } from '../../src/core/faults.js';
import { createJournal } from '../../src/core/journal.js';
import { JsonText } from '../../src/core/reply.js';
import { operations } from '../../src/generated/wukongim.operations.js';

/** A WuKongIM API whose token handler answers what the test says, to see how the core treats drift. */
function driftingApi(answer: unknown, profile = 'docs'): Api {
  return {
    name: 'wukongim',
    basePath: '',
    operations,
    handlers: {
      updateToken: () => ({ status: 200, body: answer }),
      health: () => {
        throw new Error('boom at /secret/path.ts:1');
      },
    },
    errors: createWukongimErrors(profile),
    profile,
    ignoresContentType: true,
    reset() {},
  };
}

const tokenRequest = () => new Request('http://localhost/user/token', { method: 'POST', body: '{"uid":"a","token":"t","device_flag":1}' });
const context = (strict: boolean) => ({
  clock: createClock({ start: 0 }),
  journal: createJournal(10),
  strict,
  maxBodyBytes: 1024,
  faults: createFaults(1, { wukongim: Object.values(operations), smile: [] }),
});

/** Dispatches one request; every request here reaches an API, so there is always an answer. */
async function answer(apis: Api[], ctx: DispatchContext, request: Request) {
  const wire = await createDispatcher(apis, ctx).dispatch(request);
  if (!wire) throw new Error('the dispatcher passed the request on');
  return wire;
}

describe('response validation', () => {
  it('turns an answer that breaks the profile schema into a 500 that names the violation, in strict mode', async () => {
    const wire = await answer([driftingApi({ status: 200 })], context(true), tokenRequest());
    expect(wire.status).toBe(500);
    expect(JSON.parse(wire.body as string)).toEqual({
      msg: "the mock's response to updateToken broke the spec: response/status must be equal to constant; response/status must be equal to one of the allowed values; response must match exactly one schema in oneOf",
      status: 500,
    });
  });

  it('lists the response violations in the header and the journal', async () => {
    const ctx = context(true);
    const wire = await answer([driftingApi({ status: 200 })], ctx, tokenRequest());
    const header = JSON.parse(wire.headers['x-token-mock-violations'] as string);
    expect(header[0]).toEqual({ in: 'response', path: '/status', keyword: 'const', message: 'must be equal to constant' });
    expect(ctx.journal.violations()).toHaveLength(1);
    expect(ctx.journal.violations()[0]?.violations).toEqual(header);
  });

  it('accepts the same answer under the profile it belongs to', async () => {
    const wire = await answer([driftingApi({ status: 200 }, 'server-v2')], context(true), tokenRequest());
    expect(wire.status).toBe(200);
  });

  it('catches a pre-serialised answer whose text says something else than its value', async () => {
    const api = driftingApi(new JsonText({ status: 'ok' }, '{"status":"okay"}'));
    const wire = await answer([api], context(true), tokenRequest());
    expect(wire.status).toBe(500);
    expect(wire.body).toContain('the serialised body differs from its value');
  });

  it('passes answers through unchecked outside strict mode', async () => {
    const wire = await answer([driftingApi({ status: 'nope' })], context(false), tokenRequest());
    expect(wire.body).toBe('{"status":"nope"}');
  });
});

describe('errors', () => {
  it('answers a handler that throws with a 500 in the API shape, journals the message and reports it, never the stack', async () => {
    const reported: unknown[] = [];
    const ctx = { ...context(false), onError: (error: unknown, where: unknown) => reported.push(error, where) };
    const wire = await answer([driftingApi({})], ctx, new Request('http://localhost/health'));
    expect(wire.status).toBe(500);
    expect(wire.body).toBe('{"msg":"the mock failed to answer this request","status":500}');
    expect(ctx.journal.entries()[0]).toMatchObject({ status: 500, operationId: 'health', error: 'Error: boom at /secret/path.ts:1' });
    expect(JSON.stringify(ctx.journal.entries())).not.toContain('    at ');
    expect(reported[0]).toBeInstanceOf(Error);
    expect(reported[1]).toEqual({ api: 'wukongim', method: 'GET', path: '/health', operationId: 'health' });
  });

  it('maps a domain error once, through the catalogue of the API it belongs to, and journals no failure', async () => {
    const api = driftingApi({});
    api.handlers.health = () => {
      throw new MockError('not-found', 'no such thing');
    };
    const ctx = context(false);
    const wire = await answer([api], ctx, new Request('http://localhost/health'));
    expect(wire).toMatchObject({ status: 404, body: '{"msg":"no such thing","status":404}' });
    expect(ctx.journal.entries()[0]?.error).toBeNull();
  });
});

describe('routing', () => {
  it('passes on a path no API serves when asked to, and answers the 404 otherwise', async () => {
    const dispatcher = createDispatcher([driftingApi({})], context(false));
    expect(await dispatcher.dispatch(new Request('http://localhost/elsewhere'), { passUnowned: true })).toBeUndefined();
    expect((await dispatcher.dispatch(new Request('http://localhost/elsewhere')))?.status).toBe(404);
    // A path the API serves, with a method it does not, is the API's to answer.
    expect((await dispatcher.dispatch(new Request('http://localhost/health', { method: 'DELETE' }), { passUnowned: true }))?.status).toBe(405);
  });
});
