/** The connection registry stays bounded: online connections are all kept, ended ones only the newest. */
import { describe, expect, it } from 'vitest';
import { ConnectionRegistry, MAX_ENDED } from '../../src/apis/wukongim/connections.js';
import { DeviceStore } from '../../src/apis/wukongim/devices.js';
import { createClock } from '../../src/core/clock.js';

describe('ConnectionRegistry', () => {
  it('keeps every online connection and at most twice MAX_ENDED ended ones, the newest', () => {
    const devices = new DeviceStore();
    devices.put({ uid: 'ana', deviceFlag: 1, deviceLevel: 0, token: 't', updatedAt: 0, expiresAt: null });
    const registry = new ConnectionRegistry(devices, createClock({ start: 0 }));
    const keep = registry.connect({ uid: 'ana', token: 't', device_flag: 1, device_id: 'keeper' }).connection_id;
    let last = 0;
    for (let i = 0; i < MAX_ENDED * 3; i++) {
      last = registry.connect({ uid: 'ana', token: 't', device_flag: 1, device_id: `short-${i}` }).connection_id;
      registry.close(last);
    }
    const { online, held } = registry.counts();
    expect(online).toBe(1);
    expect(held).toBeLessThanOrEqual(MAX_ENDED * 2 + 1);
    expect(registry.online('ana').map((c) => c.connection_id)).toEqual([keep]);
    expect(registry.close(last)?.state).toBe('closed');
    expect(registry.close(2)).toBeUndefined();
  });
});
