/** Every list of the control API answers pages: a limit, an opaque cursor, `{items, nextCursor, total}`. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let im: TestServer;
beforeAll(async () => {
  im = await startServer({ journalSize: 300, wukongim: { maxDeviceSlots: 250_000 } });
});
afterAll(() => im.close());
beforeEach(() => im.post('/__mock/reset', {}));

interface Page {
  items: Record<string, unknown>[];
  nextCursor: string | null;
  total: number;
}

/** Reads every page of a list, `limit` at a time (from `cursor`, when given), and returns the pages. */
async function walk(path: string, limit: number, from: string | null = null): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor = from;
  const joiner = path.includes('?') ? '&' : '?';
  do {
    const answer = await im.get(`${path}${joiner}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    expect(answer.status).toBe(200);
    pages.push(answer.body);
    cursor = answer.body.nextCursor;
  } while (cursor !== null && pages.length < 1000);
  return pages;
}

const LISTS = [
  ['/__mock/journal', 100, ['capacity', 'recorded']],
  ['/__mock/violations', 100, []],
  ['/__mock/wukongim/connections', 1000, []],
  ['/__mock/wukongim/devices', 1000, []],
  ['/__mock/webhooks/deliveries', 1000, ['stats', 'capacity']],
  ['/__mock/webhooks/events', 1000, []],
  ['/__mock/faults', 1000, []],
  ['/__mock/scenarios', 1000, []],
] as const;

describe('every list of the control API', () => {
  it.each(LISTS)('%s answers {items, nextCursor, total} and its extras', async (path, _max, extras) => {
    const answer = await im.get(path);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ items: expect.any(Array), nextCursor: null, total: expect.any(Number) });
    for (const extra of extras) expect(answer.body).toHaveProperty(extra);
  });

  it.each(LISTS)('%s refuses a limit above its maximum (%i) with a 400 problem naming the limit', async (path, max) => {
    expect((await im.get(`${path}?limit=${max}`)).status).toBe(200);
    const refused = await im.get(`${path}?limit=${max + 1}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ type: 'urn:token-mock:problem:invalid-request', errors: [{ path: '/query/limit' }] });
  });

  it.each(LISTS)('%s refuses a cursor it did not issue', async (path) => {
    const refused = await im.get(`${path}?cursor=bm90LWEtY3Vyc29y`);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(refused.body).toMatchObject({ type: 'urn:token-mock:problem:invalid-cursor', status: 400, errors: [{ path: '/query/cursor' }] });
  });

  it('refuses the cursor of one list on another', async () => {
    for (let i = 0; i < 3; i++) await im.post('/user/token', { uid: `u${i}`, token: 't', device_flag: 1 });
    const { nextCursor } = (await im.get('/__mock/wukongim/devices?limit=1')).body;
    expect(nextCursor).toEqual(expect.any(String));
    const refused = await im.get(`/__mock/journal?cursor=${encodeURIComponent(nextCursor)}`);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('cursor');
  });

  it('gives 100 items when no limit is asked for', async () => {
    for (let i = 0; i < 150; i++) im.mock.wukongim.updateToken({ uid: `u${i}`, token: 't', device_flag: 1 });
    const first = (await im.get('/__mock/wukongim/devices')).body;
    expect(first.items).toHaveLength(100);
    expect(first.total).toBe(150);
    expect(first.nextCursor).toEqual(expect.any(String));
  });
});

describe('GET /__mock/journal', () => {
  it('pages newest first, and entries that arrive meanwhile do not shift the later pages', async () => {
    for (let i = 0; i < 120; i++) await im.get('/health');
    const first = (await im.get('/__mock/journal?api=wukongim&limit=50')).body;
    expect(first.total).toBe(120);
    const ids = first.items.map((entry: { id: number }) => entry.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // New traffic lands before the first page; the cursor goes on from where it stopped.
    for (let i = 0; i < 30; i++) await im.get('/health');
    const second = (await im.get(`/__mock/journal?api=wukongim&limit=50&cursor=${encodeURIComponent(first.nextCursor)}`)).body;
    expect(second.items[0].id).toBe(ids.at(-1) - 1);
    expect(second.items).toHaveLength(50);
    const third = (await im.get(`/__mock/journal?api=wukongim&limit=50&cursor=${encodeURIComponent(second.nextCursor)}`)).body;
    expect(third.items).toHaveLength(20);
    expect(third.nextCursor).toBeNull();
    const seen = [...first.items, ...second.items, ...third.items].map((entry: { path: string }) => entry.path);
    expect(new Set(seen)).toEqual(new Set(['/health']));
  });

  it('keeps its filters, and reports what the journal recorded and can hold', async () => {
    await im.post('/user/token', { uid: 'ana', token: 't', device_flag: 1 });
    await im.get('/user/token');
    const answer = (await im.get('/__mock/journal?api=wukongim')).body;
    expect(answer.items.map((entry: { status: number }) => entry.status)).toEqual([405, 200]);
    expect(answer).toMatchObject({ total: 2, nextCursor: null, capacity: 300 });
    expect(answer.recorded).toBeGreaterThanOrEqual(3);
  });

  it('goes on after an anchor that has left the ring: nothing older is held, so the walk ends', async () => {
    const small = await startServer({ journalSize: 5 });
    try {
      for (let i = 0; i < 5; i++) await small.get('/health');
      const first = (await small.get('/__mock/journal?limit=2')).body;
      expect(first.nextCursor).toEqual(expect.any(String));
      for (let i = 0; i < 10; i++) await small.get('/health');
      const next = await small.get(`/__mock/journal?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`);
      expect(next.status).toBe(200);
      expect(next.body).toMatchObject({ items: [], nextCursor: null });
    } finally {
      await small.close();
    }
  });
});

describe('GET /__mock/violations', () => {
  it('pages the broken requests newest first, of one API', async () => {
    for (let i = 0; i < 7; i++) await im.post('/user/token', { uid: `u${i}`, token: 't', device_flag: 'web' });
    const pages = await walk('/__mock/violations?api=wukongim', 3);
    expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(pages[0]?.total).toBe(7);
    const bodies = pages.flatMap((page) => page.items.map((entry) => JSON.parse(String((entry.request as { body: string }).body)).uid));
    expect(bodies).toEqual(['u6', 'u5', 'u4', 'u3', 'u2', 'u1', 'u0']);
  });
});

describe('GET /__mock/wukongim/devices', () => {
  it('pages in the order slots were first set: a new token keeps a slot in its place, a new slot comes last', async () => {
    for (const uid of ['d', 'b', 'a']) for (const flag of [2, 0]) im.mock.wukongim.updateToken({ uid, token: 't', device_flag: flag });
    const first = (await im.get('/__mock/wukongim/devices?limit=3')).body;
    expect(first.items.map((d: { uid: string; device_flag: number }) => `${d.uid}${d.device_flag}`)).toEqual(['d2', 'd0', 'b2']);
    im.mock.wukongim.updateToken({ uid: 'd', token: 'new', device_flag: 2 });
    im.mock.wukongim.updateToken({ uid: 'a', token: 'new', device_flag: 2 });
    im.mock.wukongim.updateToken({ uid: 'c', token: 't', device_flag: 1 });
    const rest = await walk('/__mock/wukongim/devices', 2, first.nextCursor);
    expect(rest.flatMap((page) => page.items.map((d) => `${d.uid}${d.device_flag}${d.token}`))).toEqual(['b0t', 'a2new', 'a0t', 'c1t']);
    expect(rest[0]?.total).toBe(7);
  });

  it('pages the slots of one uid', async () => {
    for (const flag of [3, 1, 2]) im.mock.wukongim.updateToken({ uid: 'ana', token: 't', device_flag: flag });
    im.mock.wukongim.updateToken({ uid: 'bo', token: 't', device_flag: 1 });
    const pages = await walk('/__mock/wukongim/devices?uid=ana', 2);
    expect(pages.map((page) => page.items.map((d) => d.device_flag))).toEqual([[3, 1], [2]]);
    expect(pages[0]?.total).toBe(3);
  });

  it('answers a page of 200,000 slots without reading them all, in a fraction of one read of every slot', async () => {
    for (let i = 0; i < 200_000; i++) im.mock.wukongim.updateToken({ uid: `user-${i}`, token: 't', device_flag: 1 });
    const answer = await im.get('/__mock/wukongim/devices?limit=100');
    const next = await im.get(`/__mock/wukongim/devices?limit=100&cursor=${encodeURIComponent(answer.body.nextCursor)}`);
    expect(answer.body.total).toBe(200_000);
    expect(next.body.items).toHaveLength(100);
    expect(next.body.items[0].uid).toBe('user-100');
    // Against a read of every slot in the same run, not a wall-clock bound: a busy machine slows both
    // alike. Each is the fastest of five rounds, taken in turn, so one garbage collection decides neither.
    let paging = Number.POSITIVE_INFINITY;
    let readAll = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      await im.get(`/__mock/wukongim/devices?limit=100&cursor=${encodeURIComponent(answer.body.nextCursor)}`);
      paging = Math.min(paging, performance.now() - started);
      const reading = performance.now();
      JSON.stringify(im.mock.snapshot());
      readAll = Math.min(readAll, performance.now() - reading);
    }
    expect(paging).toBeLessThan(readAll / 4);
  });
});

describe('GET /__mock/wukongim/connections', () => {
  async function connectMany(uid: string, count: number, close: boolean) {
    im.mock.wukongim.updateToken({ uid, token: 't', device_flag: 1 });
    for (let i = 0; i < count; i++) {
      const { connection_id } = im.mock.wukongim.connect({ uid, token: 't', device_flag: 1, device_id: `${uid}-${i}` });
      if (close) im.mock.wukongim.close(connection_id);
    }
  }

  it('pages oldest first, with the uid and state filters', async () => {
    await connectMany('ana', 5, false);
    await connectMany('bo', 4, true);
    await connectMany('cy', 3, false);
    const all = await walk('/__mock/wukongim/connections', 5);
    expect(all.flatMap((page) => page.items.map((c) => c.connection_id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(all[0]?.total).toBe(12);
    const closed = await walk('/__mock/wukongim/connections?state=closed', 3);
    expect(closed.flatMap((page) => page.items.map((c) => c.connection_id))).toEqual([6, 7, 8, 9]);
    expect(closed[0]?.total).toBe(4);
    const online = await walk('/__mock/wukongim/connections?state=online', 4);
    expect(online.flatMap((page) => page.items.map((c) => c.connection_id))).toEqual([1, 2, 3, 4, 5, 10, 11, 12]);
    expect(online[0]?.total).toBe(8);
    const cy = await walk('/__mock/wukongim/connections?uid=cy', 2);
    expect(cy.flatMap((page) => page.items.map((c) => c.connection_id))).toEqual([10, 11, 12]);
    expect(cy[0]?.total).toBe(3);
    const boOnline = (await im.get('/__mock/wukongim/connections?uid=bo&state=online')).body;
    expect(boOnline).toEqual({ items: [], nextCursor: null, total: 0 });
  });

  it('goes on after an anchor that has since been dropped from the ended connections', async () => {
    await connectMany('ana', 3, true);
    const first = (await im.get('/__mock/wukongim/connections?limit=2')).body;
    expect(first.items.map((c: { connection_id: number }) => c.connection_id)).toEqual([1, 2]);
    // Enough ended connections to make the registry drop its oldest ended ones, the anchor among them.
    await connectMany('bo', 20_005, true);
    expect(im.mock.wukongim.connections({ uid: 'ana' })).toEqual([]);
    const next = (await im.get(`/__mock/wukongim/connections?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).body;
    expect(next.items).toHaveLength(2);
    expect(next.items[0].connection_id).toBeGreaterThan(2);
    expect(next.items[0].uid).toBe('bo');
  });
});

describe('webhook deliveries and events', () => {
  it('page newest first and keep the filters, stats and capacity', async () => {
    for (let i = 0; i < 5; i++) await im.post('/__mock/webhooks/emit', { api: 'smile', type: i % 2 ? 'USER_CREATED' : 'ACCOUNT_CONNECTED' });
    const events = await walk('/__mock/webhooks/events', 2);
    expect(events.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(events[0]?.total).toBe(5);
    expect(events.flatMap((page) => page.items.map((e) => e.type))).toEqual([
      'ACCOUNT_CONNECTED',
      'USER_CREATED',
      'ACCOUNT_CONNECTED',
      'USER_CREATED',
      'ACCOUNT_CONNECTED',
    ]);
    const deliveries = (await im.get('/__mock/webhooks/deliveries?type=USER_CREATED')).body;
    expect(deliveries).toMatchObject({ items: [], nextCursor: null, total: 0, stats: { events: 5 }, capacity: 1000 });
  });
});

describe('faults and scenarios', () => {
  it('page faults in the order they are tried, even when the anchor is removed', async () => {
    const paths = ['/user/token', '/user/*', '/health', '/user/t*', '/user/to*'];
    // Real paths that never apply (probability 0), so that the file's other tests are untouched.
    for (let i = 1; i <= 5; i++) await im.post('/__mock/faults', { id: `f${i}`, path: paths[i - 1], status: 503, probability: 0 });
    const first = (await im.get('/__mock/faults?limit=2')).body;
    expect(first.items.map((f: { id: string }) => f.id)).toEqual(['f1', 'f2']);
    expect(first.total).toBe(5);
    await fetch(`${im.url}/__mock/faults/f2`, { method: 'DELETE' });
    await im.post('/__mock/faults', { id: 'f6', path: '/health', status: 503, probability: 0 });
    const rest = await walk('/__mock/faults', 2, first.nextCursor);
    expect(rest.flatMap((page) => page.items.map((f) => f.id))).toEqual(['f3', 'f4', 'f5', 'f6']);
  });

  it('page scenarios in load order', async () => {
    for (let i = 0; i < 3; i++) await im.post('/__mock/scenarios', { name: `s${i}`, steps: [{ at: '1h', kick: { uid: 'ana', device_flag: 1 } }] });
    const pages = await walk('/__mock/scenarios', 2);
    expect(pages.map((page) => page.items.map((s) => s.name))).toEqual([['s0', 's1'], ['s2']]);
  });
});
