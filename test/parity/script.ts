/**
 * One script of requests, run through every way of running the mock: the standalone server, the
 * express middleware, MSW in Node and MSW in Chromium. Same seed, same frozen clock: every answer
 * must be byte for byte the same. It is plain TypeScript with no Node imports, so the browser page
 * runs the very same module.
 */

export const PARITY_OPTIONS = { seed: 7, startTime: '2026-01-01T00:00:00Z', strict: true } as const;
export const WUKONGIM = 'http://localhost:5001';
export const SMILE = 'https://sandbox.smileapi.io/v1';
/** The control API as reached through Smile's origin. */
export const CONTROL = 'https://sandbox.smileapi.io/__mock';

const AUTH = { authorization: `Basic ${btoa('test_key:test_secret')}` };
const JSON_BODY = { 'content-type': 'application/json' };

/** What a step answered: the parts compared across paths. */
export interface Answered {
  name: string;
  status: number;
  contentType: string | null;
  violations: string | null;
  body: string;
}

type Earlier = Record<string, unknown>;

interface Step {
  name: string;
  method: string;
  /** Absolute, on the hosts the app would call; a function of earlier answers where it needs an id. */
  url: string | ((earlier: Earlier) => string);
  headers?: Record<string, string>;
  body?: string;
}

const json = (body: unknown) => JSON.stringify(body);
const dataOf = (earlier: Earlier, name: string) => (earlier[name] as { data: Record<string, unknown> }).data;

export const STEPS: Step[] = [
  { name: 'health', method: 'GET', url: `${WUKONGIM}/health` },
  {
    name: 'master token',
    method: 'POST',
    url: `${WUKONGIM}/user/token`,
    headers: JSON_BODY,
    body: json({ uid: 'ana', token: 't1', device_flag: 1, device_level: 1 }),
  },
  { name: 'wrong type', method: 'POST', url: `${WUKONGIM}/user/token`, headers: JSON_BODY, body: json({ uid: 'ana', token: 't1', device_flag: 'web' }) },
  { name: 'malformed JSON', method: 'POST', url: `${WUKONGIM}/user/token`, headers: JSON_BODY, body: '{"uid":' },
  {
    name: 'connect',
    method: 'POST',
    url: `${WUKONGIM}/__mock/wukongim/connect`,
    headers: JSON_BODY,
    body: json({ uid: 'ana', token: 't1', device_flag: 1, device_id: 'phone' }),
  },
  {
    name: 'second master',
    method: 'POST',
    url: `${WUKONGIM}/user/token`,
    headers: JSON_BODY,
    body: json({ uid: 'ana', token: 't2', device_flag: 1, device_level: 1 }),
  },
  { name: 'kicked', method: 'GET', url: `${WUKONGIM}/__mock/wukongim/connections?uid=ana` },
  { name: 'online', method: 'POST', url: `${WUKONGIM}/user/onlinestatus`, headers: JSON_BODY, body: json(['ana', 'bo']) },
  { name: 'quit all', method: 'POST', url: `${WUKONGIM}/user/device_quit`, headers: JSON_BODY, body: json({ uid: 'ana', device_flag: -1 }) },
  // No unknown path: express and MSW hand paths the mock does not serve on, by design.
  { name: 'wrong method', method: 'GET', url: `${WUKONGIM}/user/token` },
  { name: 'users', method: 'GET', url: `${SMILE}/users?size=2`, headers: AUTH },
  { name: 'created', method: 'POST', url: `${SMILE}/users`, headers: { ...AUTH, ...JSON_BODY }, body: json({ externalMetadata: { crmId: '42' } }) },
  { name: 'read', method: 'GET', url: (earlier) => `${SMILE}/users/${(dataOf(earlier, 'created').user as { id: string }).id}`, headers: AUTH },
  { name: 'five hours on', method: 'POST', url: `${CONTROL}/clock`, headers: JSON_BODY, body: json({ advance: '5h' }) },
  {
    name: 'expired use',
    method: 'POST',
    url: `${CONTROL}/smile/tokens/consume`,
    headers: JSON_BODY,
    body: '', // filled in from `created` by runScript
  },
  { name: 'refresh', method: 'POST', url: (earlier) => `${SMILE}/tokens?userId=${(dataOf(earlier, 'created').user as { id: string }).id}`, headers: AUTH },
  { name: 'no credentials', method: 'POST', url: `${SMILE}/users` },
  { name: 'unknown user', method: 'GET', url: `${SMILE}/users/tenant-0000`, headers: AUTH },
  { name: 'size out of range', method: 'GET', url: `${SMILE}/users?size=0`, headers: AUTH },
  { name: 'unsupported method', method: 'DELETE', url: `${SMILE}/users`, headers: AUTH },
  {
    name: 'webhook',
    method: 'POST',
    url: `${SMILE}/webhooks`,
    headers: { ...AUTH, ...JSON_BODY },
    body: json({ name: 'w', url: 'https://example.com/h', eventTypes: ['ALL_EVENTS'], active: false, secret: 's' }),
  },
  { name: 'clock', method: 'GET', url: `${CONTROL}/clock` },
];

/** Sends one request: each path maps the URL to where its mock listens. */
export type Send = (request: { method: string; url: string; headers: Record<string, string>; body?: string }) => Promise<Response>;

/** Runs every step in order and returns what each answered. */
export async function runScript(send: Send): Promise<Answered[]> {
  const earlier: Earlier = {};
  const out: Answered[] = [];
  for (const step of STEPS) {
    const url = typeof step.url === 'string' ? step.url : step.url(earlier);
    const body = step.name === 'expired use' ? json({ accessToken: (dataOf(earlier, 'created').token as { accessToken: string }).accessToken }) : step.body;
    const response = await send({ method: step.method, url, headers: step.headers ?? {}, body });
    const text = await response.text();
    try {
      earlier[step.name] = JSON.parse(text);
    } catch {
      earlier[step.name] = text;
    }
    out.push({
      name: step.name,
      status: response.status,
      contentType: response.headers.get('content-type'),
      violations: response.headers.get('x-token-mock-violations'),
      body: text,
    });
  }
  return out;
}
