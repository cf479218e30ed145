/**
 * The suite the GitHub Actions recipe runs (`npm test`), against the server the job started:
 * `WUKONGIM_URL` and `SMILE_URL` say where. Your own suite takes its place.
 */
import { describe, expect, it } from 'vitest';

const { WUKONGIM_URL, SMILE_URL } = process.env;
const auth = { authorization: `Basic ${btoa('test_key:test_secret')}` };

describe('the app’s token calls, against token-mock', () => {
  it('stores an IM token for a master device', async () => {
    const response = await fetch(`${WUKONGIM_URL}/user/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: 'ana', token: 't1', device_flag: 1, device_level: 1 }),
    });
    expect(response.status).toBe(200);
  });

  it('creates a Smile user with a SANDBOX link token', async () => {
    const response = await fetch(`${SMILE_URL}/users`, { method: 'POST', headers: auth });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { data: { token: { mode: string } } }).data.token.mode).toBe('SANDBOX');
  });
});
