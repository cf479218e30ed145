import type { AddressInfo } from 'node:net';
import express from 'express';
import { createMock } from 'token-mock';
import { tokenMock } from 'token-mock/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let base: string;
let close: () => void;
const mock = createMock({ strict: true, startTime: '2026-01-01T00:00:00Z' });

beforeAll(async () => {
  const app = express();
  app.get('/api/own', (_request, response) => {
    response.json({ mine: true });
  });
  app.use(tokenMock(mock));
  // The app's own parser after the mock, and a second mount behind express.json().
  app.use('/parsed', express.json(), tokenMock(mock));
  // A reply Node refuses to write (a header value it cannot carry), as a defect of the mock would make one.
  const broken = Object.create(mock) as typeof mock;
  broken.handle = (async (request: Parameters<typeof mock.handle>[0], options?: Parameters<typeof mock.handle>[1]) => {
    const reply = await mock.handle(request, options as never);
    return reply && { ...reply, status: 503, headers: { ...reply.headers, 'x-broken': '不' } };
  }) as typeof mock.handle;
  app.use('/broken', tokenMock(broken));
  app.use((_request, response) => {
    response.status(404).send('app 404');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const post = (path: string, body: string) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('express middleware', () => {
  it('serves the WuKongIM API inside an existing express app', async () => {
    const response = await post('/user/token', '{"uid":"alice","token":"t","device_flag":1,"device_level":1}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(mock.wukongim.devices({ uid: 'alice' })).toHaveLength(1);
  });

  it('answers a reply Node cannot write with a plain 500, never a hung request', async () => {
    const answer = await fetch(`${base}/broken/health`, { signal: AbortSignal.timeout(4000) });
    expect(answer.status).toBe(500);
    expect(answer.statusText).toBe('Internal Server Error');
    expect(answer.headers.get('x-broken')).toBeNull();
    expect(await answer.text()).toBe('internal error');
  });

  it('calls next() for paths it does not own, so the app keeps its routes and its 404', async () => {
    expect(await (await fetch(`${base}/api/own`)).json()).toEqual({ mine: true });
    const missing = await fetch(`${base}/user/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('app 404');
  });

  it('answers a wrong method on an owned path with its own 405', async () => {
    const response = await fetch(`${base}/user/token`);
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ msg: 'method GET is not allowed on /user/token: use POST', status: 405 });
  });

  it('serves the control API and validation errors in their own shapes', async () => {
    expect(await (await fetch(`${base}/__mock/clock`)).json()).toEqual({ now: '2026-01-01T00:00:00.000Z', frozen: true });
    const bad = await post('/user/token', '{"uid":"","token":"t","device_flag":1}');
    expect(await bad.json()).toEqual({ msg: 'uid不能为空！', status: 400 });
  });

  it('works behind express.json(), from the parsed body, under a mount path', async () => {
    const response = await post('/parsed/user/token', '{"uid":"bob","token":"t","device_flag":2}');
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(mock.wukongim.devices({ uid: 'bob' })).toMatchObject([{ device_flag: 2 }]);
  });
});
