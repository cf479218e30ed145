/** The connection registry stays bounded: past either bound, the oldest online or ended connection goes. */
import { describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../../src/apis/wukongim/connections.js';
import { DeviceStore } from '../../src/apis/wukongim/devices.js';
import { createBound } from '../../src/core/bounds.js';
import { createClock } from '../../src/core/clock.js';

describe('ConnectionRegistry', () => {
  it('keeps every online connection under the bound and exactly the newest ended ones', () => {
    const devices = new DeviceStore();
    devices.put({ uid: 'ana', deviceFlag: 1, deviceLevel: 0, token: 't', updatedAt: 0, expiresAt: null });
    const bounds = { online: createBound('wukongim-online-connections'), ended: createBound('wukongim-ended-connections', 100) };
    const registry = new ConnectionRegistry(devices, createClock({ start: 0 }), undefined, bounds);
    const keep = registry.connect({ uid: 'ana', token: 't', device_flag: 1, device_id: 'keeper' }).connection_id;
    let last = 0;
    for (let i = 0; i < 3000; i++) {
      last = registry.connect({ uid: 'ana', token: 't', device_flag: 1, device_id: `short-${i}` }).connection_id;
      registry.close(last);
    }
    expect(registry.counts()).toEqual({ online: 1, ended: 100 });
    expect(bounds.ended.evicted).toBe(2900);
    expect(registry.online('ana').map((c) => c.connection_id)).toEqual([keep]);
    expect(registry.list().map((c) => c.connection_id)).toEqual([keep, ...Array.from({ length: 100 }, (_, i) => last - 99 + i)]);
    expect(registry.close(last)?.state).toBe('closed');
    expect(registry.close(2)).toBeUndefined();
  });

  it('kicks the oldest online connection past its bound, in any slot, whatever connected since', () => {
    const devices = new DeviceStore();
    for (const uid of ['ana', 'bob']) devices.put({ uid, deviceFlag: 1, deviceLevel: 0, token: 't', updatedAt: 0, expiresAt: null });
    const bounds = { online: createBound('wukongim-online-connections', 3), ended: createBound('wukongim-ended-connections') };
    const batches: string[][] = [];
    const registry = new ConnectionRegistry(devices, createClock({ start: 0 }), (entries) => batches.push(entries), bounds);
    const ids = ['a1', 'b1', 'a2', 'b2', 'a3'].map(
      (device) => registry.connect({ uid: device.startsWith('a') ? 'ana' : 'bob', token: 't', device_flag: 1, device_id: device }).connection_id,
    );
    registry.close(ids[2] as number);
    registry.connect({ uid: 'bob', token: 't', device_flag: 1, device_id: 'b3' });
    expect(registry.counts().online).toBe(3);
    expect(registry.list({ state: 'online' }).map((c) => c.device_id)).toEqual(['b2', 'a3', 'b3']);
    expect(registry.list({ state: 'kicked' }).map((c) => [c.device_id, c.reason_code])).toEqual([
      ['a1', 12],
      ['b1', 12],
    ]);
    expect(bounds.online.evicted).toBe(2);
    // The oldest goes offline before the newcomer comes online, in the connect's own batch.
    expect(batches[4]).toEqual(['bob-1-0-2-1-1', 'ana-1-1-5-2-2']);
    // A close made room: the next connect kicks nobody.
    expect(batches.at(-1)).toEqual(['bob-1-1-6-2-2']);
  });
});
