/** Scripted emission: any event type the specs define, from the control API and from code. */
import { readFileSync } from 'node:fs';
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { createMock } from 'token-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Receiver, startReceiver } from './support/receiver.js';
import { type SmileServer, startSmile } from './support/smile.js';

// The event schemas are compiled here from the spec itself, independently of the generated validators.
const spec = parse(readFileSync(new URL('../openapi/smile.yaml', import.meta.url), 'utf8'));
// CommonJS modules whose `default` export is the real one.
const ajv = new ajv2020.default({ strict: false, allErrors: true });
ajvFormats.default(ajv);
ajv.addSchema({ ...spec, $id: 'smile' });
const TYPES = Object.keys(spec.webhooks) as string[];
const schemaOf = (type: string) => {
  const ref = spec.webhooks[type].post.requestBody.content['application/json'].schema.$ref as string;
  return ajv.getSchema(`smile${ref}`) ?? ajv.compile({ $ref: `smile${ref}` });
};

let smile: SmileServer | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await smile?.close();
  await receiver?.close();
  smile = undefined;
  receiver = undefined;
});

const emit = (server: SmileServer, body: unknown) => server.call('POST', '/__mock/webhooks/emit', { body, auth: null });

describe('POST /__mock/webhooks/emit', () => {
  it('the spec defines every event type a subscription can name', () => {
    const subscribable = spec.components.schemas.EventType.enum.filter((type: string) => type !== 'ALL_EVENTS');
    expect([...TYPES].sort()).toEqual([...subscribable].sort());
  });

  it('emits every type with seeded data that is valid against its schema, and delivers each', async () => {
    smile = await startSmile();
    receiver = await startReceiver();
    await smile.call('POST', '/v1/webhooks', { body: { name: 'all', url: receiver.url, eventTypes: ['ALL_EVENTS'], active: true, secret: 's' } });
    for (const type of TYPES) {
      const emitted = await emit(smile, { api: 'smile', type });
      expect(emitted.status, `${type}: ${emitted.text}`).toBe(202);
      expect(emitted.body).toMatchObject({ api: 'smile', type, deliveries: 1, createdAt: '2026-01-01T00:00:00Z' });
      const validate = schemaOf(type);
      expect(validate(emitted.body.body), `${type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const received = await receiver.waitForCount(TYPES.length);
    expect(new Set(received.map((r) => JSON.parse(r.body).type))).toEqual(new Set(TYPES));
  });

  it('lays given data over the seeded values, about the given user', async () => {
    smile = await startSmile();
    const emitted = await emit(smile, { api: 'smile', type: 'ACCOUNT_CONNECTED', userId: 'tenant-0123', data: { loginName: 'ana@example.test' } });
    expect(emitted.status).toBe(202);
    expect(emitted.body.body.data).toEqual({
      userId: 'tenant-0123',
      accountId: expect.any(String),
      loginName: 'ana@example.test',
      providers: expect.any(Array),
    });
  });

  it('is about a seeded user when no user is named', async () => {
    smile = await startSmile();
    const emitted = await emit(smile, { api: 'smile', type: 'USER_SESSION_COMPLETED' });
    const userId = emitted.body.body.data.session.userId;
    expect((await smile.call('GET', `/v1/users/${userId}`)).status).toBe(200);
  });

  it.each([
    [{ api: 'smile', type: 'TRANSACTIONS_ADDED', data: { count: 'many' } }, 'event/data/count must be number', '/body/data/count'],
    [{ api: 'smile', type: 'ACCOUNT_FAILED', data: { errorCode: 42 } }, 'event/data/errorCode must be string', '/body/data/errorCode'],
    [{ api: 'smile', type: 'USER_DELETED' }, 'type "USER_DELETED" is not a Smile event type', '/body/type'],
    [{ api: 'smile', type: 'ALL_EVENTS' }, 'type "ALL_EVENTS" is not a Smile event type', '/body/type'],
    [{ api: 'smile', type: 'USER_CREATED', data: [1] }, 'data must be an object', '/body/data'],
    [{ api: 'wukongim', type: 'user.online' }, 'the only one is user.onlinestatus', '/body/type'],
    [{ api: 'wukongim', type: 'user.onlinestatus', data: ['no-dashes'] }, 'event/0 must match pattern', '/body/data/0'],
  ])('refuses %j with a problem that names the field', async (body, detail, path) => {
    smile = await startSmile();
    const refused = await emit(smile, body);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: 'urn:token-mock:problem:invalid-event', status: 400 });
    expect(refused.body.detail).toContain(detail);
    expect(refused.body.errors).toEqual([{ path, message: expect.any(String) }]);
  });

  it('refuses a request that breaks the control API spec', async () => {
    smile = await startSmile();
    const refused = await emit(smile, { api: 'slack', type: 'USER_CREATED' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: '/body/api', message: 'must be one of "smile", "wukongim"' }]);
  });
});

describe('mock.webhooks in code', () => {
  it('emit() returns the event, and on() hears it in process without any receiver', () => {
    const mock = createMock({ startTime: '2026-01-01T00:00:00Z' });
    const heard: string[] = [];
    const all: string[] = [];
    const stop = mock.webhooks.on('ACCOUNT_CONNECTED', (event) => heard.push(event.id));
    mock.webhooks.on('*', (event) => all.push(event.type));
    const event = mock.webhooks.emit({ api: 'smile', type: 'ACCOUNT_CONNECTED' });
    mock.webhooks.emit({ api: 'smile', type: 'ARCHIVE_STARTED' });
    stop();
    mock.webhooks.emit({ api: 'smile', type: 'ACCOUNT_CONNECTED' });
    expect(heard).toEqual([event.id]);
    expect(all).toEqual(['ACCOUNT_CONNECTED', 'ARCHIVE_STARTED', 'ACCOUNT_CONNECTED']);
    expect(event).toMatchObject({ api: 'smile', type: 'ACCOUNT_CONNECTED', deliveries: 0 });
    expect(mock.webhooks.events()).toHaveLength(3);
  });

  it('waitFor() rejects with what it saw when nothing matches in time', async () => {
    const mock = createMock();
    await expect(mock.webhooks.waitFor('USER_CREATED', undefined, { timeout: 50 })).rejects.toThrow(
      'no USER_CREATED delivery matched within 50 ms (0 attempt(s) of that type in the journal)',
    );
  });
});
