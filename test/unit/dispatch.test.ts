import { describe, expect, it } from 'vitest';
import { createWukongimErrors } from '../../src/apis/wukongim/errors.js';
import type { Api } from '../../src/core/api.js';
import { createClock } from '../../src/core/clock.js';
import { createDispatcher } from '../../src/core/dispatch.js';
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
const context = (strict: boolean) => ({ clock: createClock({ start: 0 }), journal: createJournal(10), strict, maxBodyBytes: 1024, faults: createFaults(1) });

describe('response validation', () => {
  it('turns an answer that breaks the profile schema into a 500 that names the violation, in strict mode', async () => {
    const wire = await createDispatcher([driftingApi({ status: 200 })], context(true)).dispatch(tokenRequest());
    expect(wire.status).toBe(500);
    expect(JSON.parse(wire.body as string)).toEqual({
      msg: "the mock's response to updateToken broke the spec: response/status must be equal to constant; response/status must be equal to one of the allowed values; response must match exactly one schema in oneOf",
      status: 500,
    });
  });

  it('lists the response violations in the header and the journal', async () => {
    const ctx = context(true);
    const wire = await createDispatcher([driftingApi({ status: 200 })], ctx).dispatch(tokenRequest());
    const header = JSON.parse(wire.headers['x-token-mock-violations'] as string);
    expect(header[0]).toEqual({ in: 'response', path: '/status', keyword: 'const', message: 'must be equal to constant' });
    expect(ctx.journal.violations()).toHaveLength(1);
    expect(ctx.journal.violations()[0]?.violations).toEqual(header);
  });

  it('accepts the same answer under the profile it belongs to', async () => {
    const wire = await createDispatcher([driftingApi({ status: 200 }, 'server-v2')], context(true)).dispatch(tokenRequest());
    expect(wire.status).toBe(200);
  });

  it('catches a pre-serialised answer whose text says something else than its value', async () => {
    const api = driftingApi(new JsonText({ status: 'ok' }, '{"status":"okay"}'));
    const wire = await createDispatcher([api], context(true)).dispatch(tokenRequest());
    expect(wire.status).toBe(500);
    expect(wire.body).toContain('the serialised body differs from its value');
  });

  it('passes answers through unchecked outside strict mode', async () => {
    const wire = await createDispatcher([driftingApi({ status: 'nope' })], context(false)).dispatch(tokenRequest());
    expect(wire.body).toBe('{"status":"nope"}');
  });

  it('answers a handler that throws with a 500 in the API shape, without the error text', async () => {
    const wire = await createDispatcher([driftingApi({})], context(true)).dispatch(new Request('http://localhost/health'));
    expect(wire.status).toBe(500);
    expect(wire.body).toBe('{"msg":"the mock failed to answer this request","status":500}');
  });
});
