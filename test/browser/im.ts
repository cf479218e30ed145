/**
 * The published WuKongIM SDK in Chromium against two mocks in the page (docs and server-v2), through
 * MSW's setupWorker: each SDK copy's own callbacks for a connect, a refusal under each profile, every
 * kick path, and a message. The test reads `window.im`.
 */

import SdkA from 'virtual:wukongimjssdk/a';
import SdkB from 'virtual:wukongimjssdk/b';
import SdkC from 'virtual:wukongimjssdk/c';
import SdkD from 'virtual:wukongimjssdk/d';
import SdkE from 'virtual:wukongimjssdk/e';
import SdkF from 'virtual:wukongimjssdk/f';
import SdkG from 'virtual:wukongimjssdk/g';
import SdkH from 'virtual:wukongimjssdk/h';
import SdkI from 'virtual:wukongimjssdk/i';
import SdkJ from 'virtual:wukongimjssdk/j';
import { setupWorker } from 'msw/browser';
import { createMock, type Mock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';

type Status = [status: number, reasonCode: number];

declare global {
  interface Window {
    im?: Record<string, unknown>;
    imError?: string;
  }
}

/** One SDK copy and what its callbacks said. */
function client(copy: typeof SdkA) {
  const sdk = copy.shared();
  const statuses: Status[] = [];
  const acks: number[] = [];
  const received: string[] = [];
  sdk.connectManager.addConnectStatusListener((status: number, reasonCode?: number) => statuses.push([status, reasonCode ?? -1]));
  sdk.chatManager.addMessageStatusListener((ack: { reasonCode: number }) => acks.push(ack.reasonCode));
  sdk.chatManager.addMessageListener((message: { send: boolean; fromUID: string; content: { text?: string } }) => {
    if (!message.send) received.push(`${message.fromUID}: ${message.content.text}`);
  });
  return {
    statuses,
    acks,
    received,
    connect(addr: string, uid: string, token: string) {
      Object.assign(sdk.config, { addr, uid, token, deviceFlag: 1 });
      sdk.connect();
    },
    send: (to: string, text: string) => sdk.chatManager.send(sdk.newMessageText(text), sdk.newChannel(to, 1)),
    saw: (status: number, reasonCode: number) => statuses.some(([s, r]) => s === status && r === reasonCode),
    stop: () => sdk.disconnect(),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 8_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const DOCS = { api: 'http://docs.mock.test:5001', ws: 'ws://docs.mock.test:5200' };
const V2 = { api: 'http://v2.mock.test:5001', ws: 'ws://v2.mock.test:5200' };

try {
  const docs = createMock({ seed: 3 });
  // A frozen clock: the idle limit runs on it alone, however slow the page is.
  const v2 = createMock({ seed: 3, startTime: '2026-01-01T00:00:00Z', wukongim: { profile: 'server-v2' } });
  const worker = setupWorker(...createHandlers(docs, { wukongimUrl: DOCS.api, imUrl: DOCS.ws }), ...createHandlers(v2, { wukongimUrl: V2.api, imUrl: V2.ws }));
  await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
  const token = (mock: Mock, uid: string, value: string) => mock.wukongim.updateToken({ uid, token: value, device_flag: 1, device_level: 1 });
  type Client = ReturnType<typeof client>;
  const [a, b, c, d, e, f, g, h, i, j] = [SdkA, SdkB, SdkC, SdkD, SdkE, SdkF, SdkG, SdkH, SdkI, SdkJ].map(client) as [
    Client,
    Client,
    Client,
    Client,
    Client,
    Client,
    Client,
    Client,
    Client,
    Client,
  ];
  const out: Record<string, unknown> = {};

  // Connected, and refused under docs.
  token(docs, 'alice', 't1');
  a.connect(DOCS.ws, 'alice', 'WRONG');
  await until(() => a.saw(3, 2), 'ConnectFail 2');
  out.refusedDocs = [...a.statuses];
  b.connect(DOCS.ws, 'alice', 't1');
  await until(() => b.saw(1, 1), 'Connected');
  out.connected = [...b.statuses];

  // Kicks: a master connect elsewhere, a master token update, a device quit, a ban, the control API's kick and close.
  c.connect(DOCS.ws, 'alice', 't1');
  await until(() => b.saw(4, 12) && c.saw(1, 1), 'the master connect kick');
  out.kickMasterConnect = b.statuses.find(([status]) => status === 4);
  token(docs, 'alice', 't2');
  await until(() => c.saw(4, 12), 'the token update kick');
  out.kickTokenUpdate = c.statuses.find(([status]) => status === 4);
  const online = async (sdk: Client, uid: string) => {
    token(docs, uid, 't');
    sdk.connect(DOCS.ws, uid, 't');
    await until(() => sdk.saw(1, 1), `${uid} connected`);
  };
  await online(d, 'quitter');
  await fetch(`${DOCS.api}/user/device_quit`, { method: 'POST', body: JSON.stringify({ uid: 'quitter', device_flag: 1 }) });
  await until(() => d.saw(4, 12), 'the device quit kick');
  await online(e, 'banned');
  await fetch(`${DOCS.api}/__mock/wukongim/users/banned`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"status":"banned"}' });
  await until(() => e.saw(4, 12), 'the ban kick');
  await online(f, 'kicked');
  docs.wukongim.kick('kicked', 1);
  await until(() => f.saw(4, 12), 'the control kick');
  await online(g, 'closed');
  const [connection] = docs.wukongim.connections({ uid: 'closed', state: 'online' });
  await fetch(`${DOCS.api}/__mock/wukongim/connections/${connection?.connection_id}/close`, { method: 'POST' });
  await until(() => g.saw(4, 12), 'the control close kick');
  out.kicks = [d, e, f, g].map((sdk) => sdk.statuses.find(([status]) => status === 4));

  // A message from one SDK to another: two copies never kicked, since a kicked copy reconnects on its own 3 s timer.
  for (const sdk of [d, e, f, g]) sdk.stop();
  await online(i, 'ann');
  await online(j, 'bo');
  i.send('bo', 'hello bo');
  await until(() => i.acks.length === 1 && j.received.length === 1, 'the message');
  out.sendack = i.acks;
  out.received = j.received;

  // Refused under server-v2: no CONNACK, the socket closed by the 4 s idle limit on the mock clock.
  token(v2, 'alice', 't1');
  h.connect(V2.ws, 'alice', 'WRONG');
  await until(() => v2.wukongim.connections({ state: 'closed' }).length === 1, 'the refusal');
  v2.clock.advance(3_999);
  await new Promise((resolve) => setTimeout(resolve, 200));
  out.v2BeforeIdle = [...h.statuses];
  v2.clock.advance(1);
  await until(() => h.saw(0, 0), 'the idle close');
  for (const sdk of [a, b, c, h, i, j]) sdk.stop();
  out.v2AfterIdle = [...h.statuses];
  window.im = out;
} catch (error) {
  window.imError = String(error);
}
