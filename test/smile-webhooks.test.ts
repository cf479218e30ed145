import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type SmileServer, startSmile } from './support/smile.js';

let smile: SmileServer;
beforeAll(async () => {
  smile = await startSmile();
});
afterAll(() => smile.close());
beforeEach(() => smile.call('POST', '/__mock/reset', { auth: null }));

const hook = (overrides: Record<string, unknown> = {}) => ({
  name: 'Postback',
  url: 'https://hooks.example.test/smile',
  eventTypes: ['USER_CREATED'],
  active: true,
  secret: 'a little secret',
  ...overrides,
});

describe('webhook subscriptions', () => {
  it('registers, reads, lists and deletes a webhook', async () => {
    const created = await smile.call('POST', '/v1/webhooks', { body: hook() });
    expect(created.status).toBe(200);
    const webhook = created.body.data;
    expect(webhook).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      name: 'Postback',
      url: 'https://hooks.example.test/smile',
      eventTypes: ['USER_CREATED'],
      active: true,
      secret: 'a little secret',
      includePayload: false,
    });
    expect((await smile.call('GET', `/v1/webhooks/${webhook.id}`)).body.data).toEqual(webhook);
    expect((await smile.call('GET', '/v1/webhooks')).body.data).toEqual({ items: [webhook] });
    const deleted = await smile.call('DELETE', `/v1/webhooks/${webhook.id}`);
    expect(deleted.body).toEqual({ code: 'OK', message: 'Success', requestId: expect.any(String) });
    expect((await smile.call('GET', `/v1/webhooks/${webhook.id}`)).status).toBe(404);
    expect((await smile.call('DELETE', `/v1/webhooks/${webhook.id}`)).body.code).toBe('MISSING_RESOURCE');
  });

  it('pages webhooks oldest first with a cursor', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await smile.call('POST', '/v1/webhooks', { body: hook({ name: `h${i}` }) })).body.data.id);
    const first = await smile.call('GET', '/v1/webhooks?size=3');
    const rest = await smile.call('GET', `/v1/webhooks?size=3&cursor=${first.body.data.nextCursor}`);
    expect([...first.body.data.items, ...rest.body.data.items].map((w: { id: string }) => w.id)).toEqual(ids);
    expect(rest.body.data.nextCursor).toBeUndefined();
  });

  it('goes on after the last webhook of a page when that one was deleted meanwhile, repeating none', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await smile.call('POST', '/v1/webhooks', { body: hook({ name: `h${i}` }) })).body.data.id);
    const first = await smile.call('GET', '/v1/webhooks?size=2');
    expect(first.body.data.items.map((w: { id: string }) => w.id)).toEqual(ids.slice(0, 2));
    expect((await smile.call('DELETE', `/v1/webhooks/${ids[1]}`)).status).toBe(200);
    expect((await smile.call('DELETE', `/v1/webhooks/${ids[2]}`)).status).toBe(200);
    const rest = await smile.call('GET', `/v1/webhooks?size=2&cursor=${first.body.data.nextCursor}`);
    expect(rest.body.data.items.map((w: { id: string }) => w.id)).toEqual(ids.slice(3));
    expect(rest.body.data.nextCursor).toBeUndefined();
  });

  it('says in the spec what the real API requires of a URL: https', async () => {
    const spec = parse(readFileSync(new URL('../openapi/smile.yaml', import.meta.url), 'utf8'));
    const url = spec.components.schemas.WebhookPostRequest.properties.url;
    expect(url).toMatchObject({ type: 'string', format: 'uri', pattern: '^https://' });
    const https = new RegExp(url.pattern);
    expect(['https://hooks.example.test/smile', 'http://127.0.0.1:9000/hook'].map((u) => https.test(u))).toEqual([true, false]);
  });

  it('accepts http on loopback unless URLs are strict, marked as breaking the https rule, and refuses other http URLs', async () => {
    const loopback = await smile.call('POST', '/v1/webhooks', { body: hook({ url: 'http://127.0.0.1:9000/hook' }) });
    expect(loopback.status).toBe(200);
    expect(JSON.parse(loopback.headers.get('x-token-mock-violations') ?? '[]')).toEqual([
      { in: 'body', path: '/url', keyword: 'pattern', message: 'must match pattern "^https://"' },
    ]);
    const https = await smile.call('POST', '/v1/webhooks', { body: hook() });
    expect(https.headers.get('x-token-mock-violations')).toBeNull();
    const remote = await smile.call('POST', '/v1/webhooks', { body: hook({ url: 'http://hooks.example.test/x' }) });
    expect(remote.body).toMatchObject({
      code: 'INVALID_PARAMETERS',
      message: 'body/url must begin with https:// (or http:// on a loopback host; allow private and named hosts with --webhook-allow-private-http)',
    });
    const strict = await startSmile({ smile: { strictWebhookUrls: true } });
    try {
      const refused = await strict.call('POST', '/v1/webhooks', { body: hook({ url: 'http://localhost:9000/hook' }) });
      expect(refused.body.message).toBe('body/url must begin with https://');
    } finally {
      await strict.close();
    }
  });

  it('refuses link-local and cloud-metadata receivers even over https, and takes compose services over http when allowed', async () => {
    const metadata = await smile.call('POST', '/v1/webhooks', { body: hook({ url: 'https://169.254.169.254/latest/meta-data' }) });
    expect(metadata).toMatchObject({
      status: 400,
      body: { code: 'INVALID_PARAMETERS', message: 'body/url points at a link-local address, which the mock never calls' },
    });
    const compose = await startSmile({ webhooks: { allowPrivateHttp: true } });
    try {
      expect((await compose.call('POST', '/v1/webhooks', { body: hook({ url: 'http://app:3000/hooks' }) })).status).toBe(200);
      expect((await compose.call('POST', '/v1/webhooks', { body: hook({ url: 'http://[fd00:ec2::254]/' }) })).status).toBe(400);
    } finally {
      await compose.close();
    }
  });

  it.each([
    ['a missing secret', hook({ secret: undefined }), 'body/secret is required'],
    ['a secret over 64 characters', hook({ secret: 's'.repeat(65) }), 'body/secret must NOT have more than 64 characters'],
    ['an unknown event type', hook({ eventTypes: ['USER_DELETED'] }), 'body/eventTypes/0 must be equal to one of the allowed values'],
    ['a string active', hook({ active: 'yes' }), 'body/active must be boolean'],
    ['a name over 200 characters', hook({ name: 'n'.repeat(201) }), 'body/name must NOT have more than 200 characters'],
    ['a URL that is not one', hook({ url: 'not a url' }), 'body/url must match format "uri"'],
  ])('refuses %s with 400 INVALID_PARAMETERS naming the field', async (_name, body, message) => {
    const answer = await smile.call('POST', '/v1/webhooks', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(message);
  });
});
