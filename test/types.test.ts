/**
 * The public types, pinned: `npm run typecheck` compiles this file, so a change to what users import
 * from `token-mock` fails there (as msw's test/typings and hono's types.test.ts do). The runtime halves
 * check that the values really have the types claimed for them.
 */
import type { HttpHandler, WebSocketHandler } from 'msw';
import { setupServer } from 'msw/node';
import {
  type ControlClockState,
  type ControlJournalEntry,
  type ControlPaths,
  createMock,
  type Mock,
  type MockOptions,
  type MockSnapshot,
  type SmileEventType,
  type SmileToken,
  type SmileUser,
  type SmileWebhook,
  type SmileWebhookEvent,
  type SmileWebhookEventType,
  type SmileWebhookPostRequest,
  type WebhookEvent,
  type WukongimUpdateTokenRequest,
  type WukongimWebhookEvent,
} from 'token-mock';
import { createHandlers, type MswOptions } from 'token-mock/msw';
import { describe, expect, expectTypeOf, it } from 'vitest';

const SANDBOX = { authorization: `Basic ${btoa('test_key:test_secret')}` };

describe('createMock', () => {
  it('takes its options by name and type, and nothing else', () => {
    expectTypeOf(createMock).parameter(0).toEqualTypeOf<MockOptions | undefined>();
    expectTypeOf<MockOptions['seed']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<MockOptions['startTime']>().toEqualTypeOf<string | number | Date | undefined>();
    expectTypeOf<NonNullable<MockOptions['smile']>['tokenTtl']>().toEqualTypeOf<string | number | undefined>();
    expectTypeOf<NonNullable<MockOptions['wukongim']>['profile']>().toEqualTypeOf<'docs' | 'server-v2' | undefined>();
    expectTypeOf<MockOptions>().toHaveProperty('persist');
    // @ts-expect-error an option that does not exist is refused
    createMock({ seeds: 1 });
    // @ts-expect-error a seed is a number
    createMock({ seed: '1' });
    expect(createMock({ seed: 3 }).clock).toBeDefined();
  });

  it('answers fetch with a Response, and snapshots as MockSnapshot', async () => {
    const mock = createMock({ seed: 1, startTime: '2026-01-01T00:00:00Z' });
    expectTypeOf(mock).toEqualTypeOf<Mock>();
    expectTypeOf(mock.fetch).returns.toEqualTypeOf<Promise<Response>>();
    expectTypeOf(mock.snapshot).returns.toEqualTypeOf<MockSnapshot>();
    const response = await mock.fetch(new Request('http://localhost:5001/health'));
    expect(response.status).toBe(200);
  });
});

describe('MSW handlers', () => {
  it('are MSW HTTP handlers and the IM WebSocket handler, which setupServer takes as they are', () => {
    expectTypeOf(createHandlers).returns.toEqualTypeOf<(HttpHandler | WebSocketHandler)[]>();
    expectTypeOf(createHandlers).parameter(1).toEqualTypeOf<MswOptions | undefined>();
    const handlers = createHandlers(createMock({ seed: 1 }));
    const server = setupServer(...handlers);
    expect(server.listHandlers()).toEqual(expect.arrayContaining(handlers));
  });
});

describe('wire types, generated from the specs', () => {
  it('type Smile users and link tokens as the API answers them', async () => {
    expectTypeOf<SmileToken['mode']>().toEqualTypeOf<'SANDBOX' | 'PRODUCTION'>();
    expectTypeOf<SmileToken>().toHaveProperty('accessToken').toEqualTypeOf<string>();
    expectTypeOf<SmileUser>().toHaveProperty('id').toEqualTypeOf<string>();
    expectTypeOf<SmileWebhookPostRequest>().toHaveProperty('url').toEqualTypeOf<string>();
    expectTypeOf<SmileWebhook>().toHaveProperty('secret');
    const mock = createMock({ seed: 1, startTime: '2026-01-01T00:00:00Z' });
    const response = await mock.fetch(new Request('https://sandbox.smileapi.io/v1/users', { method: 'POST', headers: SANDBOX }));
    const { data } = (await response.json()) as { data: { user: SmileUser; token: SmileToken } };
    expect(data.token.mode).toBe('SANDBOX');
    expect(data.user.id).toMatch(/^tenant-/);
  });

  it('type each Smile webhook event by its name', () => {
    expectTypeOf<SmileWebhookEvent<'USER_CREATED'>['type']>().toEqualTypeOf<'USER_CREATED'>();
    expectTypeOf<SmileWebhookEvent<'USER_CREATED'>['data']['userId']>().toEqualTypeOf<string>();
    expectTypeOf<SmileWebhookEvent<'ACCOUNT_FAILED'>['type']>().toEqualTypeOf<'ACCOUNT_FAILED'>();
    expectTypeOf<SmileWebhookEvent<'USER_CREATED'>>().not.toEqualTypeOf<SmileWebhookEvent<'ACCOUNT_CREATED'>>();
    // The events the mock can emit are exactly the events the spec sends.
    expectTypeOf<SmileEventType>().toEqualTypeOf<SmileWebhookEventType>();
    expectTypeOf<WukongimWebhookEvent<'user.onlinestatus'>>().toEqualTypeOf<string[]>();
  });

  it('give an emitted event the body its type names', () => {
    const mock = createMock({ seed: 1, startTime: '2026-01-01T00:00:00Z' });
    const emitted: WebhookEvent = mock.webhooks.emit({ api: 'smile', type: 'USER_CREATED' });
    const body = emitted.body as SmileWebhookEvent<'USER_CREATED'>;
    expect(body.type).toBe('USER_CREATED');
    expect(typeof body.data.userId).toBe('string');
  });

  it('type WuKongIM requests and the control API', async () => {
    expectTypeOf<WukongimUpdateTokenRequest>().toHaveProperty('uid').toEqualTypeOf<string>();
    expectTypeOf<WukongimUpdateTokenRequest>().toHaveProperty('device_flag').toEqualTypeOf<number>();
    expectTypeOf<ControlClockState>().toEqualTypeOf<{ now: string; frozen: boolean }>();
    expectTypeOf<ControlJournalEntry>().toHaveProperty('request');
    expectTypeOf<ControlPaths>().toHaveProperty('/clock');
    const mock = createMock({ seed: 1, startTime: '2026-01-01T00:00:00Z' });
    const request: WukongimUpdateTokenRequest = { uid: 'ana', token: 't1', device_flag: 1, device_level: 1 };
    const answered = await mock.fetch(new Request('http://localhost:5001/user/token', { method: 'POST', body: JSON.stringify(request) }));
    expect(answered.status).toBe(200);
    const clock = (await (await mock.fetch(new Request('http://localhost:5001/__mock/clock'))).json()) as ControlClockState;
    expect(clock).toEqual({ now: '2026-01-01T00:00:00.000Z', frozen: true });
  });
});
