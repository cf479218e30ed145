/** The user.onlinestatus webhook: fired by simulated connects, quits, kicks and closes; retried as the server does. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from './support/receiver.js';
import { startServer, type TestServer } from './support/server.js';

let im: TestServer | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await im?.close();
  await receiver?.close();
  im = undefined;
  receiver = undefined;
});

async function start(react?: Parameters<typeof startReceiver>[0], retryDelays?: string[]) {
  receiver = await startReceiver(react);
  im = await startServer({ wukongim: { webhookUrl: receiver.url, webhookRetryDelays: retryDelays } });
  return { im, receiver };
}

const batches = (target: Receiver) => target.received.map((request) => JSON.parse(request.body) as string[]);

describe('user.onlinestatus', () => {
  it('POSTs one entry per connect and close to URL?event=user.onlinestatus', async () => {
    const { im, receiver } = await start();
    await im.post('/user/token', { uid: 'ana', token: 't1', device_flag: 1, device_level: 0 });
    const connected = await im.post('/__mock/wukongim/connect', { uid: 'ana', token: 't1', device_flag: 1, device_id: 'phone' });
    expect(connected.body.reason_code).toBe(1);
    const [first] = await receiver.waitForCount(1);
    expect(first?.url).toBe('/hook?event=user.onlinestatus');
    expect(first?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(first?.body ?? '')).toEqual(['ana-1-1-1-1-1']);

    await im.post('/__mock/wukongim/connect', { uid: 'ana', token: 't1', device_flag: 1, device_id: 'tablet' });
    await im.post('/__mock/wukongim/connections/1/close', {});
    await receiver.waitForCount(3);
    expect(batches(receiver).slice(1)).toEqual([['ana-1-1-2-2-2'], ['ana-1-0-1-1-1']]);
  });

  it('reports a master kick and a device quit as offline entries, evictions before the newcomer', async () => {
    const { im, receiver } = await start();
    await im.post('/user/token', { uid: 'bo-b', token: 't1', device_flag: 1, device_level: 1 });
    await im.post('/__mock/wukongim/connect', { uid: 'bo-b', token: 't1', device_flag: 1, device_id: 'old' });
    await im.post('/__mock/wukongim/connect', { uid: 'bo-b', token: 't1', device_flag: 1, device_id: 'new' });
    await receiver.waitForCount(2);
    // A uid may contain '-': receivers parse from the right.
    expect(batches(receiver)[1]).toEqual(['bo-b-1-0-1-0-0', 'bo-b-1-1-2-1-1']);

    await im.post('/user/device_quit', { uid: 'bo-b', device_flag: 1 });
    await receiver.waitForCount(3);
    expect(batches(receiver)[2]).toEqual(['bo-b-1-0-2-0-0']);
  });

  it('sends nothing for a refused connect', async () => {
    const { im, receiver } = await start();
    await im.post('/__mock/wukongim/connect', { uid: 'ana', token: 'wrong', device_flag: 1, device_id: 'phone' });
    await im.mock.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
  });

  it('counts only a 200 as delivered, and drops a batch after five failed attempts', async () => {
    const { im, receiver } = await start(() => ({ status: 204 }));
    await im.post('/user/token', { uid: 'ana', token: 't1', device_flag: 1 });
    await im.post('/__mock/wukongim/connect', { uid: 'ana', token: 't1', device_flag: 1, device_id: 'phone' });
    for (let attempt = 1; attempt < 5; attempt++) {
      await im.mock.webhooks.waitFor('user.onlinestatus', (a) => a.attempt === attempt, { outcome: 'retrying' });
      im.mock.clock.advance(1000);
    }
    const last = await im.mock.webhooks.waitFor('user.onlinestatus', undefined, { outcome: 'failed' });
    expect(last).toMatchObject({ attempt: 5, maxAttempts: 5, status: 204, error: 'the receiver answered 204' });
    expect(receiver.received).toHaveLength(5);
    expect(im.mock.webhooks.stats()).toMatchObject({ events: 1, attempts: 5, failed: 1, pending: 0 });
  });

  it('retries on its own configured delays and delivers once the receiver recovers', async () => {
    const { im, receiver } = await start((n) => ({ status: n === 1 ? 500 : 200 }), ['10s']);
    await im.post('/user/token', { uid: 'ana', token: 't1', device_flag: 1 });
    await im.post('/__mock/wukongim/connect', { uid: 'ana', token: 't1', device_flag: 1, device_id: 'phone' });
    const failed = await im.mock.webhooks.waitFor('user.onlinestatus', undefined, { outcome: 'retrying' });
    expect(failed.nextAttemptAt).toBe('2026-01-01T00:00:10.000Z');
    await im.post('/__mock/clock', { advance: '10s' });
    expect(await im.mock.webhooks.waitFor('user.onlinestatus')).toMatchObject({ attempt: 2, status: 200 });
    expect(receiver.received).toHaveLength(2);
  });

  it('emits a scripted batch through the control API', async () => {
    const { im, receiver } = await start();
    const emitted = await im.post('/__mock/webhooks/emit', { api: 'wukongim', type: 'user.onlinestatus', data: ['carl-2-1-7-1-3'] });
    expect(emitted.status).toBe(202);
    const [request] = await receiver.waitForCount(1);
    expect(JSON.parse(request?.body ?? '')).toEqual(['carl-2-1-7-1-3']);
  });

  it('fills a scripted batch from the uid’s live connections when no data is given', async () => {
    const { im, receiver } = await start();
    await im.post('/user/token', { uid: 'dee', token: 't', device_flag: 2 });
    await im.post('/__mock/wukongim/connect', { uid: 'dee', token: 't', device_flag: 2, device_id: 'pc' });
    await im.post('/__mock/webhooks/emit', { api: 'wukongim', type: 'user.onlinestatus', userId: 'dee' });
    await im.post('/__mock/webhooks/emit', { api: 'wukongim', type: 'user.onlinestatus', userId: 'nobody' });
    const received = await receiver.waitForCount(3);
    // Two deliveries on the wire at once may arrive in either order.
    expect(received.map((r) => r.body).sort()).toEqual(['["dee-2-1-1-1-1"]', '["dee-2-1-1-1-1"]', '["nobody-1-1-0-1-1"]']);
  });
});
