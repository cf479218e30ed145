/** Restoring a snapshot: checked whole first, then all of it or nothing, with the wrong parts named. */
import { createMock, isMockError, type MockSnapshot } from 'token-mock';
import { describe, expect, it } from 'vitest';

const AUTH = { authorization: `Basic ${btoa('test_key:test_secret')}`, 'content-type': 'application/json' };
const OPTIONS = { seed: 3, startTime: '2026-01-01T00:00:00Z' };

/** A mock with some of every kind of state: users and tokens, a webhook, a slot, a connection, a moved clock. */
async function busyMock() {
  const mock = createMock(OPTIONS);
  for (let i = 0; i < 3; i++) await mock.fetch(new Request('http://localhost/v1/users', { method: 'POST', headers: AUTH, body: '{}' }));
  await mock.fetch(
    new Request('http://localhost/v1/webhooks', {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ name: 'n', url: 'https://hooks.example.test', eventTypes: ['ALL_EVENTS'], active: false, secret: 's' }),
    }),
  );
  mock.wukongim.updateToken({ uid: 'ana', token: 't1', device_flag: 1, device_level: 1 });
  mock.wukongim.connect({ uid: 'ana', token: 't1', device_flag: 1, device_id: 'phone' });
  mock.clock.advance(60_000);
  return mock;
}

type Snapshot = { format: unknown; seed: unknown; state: Record<'random' | 'clock' | 'wukongim' | 'smile', Record<string, unknown>> };

/** What a snapshot is changed into (in place, or by returning a replacement), and where the refusal must point. */
const broken: [string, (snapshot: Snapshot) => unknown, string[]][] = [
  ['not an object', () => 'token-mock', ['']],
  ['another format', (s) => ({ ...s, format: 'token-mock/state/1' }), ['/format']],
  ['another seed', (s) => ({ ...s, seed: 9 }), ['/seed']],
  ['no state', (s) => ({ ...s, state: null }), ['/state']],
  [
    'a part missing',
    (s) => {
      delete (s.state as Partial<Snapshot['state']>).wukongim;
    },
    ['/state/wukongim'],
  ],
  [
    'random: null',
    (s) => {
      s.state.random = null as never;
    },
    ['/state/random'],
  ],
  [
    'random of three words',
    (s) => {
      s.state.random = [1, 2, 3] as never;
    },
    ['/state/random'],
  ],
  [
    'a clock at no instant',
    (s) => {
      s.state.clock.now = 'soon';
    },
    ['/state/clock/now'],
  ],
  [
    'users without their tokens',
    (s) => {
      delete s.state.smile.tokens;
    },
    ['/state/smile/tokens'],
  ],
  [
    'users that are not a list',
    (s) => {
      s.state.smile.users = {};
    },
    ['/state/smile/users'],
  ],
  [
    'a user without an id',
    (s) => {
      delete (s.state.smile.users as { id?: string }[])[26]?.id;
    },
    ['/state/smile/users/26/id'],
  ],
  [
    'two users with one id',
    (s) => {
      const users = s.state.smile.users as { id: string }[];
      (users[27] as { id: string }).id = (users[26] as { id: string }).id;
    },
    ['/state/smile/users/27/id'],
  ],
  [
    'token columns of different lengths',
    (s) => {
      (s.state.smile.tokens as { userIds: string[] }).userIds.pop();
    },
    ['/state/smile/tokens/userIds'],
  ],
  [
    'a webhook without a url',
    (s) => {
      delete (s.state.smile.webhooks as { url?: string }[])[0]?.url;
    },
    ['/state/smile/webhooks/0/url'],
  ],
  [
    'a connection id the next connection would take again',
    (s) => {
      (s.state.wukongim.connections as { nextId: number }).nextId = 1;
    },
    ['/state/wukongim/connections/nextId'],
  ],
  [
    'two slots for one uid and device_flag',
    (s) => {
      const slots = (s.state.wukongim.devices as { slots: unknown[] }).slots;
      slots.push({ ...(slots[0] as object) });
    },
    ['/state/wukongim/devices/slots/1'],
  ],
  [
    'several parts broken at once',
    (s) => {
      s.state.random = null as never;
      delete s.state.smile.tokens;
    },
    ['/state/random', '/state/smile/tokens'],
  ],
];

describe('restoring a snapshot', () => {
  it.each(broken)('refuses %s, names the wrong parts, and changes nothing', async (_name, change, paths) => {
    const source = await busyMock();
    const target = createMock(OPTIONS);
    await target.fetch(new Request('http://localhost/v1/users', { method: 'POST', headers: AUTH, body: '{"externalMetadata":{"mine":"1"}}' }));
    const before = JSON.stringify(target.snapshot());
    const copy = JSON.parse(JSON.stringify(source.snapshot())) as Snapshot;
    const snapshot = change(copy) ?? copy;

    let refusal: unknown;
    try {
      target.restore(snapshot as unknown as MockSnapshot);
    } catch (error) {
      refusal = error;
    }
    expect(isMockError(refusal) && refusal.kind).toBe('invalid-snapshot');
    const errors = isMockError(refusal) ? refusal.errors.map((error) => error.path) : [];
    for (const path of paths) expect(errors).toContain(path);
    expect(JSON.stringify(target.snapshot())).toBe(before);
  });

  it('after refusing random: null, a new user still gets an id of its own', async () => {
    const mock = await busyMock();
    const snapshot = JSON.parse(JSON.stringify(mock.snapshot())) as Snapshot;
    snapshot.state.random = null as never;
    expect(() => mock.restore(snapshot as unknown as MockSnapshot)).toThrow(expect.objectContaining({ kind: 'invalid-snapshot' }));
    const before = mock.smile.userCount;
    await mock.fetch(new Request('http://localhost/v1/users', { method: 'POST', headers: AUTH, body: '{}' }));
    expect(mock.smile.userCount).toBe(before + 1);
  });

  it('restores a sound snapshot whole, into a mock of the same seed', async () => {
    const source = await busyMock();
    const target = createMock(OPTIONS);
    target.restore(JSON.parse(JSON.stringify(source.snapshot())));
    expect(JSON.stringify(target.snapshot())).toBe(JSON.stringify(source.snapshot()));
    expect(target.wukongim.connections({ uid: 'ana', state: 'online' })).toHaveLength(1);
  });
});
