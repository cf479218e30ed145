import { describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

/** A script of requests across the API, the IM client and the clock, errors included. */
async function script(server: TestServer): Promise<string[]> {
  const steps: [string, unknown][] = [
    ['/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 }],
    ['/__mock/wukongim/connect', { uid: 'alice', token: 't1', device_flag: 1, device_id: 'a' }],
    ['/__mock/clock', { advance: '90s' }],
    ['/user/token', { uid: 'alice', token: 't2', device_flag: 1, device_level: 1 }],
    ['/__mock/wukongim/connect', { uid: 'alice', token: 't1', device_flag: 1, device_id: 'b' }],
    ['/user/token', { uid: 'bad@uid', token: 't', device_flag: 1 }],
    ['/user/device_quit', { uid: 'alice', device_flag: -1 }],
    ['/user/onlinestatus', ['alice']],
  ];
  const out: string[] = [];
  for (const [path, body] of steps) {
    const answer = await server.post(path, body);
    out.push(`${answer.status} ${answer.text}`);
  }
  out.push((await server.get('/__mock/wukongim/connections')).text);
  out.push(JSON.stringify(server.mock.wukongim.devices()));
  return out;
}

describe('determinism', () => {
  it('gives byte-identical answers from two servers with the same seed and start time', async () => {
    const [first, second] = [await startServer({ seed: 42 }), await startServer({ seed: 42 })];
    try {
      const a = await script(first);
      expect(a).toEqual(await script(second));
      expect(a[4]).toBe('200 {"reason_code":2,"connection_id":2}');
      await first.post('/__mock/reset', {});
      expect(await script(first)).toEqual(a);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
