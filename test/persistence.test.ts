/**
 * Persistence: a mock created on the same storage finds users, tokens, slots, connections and the
 * clock again; a snapshot it cannot use is reported and kept aside; a save that fails is reported and
 * leaves the previous one; saves are batched.
 */
import { createMock, type ErrorListener, isMockError, type StorageLike } from 'token-mock';
import { describe, expect, it, vi } from 'vitest';

/** A Storage in memory; with `capacity`, a write that would hold more characters than that fails as a full localStorage does. */
function memoryStorage(capacity = Number.POSITIVE_INFINITY): StorageLike & { data: Map<string, string>; writes: number } {
  const data = new Map<string, string>();
  const storage = {
    data,
    writes: 0,
    getItem: (key: string) => data.get(key) ?? null,
    setItem(key: string, value: string) {
      let size = value.length;
      for (const [other, text] of data) if (other !== key) size += text.length;
      if (size > capacity) throw new DOMException(`storing ${size} characters exceeds the quota`, 'QuotaExceededError');
      storage.writes += 1;
      data.set(key, value);
    },
    removeItem: (key: string) => void data.delete(key),
  };
  return storage;
}

/** Collects what a mock reports through onError. */
function reports() {
  const seen: { error: unknown; context: Parameters<ErrorListener>[1] }[] = [];
  const onError: ErrorListener = (error, context) => void seen.push({ error, context });
  return { seen, onError };
}

const AUTH = { authorization: `Basic ${btoa('test_key:test_secret')}` };
const post = (mock: ReturnType<typeof createMock>, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  mock.fetch(
    new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
const createUser = async (mock: ReturnType<typeof createMock>): Promise<string> =>
  (await (await post(mock, 'http://localhost/v1/users', {}, AUTH)).json()).data.user.id;

describe('persistence', () => {
  it('a reload keeps users, tokens, slots, connections, the clock and the id sequence', async () => {
    const storage = memoryStorage();
    const options = { seed: 3, startTime: '2026-01-01T00:00:00Z', persist: { storage } };
    const first = createMock(options);
    const created = await (await post(first, 'http://localhost/v1/users', {}, AUTH)).json();
    await post(first, 'http://localhost/user/token', { uid: 'ana', token: 't1', device_flag: 1 });
    await post(first, 'http://localhost/__mock/wukongim/connect', { uid: 'ana', token: 't1', device_flag: 1, device_id: 'phone' });
    await post(first, 'http://localhost/__mock/clock', { advance: '1h' });
    await first.flush();
    expect(storage.data.get('token-mock')).toContain(created.data.user.id);

    const reloaded = createMock(options);
    expect(reloaded.smile.user(created.data.user.id)).toEqual(created.data.user);
    expect(reloaded.clock.iso()).toBe('2026-01-01T01:00:00.000Z');
    expect(reloaded.wukongim.connections({ uid: 'ana', state: 'online' })).toHaveLength(1);
    expect(await reloaded.smile.consume(created.data.token.accessToken)).toMatchObject({ userId: created.data.user.id, mode: 'SANDBOX' });
    const next = await createUser(reloaded);
    expect(next).not.toBe(created.data.user.id);
    expect(reloaded.smile.userCount).toBe(27);
  });

  const good = JSON.stringify(createMock({ seed: 1 }).snapshot());
  const unusable: [string, string, string][] = [
    ['not JSON', '{not json', ''],
    ['truncated', good.slice(0, good.length / 2), ''],
    ['empty', '', ''],
    ['of another version', good.replace('token-mock/state/2', 'token-mock/state/1'), '/format'],
    ['of another seed', JSON.stringify(createMock({ seed: 9 }).snapshot()), '/seed'],
    ['without tokens', good.replace(/"tokens":\{[^}]*\},/, ''), '/state/smile/tokens'],
    ['with random: null', good.replace(/"random":\[[^\]]*\]/, '"random":null'), '/state/random'],
  ];

  it.each(unusable)('reports a saved snapshot %s, keeps it under <key>:rejected, and starts from the seed', (_name, text, path) => {
    const storage = memoryStorage();
    storage.setItem('token-mock', text);
    const { seen, onError } = reports();
    const mock = createMock({ persist: { storage }, onError });

    expect(seen).toHaveLength(1);
    const [{ error, context }] = seen as [(typeof seen)[0]];
    expect(context).toEqual({ persistence: 'restore', store: 'token-mock' });
    expect(isMockError(error) && error.kind).toBe('invalid-snapshot');
    expect(isMockError(error) ? error.errors.map((e) => e.path) : []).toContain(path);
    expect(isMockError(error) && error.message).toContain('token-mock:rejected');
    expect(storage.getItem('token-mock:rejected')).toBe(text);
    expect(storage.getItem('token-mock')).toBeNull();
    expect(mock.smile.userCount).toBe(25);
  });

  it('never overwrites a snapshot rejected before', () => {
    const storage = memoryStorage();
    storage.setItem('token-mock:rejected', 'the first');
    storage.setItem('token-mock', 'the second');
    createMock({ persist: { storage }, onError: () => {} });
    expect(storage.getItem('token-mock:rejected')).toBe('the first');
    expect(storage.getItem('token-mock:rejected:2')).toBe('the second');
  });

  it('does not save over an unusable snapshot it could not keep aside', async () => {
    const storage = memoryStorage();
    storage.setItem('token-mock', '{not json');
    const setItem = storage.setItem;
    storage.setItem = (key, value) => {
      if (key.includes(':rejected')) throw new DOMException('no room', 'QuotaExceededError');
      setItem(key, value);
    };
    const { seen, onError } = reports();
    const mock = createMock({ persist: { storage }, onError });
    await createUser(mock);
    await mock.flush();
    expect(seen.map(({ context }) => context)).toEqual([{ persistence: 'restore', store: 'token-mock' }]);
    expect(isMockError(seen[0]?.error) && seen[0].error.message).toContain('could not be moved aside');
    expect(storage.getItem('token-mock')).toBe('{not json');
  });

  it('reports a save the storage refuses (quota), and keeps the previous good snapshot', async () => {
    const capacity = Math.round(JSON.stringify(createMock({ seed: 1 }).snapshot()).length * 1.1);
    const storage = memoryStorage(capacity);
    const { seen, onError } = reports();
    const mock = createMock({ persist: { storage }, onError });
    let saved = 0;
    // A tenth more room than the seeded state holds: a few users fill it.
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      await createUser(mock);
      await mock.flush();
      if (seen.length === 0) saved = mock.smile.userCount;
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]?.context).toEqual({ persistence: 'save', store: 'token-mock' });
    expect((seen[0]?.error as DOMException).name).toBe('QuotaExceededError');
    // Another user, another failed save: each one is told.
    await createUser(mock);
    await mock.flush();
    expect(seen).toHaveLength(2);

    const kept = memoryStorage();
    kept.setItem('token-mock', storage.getItem('token-mock') as string);
    const reloaded = createMock({ persist: { storage: kept }, onError });
    expect(seen).toHaveLength(2);
    expect(reloaded.smile.userCount).toBe(saved);
  });

  it('saves at most once per interval, whatever the number of requests', async () => {
    // The interval's timer is faked, so the count cannot depend on how long 20 requests take on a busy machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const storage = memoryStorage();
      const mock = createMock({ persist: { storage, interval: 40 } });
      for (let i = 0; i < 20; i++) await createUser(mock);
      expect(storage.writes).toBe(0);
      vi.advanceTimersByTime(39);
      expect(storage.writes).toBe(0);
      vi.advanceTimersByTime(1);
      expect(storage.writes).toBe(1);
      expect(JSON.parse(storage.getItem('token-mock') as string).state.smile.users).toHaveLength(45);
      vi.advanceTimersByTime(400);
      expect(storage.writes).toBe(1);
      // Reads change nothing, so they never cost a save.
      await mock.fetch(new Request('http://localhost/v1/users?size=5', { headers: AUTH }));
      vi.advanceTimersByTime(400);
      expect(storage.writes).toBe(1);
      // The next change is saved one interval after it, once.
      await createUser(mock);
      await createUser(mock);
      vi.advanceTimersByTime(40);
      expect(storage.writes).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('saves a snapshot restored in code, as it saves a request', async () => {
    const source = createMock();
    const id = await createUser(source);
    const storage = memoryStorage();
    const mock = createMock({ persist: { storage, interval: 20 } });
    mock.restore(source.snapshot());
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(storage.getItem('token-mock')).toContain(id);
  });

  it('flush saves at once', async () => {
    const storage = memoryStorage();
    const mock = createMock({ persist: { storage, interval: 60_000 } });
    const id = await createUser(mock);
    expect(storage.getItem('token-mock')).toBeNull();
    await mock.flush();
    expect(storage.getItem('token-mock')).toContain(id);
  });

  it('restores a snapshot in code, and refuses one of another seed', () => {
    const source = createMock({ seed: 5, startTime: '2026-01-01T00:00:00Z' });
    source.wukongim.updateToken({ uid: 'bo', token: 't', device_flag: 2 });
    const target = createMock({ seed: 5 });
    target.restore(source.snapshot());
    expect(target.wukongim.devices({ uid: 'bo' })).toHaveLength(1);
    expect(target.clock.frozen).toBe(true);
    expect(() => createMock({ seed: 6 }).restore(source.snapshot())).toThrow(expect.objectContaining({ kind: 'invalid-snapshot' }));
  });
});
