/**
 * Determinism: the same seed and start time give byte-identical answers, across both APIs, the IM
 * client, the clock and webhook events, errors included; a reset replays them; another seed changes
 * everything that is drawn from the seed.
 */
import { createMock, type Mock } from 'token-mock';
import { describe, expect, it } from 'vitest';

const START = '2026-01-01T00:00:00Z';
const SANDBOX = { authorization: `Basic ${btoa('test_key:test_secret')}` };

/** Sends one request in process and returns `status body`. */
async function send(mock: Mock, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<string> {
  const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await mock.fetch(new Request(`http://localhost${path}`, init));
  return `${response.status} ${await response.text()}`;
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf(' ') + 1));

/** A script across WuKongIM, the IM client, the clock, Smile and webhook events, each answer under a name. */
async function script(mock: Mock): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const im = async (name: string, path: string, body: unknown) => {
    out[name] = await send(mock, 'POST', path, body);
  };
  await im('im token', '/user/token', { uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
  await im('im connect', '/__mock/wukongim/connect', { uid: 'alice', token: 't1', device_flag: 1, device_id: 'a' });
  await im('clock', '/__mock/clock', { advance: '90s' });
  await im('im token again', '/user/token', { uid: 'alice', token: 't2', device_flag: 1, device_level: 1 });
  await im('im stale connect', '/__mock/wukongim/connect', { uid: 'alice', token: 't1', device_flag: 1, device_id: 'b' });
  await im('im bad uid', '/user/token', { uid: 'bad@uid', token: 't', device_flag: 1 });
  await im('im bad device quit', '/user/device_quit', { uid: 'alice', device_flag: -1 });
  await im('im online status', '/user/onlinestatus', ['alice']);
  out['im connections'] = await send(mock, 'GET', '/__mock/wukongim/connections');
  out['im devices'] = JSON.stringify(mock.wukongim.devices());

  out['smile users page'] = await send(mock, 'GET', '/v1/users?size=5', undefined, SANDBOX);
  const firstUser = bodyOf(out['smile users page']).data.items[0].id as string;
  out['smile token'] = await send(mock, 'POST', `/v1/tokens?userId=${firstUser}`, undefined, SANDBOX);
  out['smile new user'] = await send(mock, 'POST', '/v1/users', {}, SANDBOX);
  out['smile refused'] = await send(mock, 'GET', '/v1/users?size=0', undefined, SANDBOX);
  for (const type of ['USER_CREATED', 'TRANSACTIONS_ADDED', 'VERIFICATION_COMPLETED'])
    out[`smile event ${type}`] = await send(mock, 'POST', '/__mock/webhooks/emit', { api: 'smile', type });
  out['im event'] = await send(mock, 'POST', '/__mock/webhooks/emit', { api: 'wukongim', type: 'user.onlinestatus' });
  return out;
}

describe('determinism', () => {
  it('gives byte-identical answers for the same seed and start time, again after a reset, and others for another seed', async () => {
    const first = createMock({ seed: 42, startTime: START, strict: true });
    const answers = await script(first);
    expect(await script(createMock({ seed: 42, startTime: START, strict: true }))).toEqual(answers);
    expect(answers['im stale connect']).toBe('200 {"reason_code":2,"connection_id":2}');
    expect(answers['smile refused']).toMatch(/^400 .*"INVALID_PARAMETERS"/);
    for (const [name, answer] of Object.entries(answers)) expect(answer, name).not.toMatch(/^5/);

    expect(await send(first, 'POST', '/__mock/reset', {})).toMatch(/^200 /);
    expect(await script(first)).toEqual(answers);

    const other = await script(createMock({ seed: 43, startTime: START, strict: true }));
    // Seeded users, request ids, tokens and event data all change with the seed.
    const seeded = Object.keys(answers).filter((name) => name.startsWith('smile '));
    expect(seeded).toHaveLength(7);
    for (const name of seeded) expect(other[name], name).not.toBe(answers[name]);
  });
});
