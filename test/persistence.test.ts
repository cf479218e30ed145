/** Persistence: a mock created on the same storage finds users, tokens, slots, connections and the clock again. */
import { createMock, type StorageLike } from 'token-mock';
import { describe, expect, it } from 'vitest';

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value), removeItem: (key) => void data.delete(key) };
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

describe('persistence', () => {
  it('a reload keeps users, tokens, slots, connections, the clock and the id sequence', async () => {
    const storage = memoryStorage();
    const options = { seed: 3, startTime: '2026-01-01T00:00:00Z', persist: { storage } };
    const first = createMock(options);
    const created = await (await post(first, 'http://localhost/v1/users', {}, AUTH)).json();
    await post(first, 'http://localhost/user/token', { uid: 'ana', token: 't1', device_flag: 1 });
    await post(first, 'http://localhost/__mock/wukongim/connect', { uid: 'ana', token: 't1', device_flag: 1, device_id: 'phone' });
    await post(first, 'http://localhost/__mock/clock', { advance: '1h' });
    expect(storage.data.get('token-mock')).toContain(created.data.user.id);

    const reloaded = createMock(options);
    expect(reloaded.smile.user(created.data.user.id)).toEqual(created.data.user);
    expect(reloaded.clock.iso()).toBe('2026-01-01T01:00:00.000Z');
    expect(reloaded.wukongim.connections({ uid: 'ana', state: 'online' })).toHaveLength(1);
    expect(await reloaded.smile.consume(created.data.token.accessToken)).toMatchObject({ userId: created.data.user.id, mode: 'SANDBOX' });
    const next = await (await post(reloaded, 'http://localhost/v1/users', {}, AUTH)).json();
    expect(next.data.user.id).not.toBe(created.data.user.id);
    expect(reloaded.smile.userCount).toBe(27);
  });

  it('ignores, and drops, a snapshot it cannot use', () => {
    const storage = memoryStorage();
    storage.setItem('token-mock', '{not json');
    expect(createMock({ persist: { storage } }).smile.userCount).toBe(25);
    expect(storage.getItem('token-mock')).toBeNull();
    storage.setItem('token-mock', JSON.stringify(createMock({ seed: 9 }).snapshot()));
    createMock({ seed: 1, persist: { storage } });
    expect(storage.getItem('token-mock')).toBeNull();
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
