/**
 * A page that talks to the real API hosts, with MSW's service worker answering from token-mock in the
 * page. State survives a reload (localStorage). The app code below is what a front end would write:
 * plain fetch calls to Smile and WuKongIM, and the Wink Widget (here its stand-in).
 */
import { setupWorker } from 'msw/browser';
import { createMock, type SmileToken, type SmileUser } from 'token-mock';
import { createHandlers } from 'token-mock/msw';
import { SmileLinkModal } from 'token-mock/wink';

const SMILE = 'https://sandbox.smileapi.io/v1';
const CONTROL = 'https://sandbox.smileapi.io/__mock';
const WUKONGIM = 'http://localhost:5001';
const AUTH = { authorization: `Basic ${btoa('test_key:test_secret')}` };

const mock = createMock({ seed: 1, startTime: '2026-01-01T09:00:00Z', persist: { storage: localStorage } });
const worker = setupWorker(...createHandlers(mock));
await worker.start({ onUnhandledRequest: 'bypass', quiet: true });

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const log = (line: string) => {
  $('log').textContent += `${line}\n`;
};

let userId = localStorage.getItem('example:user') ?? '';
let token: SmileToken | undefined = JSON.parse(localStorage.getItem('example:token') ?? 'null') ?? undefined;

function showToken() {
  $('user-id').textContent = userId || 'none';
  $('token-id').textContent = token?.id ?? 'none';
  $('token-mode').textContent = token ? `(${token.mode})` : '';
  $('access-token').textContent = token ? `${token.accessToken.slice(0, 32)}…` : 'none';
  $('expires-at').textContent = token?.expiresAt ?? '–';
  for (const id of ['refresh-token', 'open-widget']) ($(id) as HTMLButtonElement).disabled = !token;
  localStorage.setItem('example:user', userId);
  localStorage.setItem('example:token', JSON.stringify(token ?? null));
}

/** The countdown runs on the mock's clock, read through the control API. */
async function tick() {
  const now = Date.parse(((await (await fetch(`${CONTROL}/clock`)).json()) as { now: string }).now);
  $('clock').textContent = new Date(now).toISOString();
  if (!token) return;
  const left = Math.max(0, Date.parse(token.expiresAt) - now);
  const pad = (n: number) => String(n).padStart(2, '0');
  $('countdown').textContent =
    left === 0 ? 'expired' : `${Math.floor(left / 3_600_000)}:${pad(Math.floor(left / 60_000) % 60)}:${pad(Math.floor(left / 1000) % 60)}`;
}

$('create-user').addEventListener('click', async () => {
  const response = await fetch(`${SMILE}/users`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{}' });
  const { data } = (await response.json()) as { data: { user: SmileUser; token: SmileToken } };
  userId = data.user.id;
  token = data.token;
  log(`POST /users → ${response.status}: user ${userId}`);
  showToken();
  await tick();
});

$('refresh-token').addEventListener('click', async () => {
  const response = await fetch(`${SMILE}/tokens?userId=${encodeURIComponent(userId)}`, { method: 'POST', headers: AUTH });
  token = ((await response.json()) as { data: SmileToken }).data;
  log(`POST /tokens → ${response.status}: token ${token.id}`);
  showToken();
  await tick();
});

$('open-widget').addEventListener('click', async () => {
  if (!token) return;
  const modal = new SmileLinkModal({
    userToken: token.accessToken,
    container: $('widget'),
    onTokenExpired: () => log('onTokenExpired(): refresh the token and open the widget again'),
    onClose: ({ reason }) => log(`onClose({reason: "${reason}"})`),
    onAccountConnected: (account) => log(`onAccountConnected(${account.providerId}, ${account.accountId})`),
  });
  await modal.open();
  log(`widget ${modal.state}`);
});

$('advance-clock').addEventListener('click', async () => {
  await fetch(`${CONTROL}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance":"1h"}' });
  log('the mock clock moved 1 hour on');
  await tick();
});

/** A master login: the app server stores the device's token; the IM client then connects with it. */
async function masterLogin(deviceId: string, label: string) {
  const tokenValue = `token-${deviceId}`;
  await fetch(`${WUKONGIM}/user/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid: 'ana', token: tokenValue, device_flag: 0, device_level: 1 }),
  });
  const connected = await fetch(`${WUKONGIM}/__mock/wukongim/connect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid: 'ana', token: tokenValue, device_flag: 0, device_id: deviceId }),
  });
  log(`${label} connected: ${JSON.stringify(await connected.json())}`);
  // Oldest first, a page at a time: the last connection of each phone says how it stands.
  const connections: { device_id: string; state: string; reason_code: number }[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const page = (await (await fetch(`${WUKONGIM}/__mock/wukongim/connections?uid=ana${query}`)).json()) as {
      items: typeof connections;
      nextCursor: string | null;
    };
    connections.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  for (const id of ['phone-a', 'phone-b']) {
    const latest = connections.filter((c) => c.device_id === id).at(-1);
    $(id).textContent = latest ? `${latest.state}${latest.state === 'online' ? '' : ` (reason ${latest.reason_code})`}` : 'offline';
  }
}
$('login-a').addEventListener('click', () => masterLogin('phone-a', 'phone A'));
$('login-b').addEventListener('click', () => masterLogin('phone-b', 'phone B'));

mock.webhooks.on('*', (event) => log(`event ${event.type} (${event.deliveries} deliveries)`));
for (const id of ['create-user', 'advance-clock', 'login-a', 'login-b']) ($(id) as HTMLButtonElement).disabled = false;
showToken();
await tick();
$('status').textContent = `Ready: ${mock.smile.userCount} Smile users, mock clock ${mock.clock.iso()}`;
$('status').dataset.ready = 'true';
