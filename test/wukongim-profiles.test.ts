import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let running: TestServer[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
});
const start = async (...args: Parameters<typeof startServer>) => {
  const server = await startServer(...args);
  running.push(server);
  return server;
};

describe('fidelity profiles', () => {
  it('answers {"status":"ok"} under the docs profile, as the documentation says', async () => {
    const im = await start();
    expect((await im.post('/user/token', { uid: 'a', token: 't', device_flag: 0 })).body).toEqual({ status: 'ok' });
    expect((await im.post('/user/device_quit', { uid: 'a' })).body).toEqual({ status: 'ok' });
    expect((await im.post('/user/onlinestatus', [])).body).toEqual([]);
  });

  it('answers {"status":200} under the server-v2 profile, as the real server does', async () => {
    const im = await start({ wukongim: { profile: 'server-v2' } });
    expect((await im.post('/user/token', { uid: 'a', token: 't', device_flag: 0 })).body).toEqual({ status: 200 });
    expect((await im.post('/user/device_quit', { uid: 'a' })).body).toEqual({ status: 200 });
    expect((await im.post('/user/onlinestatus', [])).body).toEqual({ status: 200 });
    expect((await im.get('/health')).body).toEqual({ status: 'ok' });
  });

  it('quits a device without a uid under server-v2, where the docs profile refuses it', async () => {
    const v2 = await start({ wukongim: { profile: 'server-v2' } });
    expect((await v2.post('/user/device_quit', {})).body).toEqual({ status: 200 });
    const docs = await start();
    const refused = await docs.post('/user/device_quit', {});
    expect(refused.status).toBe(400);
    expect(refused.body.msg).toBe('body/uid is required (documented contract)');
  });
});

describe('manager token', () => {
  it('needs the token header on every request, answering 401 with an empty body otherwise', async () => {
    const im = await start({ wukongim: { managerToken: 's3cret' } });
    for (const answer of [
      await im.post('/user/token', { uid: 'a', token: 't', device_flag: 0 }),
      await im.post('/user/token', { uid: 'a', token: 't', device_flag: 0 }, { token: 'wrong' }),
      await im.get('/health'),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.text).toBe('');
    }
    const allowed = await im.post('/user/token', { uid: 'a', token: 't', device_flag: 0 }, { token: 's3cret' });
    expect(allowed.body).toEqual({ status: 'ok' });
  });

  it('leaves the control API open', async () => {
    const im = await start({ wukongim: { managerToken: 's3cret' } });
    expect((await im.get('/__mock/clock')).status).toBe(200);
  });
});
