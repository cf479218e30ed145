/**
 * `token-mock verify` holds a provider to what the provider's own OpenAPI document says, not to the
 * mock's own formats: a provider that differs from the mock only where that document leaves room passes.
 */
import { verify } from 'token-mock/verify';
import { afterAll, describe, expect, it } from 'vitest';
import { relax } from '../src/verify/contract.js';
import { RELAXATIONS } from '../src/verify/relaxations.js';
import { loadSpec } from '../src/verify/schema.js';
import { FAITHFUL, type Given, startBroken } from './fixtures/broken-providers.js';
import { openUpstream } from './support/upstream.js';

const upstream = openUpstream('smile-openapi-v1.yaml');

describe('verify is no stricter than the provider’s own document', () => {
  let provider: Awaited<ReturnType<typeof startBroken>>;
  afterAll(() => provider?.close());

  it('passes a Smile provider that differs from the mock only where Smile’s document allows', async () => {
    provider = await startBroken(FAITHFUL.upstreamSmile);
    const report = await verify({ api: 'smile', baseUrl: provider.baseUrl });
    const failures = report.results.filter((result) => !result.passed).map((result) => `${result.name}: ${result.problems.join('; ')}`);
    expect(failures).toEqual([]);
    expect(report.passed).toBeGreaterThan(50);
  });

  it.skipIf(!upstream.present)('and what that provider answered is what Smile’s document allows', () => {
    const template = (path: string) => new URL(path, 'http://provider').pathname.replace(/^\/v1/, '').replace(/^\/(users|webhooks)\/[^/]+/, '/$1/{id}');
    const problems = provider.answers.flatMap((answer: Given) => {
      const check = upstream.validatorFor(template(answer.path), answer.method.toLowerCase(), answer.status);
      // Its schema says string, its own examples show a session's channelId as null, and so does this provider.
      const found = check?.(answer.body).filter((problem) => !/\/session\/channelId must be string$/.test(problem)) ?? [];
      return found.map((problem) => `${answer.method} ${answer.path} ${answer.status}: ${problem}`);
    });
    expect(provider.answers.length).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});

describe('verify is no stricter than WuKongIM’s openapi.json', () => {
  const document = openUpstream('wukongim-openapi-v2.json');
  let provider: Awaited<ReturnType<typeof startBroken>>;
  afterAll(() => provider?.close());

  it.each(['docs', 'server-v2'] as const)('passes a provider that lists offline uids with online 0 (%s)', async (profile) => {
    provider = await startBroken({ ...FAITHFUL.upstreamWukongim, options: { wukongim: { profile } } });
    const report = await verify({ api: 'wukongim', baseUrl: provider.baseUrl, profile });
    expect(report.results.filter((result) => !result.passed).map((result) => `${result.name}: ${result.problems.join('; ')}`)).toEqual([]);
    const listed = provider.answers.filter((answer) => answer.path === '/user/onlinestatus' && answer.status === 200);
    expect(listed.some((answer) => JSON.stringify(answer.body).includes('"online":0'))).toBe(true);
    if (document.present) {
      const check = document.validatorFor('/user/onlinestatus', 'post', 200);
      expect(listed.filter((answer) => Array.isArray(answer.body)).flatMap((answer) => check?.(answer.body) ?? ['no validator'])).toEqual([]);
    }
    await provider.close();
  });
});

describe('the relaxations', () => {
  it('each changes something the spec has, or the build of the contract fails', async () => {
    const spec = await loadSpec('smile');
    expect(() => relax(spec, RELAXATIONS.smile)).not.toThrow();
    expect(() => relax(spec, [{ at: '/components/schemas/Token/properties/id', drop: ['format'], why: 'none' }])).toThrow(
      'relaxation at /components/schemas/Token/properties/id: there is no format to drop',
    );
    expect(() => relax(spec, [{ at: '/components/schemas/Ticket', optional: ['id'], why: 'none' }])).toThrow(
      'relaxation at /components/schemas/Ticket: the spec has nothing there',
    );
  });

  it('leave the spec the mock is held to as it was', async () => {
    const spec = await loadSpec('smile');
    relax(spec, RELAXATIONS.smile);
    expect((spec.components as { schemas: { Token: { required: string[] } } }).schemas.Token.required).toContain('id');
  });
});
