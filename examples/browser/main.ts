/**
 * A page that talks to the real API hosts, with MSW's service worker answering from token-mock in the
 * page. State survives a reload (localStorage). The app code below is what a front end would write:
 * plain fetch calls to Smile and WuKongIM, the published WuKongIM SDK, and the Wink Widget (here its stand-in).
 */

import Ben from 'virtual:wukongimjssdk/ben';
import PhoneA from 'virtual:wukongimjssdk/phone-a';
import PhoneB from 'virtual:wukongimjssdk/phone-b';
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

/**
 * Three IM clients, each a copy of the published SDK talking to the mock in this page through MSW's
 * WebSocket interception: ana on two phones, and ben. The app server stores a token with
 * POST /user/token; the SDK then connects with it to the address GET /route gives.
 */
interface ImClient {
  sdk: typeof PhoneA;
  uid: string;
  label: string;
  status: string;
}
const clients: Record<string, ImClient> = {
  'phone-a': { sdk: PhoneA, uid: 'ana', label: 'phone A', status: 'offline' },
  'phone-b': { sdk: PhoneB, uid: 'ana', label: 'phone B', status: 'offline' },
  ben: { sdk: Ben, uid: 'ben', label: 'ben', status: 'offline' },
};
for (const [id, client] of Object.entries(clients)) {
  const sdk = client.sdk.shared();
  sdk.connectManager.addConnectStatusListener((status: number, reasonCode?: number) => {
    // 0 Disconnect, 1 Connected, 3 ConnectFail, 4 ConnectKick; the socket closing after a kick keeps the kick shown.
    if (status === 1) client.status = 'online';
    else if (status === 3) client.status = `refused (reason ${reasonCode})`;
    else if (status === 4) client.status = `kicked (reason ${reasonCode})`;
    else if (status === 0 && client.status === 'online') client.status = 'offline';
    else return;
    $(id).textContent = client.status;
    log(`${client.label}: ${client.status}`);
  });
  sdk.chatManager.addMessageStatusListener((ack: { reasonCode: number; messageSeq: number }) =>
    log(`${client.label}: SENDACK reason ${ack.reasonCode}, messageSeq ${ack.messageSeq}`),
  );
  sdk.chatManager.addMessageListener((message: { send: boolean; fromUID: string; content: { text?: string } }) => {
    if (message.send) return;
    if (id === 'ben') $('ben-inbox').textContent = `${message.fromUID}: ${message.content.text}`;
    log(`${client.label} received from ${message.fromUID}: ${message.content.text}`);
  });
}

async function login(id: string, deviceFlag: number) {
  const client = clients[id] as ImClient;
  const token = `token-${id}`;
  await fetch(`${WUKONGIM}/user/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid: client.uid, token, device_flag: deviceFlag, device_level: 1 }),
  });
  const sdk = client.sdk.shared();
  Object.assign(sdk.config, { uid: client.uid, token, deviceFlag });
  sdk.config.provider.connectAddrCallback = async (connect: (addr: string) => void) => {
    connect(((await (await fetch(`${WUKONGIM}/route?uid=${client.uid}`)).json()) as { ws_addr: string }).ws_addr);
  };
  sdk.connect();
}
$('login-a').addEventListener('click', () => login('phone-a', 0));
$('login-b').addEventListener('click', () => login('phone-b', 0));
$('send-b').addEventListener('click', async () => {
  if (clients.ben?.status !== 'online') {
    await login('ben', 1);
    // The message goes once ben is online, so that he receives it live.
    for (let wait = 0; wait < 100 && clients.ben?.status !== 'online'; wait++) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const sdk = PhoneB.shared();
  await sdk.chatManager.send(sdk.newMessageText('hello ben'), sdk.newChannel('ben', 1));
});

mock.webhooks.on('*', (event) => log(`event ${event.type} (${event.deliveries} deliveries)`));
for (const id of ['create-user', 'advance-clock', 'login-a', 'login-b', 'send-b']) ($(id) as HTMLButtonElement).disabled = false;
showToken();
await tick();
$('status').textContent = `Ready: ${mock.smile.userCount} Smile users, mock clock ${mock.clock.iso()}`;
$('status').dataset.ready = 'true';
