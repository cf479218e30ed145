/**
 * The IM port's rows: full handshakes per second (CONNECT to CONNACK, key exchange included) and
 * messages relayed per second (SEND to RECV between two connections), each against a bare `ws`
 * server doing the same handshake and relay (`baseline-im-server.mjs`) in the same round; and the
 * HTTP row `POST /user/token` on a server with 1000 IM sockets online against the same server with none,
 * in turns. `npm run bench:im` runs
 * these alone (3 rounds); `npm run bench` includes them.
 */
import autocannon from 'autocannon';
import { WebSocket } from 'ws';
import { FrameReader, PacketType } from '../src/apis/wukongim/im/frame.js';
import { base64FromBytes, bytesFromBase64, createCipher, md5Hex, type SessionCipher } from '../src/apis/wukongim/im/handshake.js';
import { decodeConnack, encodeConnect, encodeSend } from '../src/apis/wukongim/im/packets.js';
import { call, here, launch, startMock, stopAll } from './processes.js';

/** The IM rows' targets, as shares of the bare ws baseline. */
export const IM_TARGETS = { handshakes: 1, relay: 0.8 };
const WORKERS = 20;
const PAIRS = 10;
const WINDOW = 10;
const SECONDS = Number(process.env.BENCH_DURATION ?? 5);
const SOCKETS_OPEN = 1000;

interface ClientKeys {
  clientKey: string;
  privateKey: CryptoKey;
}

async function clientKeys(): Promise<ClientKeys> {
  const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  return { clientKey: base64FromBytes(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))), privateKey: pair.privateKey };
}

const connectOf = (uid: string, keys: ClientKeys, device = 'bench') =>
  encodeConnect({ version: 2, deviceFlag: 1, deviceId: device, uid, token: 'bench', clientTimestamp: Date.now(), clientKey: keys.clientKey });

/** Opens a socket, sends CONNECT and resolves with the socket, its frame reader and the CONNACK's cipher (from the client's side). */
function handshake(url: string, uid: string, keys: ClientKeys): Promise<{ ws: WebSocket; cipher: Promise<SessionCipher>; frames: FrameReader }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const frames = new FrameReader();
    ws.once('open', () => ws.send(connectOf(uid, keys)));
    ws.once('error', reject);
    ws.once('message', (data: Buffer) => {
      const [connack] = frames.push(new Uint8Array(data));
      if (!connack) return reject(new Error('no CONNACK'));
      const { serverKey, salt, reasonCode } = decodeConnack(connack.flags, connack.body, 2);
      if (reasonCode !== 1) return reject(new Error(`CONNACK ${reasonCode}`));
      const cipher = (async () => {
        const server = await crypto.subtle.importKey('raw', bytesFromBase64(serverKey), { name: 'X25519' }, false, []);
        const secret = await crypto.subtle.deriveBits({ name: 'X25519', public: server }, keys.privateKey, 256);
        return createCipher(md5Hex(base64FromBytes(new Uint8Array(secret))).slice(0, 16), salt);
      })();
      resolve({ ws, cipher, frames });
    });
  });
}

/** Full handshakes per second: WORKERS clients each open, CONNECT, wait for CONNACK and close, over and over. */
async function handshakes(url: string, seconds: number): Promise<number> {
  const keys = await clientKeys();
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async (index: number) => {
    const packet = connectOf(`bench-${index}`, keys);
    while (performance.now() < until) {
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.once('open', () => ws.send(packet));
        ws.once('message', () => {
          done += 1;
          ws.terminate();
          resolve();
        });
        ws.once('error', reject);
      });
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
  return done / seconds;
}

/** Messages relayed per second: PAIRS sender/recipient pairs, each keeping WINDOW messages in flight. */
async function relay(url: string, seconds: number): Promise<number> {
  const keys = await clientKeys();
  let received = 0;
  let running = true;
  const sockets: WebSocket[] = [];
  const pairs = await Promise.all(
    Array.from({ length: PAIRS }, async (_, i) => {
      const sender = await handshake(url, `relay-a${i}`, keys);
      const recipient = await handshake(url, `relay-b${i}`, keys);
      sockets.push(sender.ws, recipient.ws);
      const cipher = await sender.cipher;
      const payload = await cipher.encrypt('{"content":"bench","type":1}');
      const channelId = `relay-b${i}`;
      const msgKey = await cipher.msgKey(`1n${channelId}1${payload}`);
      const packet = encodeSend(
        {
          flags: 2,
          setting: 0,
          clientSeq: 1,
          clientMsgNo: 'n',
          streamNo: '',
          channelId,
          channelType: 1,
          expire: 0,
          msgKey,
          topic: '',
          payload: new TextEncoder().encode(payload),
        },
        2,
      );
      return { sender, recipient, packet };
    }),
  );
  const started = performance.now();
  for (const { sender, recipient, packet } of pairs) {
    recipient.ws.on('message', (data: Buffer) => {
      for (const frame of recipient.frames.push(new Uint8Array(data))) {
        if (frame.type !== PacketType.recv) continue;
        received += 1;
        if (running) sender.ws.send(packet);
      }
    });
    sender.ws.on('message', () => {});
    for (let i = 0; i < WINDOW; i++) sender.ws.send(packet);
  }
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  running = false;
  const rate = received / ((performance.now() - started) / 1000);
  for (const ws of sockets) ws.terminate();
  return rate;
}

/** POST /user/token requests per second over 20 connections. */
async function tokenRate(wukongim: string, seconds: number): Promise<number> {
  const body = JSON.stringify({ uid: 'bench-user', token: 'bench-token', device_flag: 1, device_level: 1 });
  const result = await autocannon({
    url: `${wukongim}/user/token`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 20,
    duration: seconds,
  });
  return result.requests.average;
}

export interface ImRound {
  baseline: { handshakes: number; relay: number };
  mock: { handshakes: number; relay: number };
  tokenIdle: number;
  tokenWithSockets: number;
  /** The same ratio before the sockets were opened. */
  tokenControl: number;
}

/** Runs the IM rows for `rounds` rounds against a fresh mock and baseline; the caller prints them. */
export async function imRounds(rounds: number): Promise<ImRound[]> {
  const [, baselineUrl] = (await launch([here('./baseline-im-server.mjs')], /baseline-im (ws:\/\/\S+)/)).match;
  const mock = await startMock('--users', '0', '--max-ended-im-connections', '1000');
  // The same server with no IM socket: the HTTP row is measured on both in turns. The sockets are held
  // by a process of their own (`im-sockets.mjs`), not by this one, which generates the load.
  const plain = await startMock('--users', '0', '--max-ended-im-connections', '1000');
  const imUrl = ((await call(`${mock.wukongim}/route`, 'GET')) as { ws_addr: string }).ws_addr;
  const register = async (uid: string) => call(`${mock.wukongim}/user/token`, 'POST', { uid, token: 'bench', device_flag: 1, device_level: 0 });
  for (let i = 0; i < WORKERS; i++) await register(`bench-${i}`);
  for (let i = 0; i < PAIRS; i++) await Promise.all([register(`relay-a${i}`), register(`relay-b${i}`)]);
  const out: ImRound[] = [];
  // The machine is shared and its speed drifts: the baseline and the mock take turns in one-second
  // slices, so that drift falls on both alike.
  const alternate = async (measure: (url: string, seconds: number) => Promise<number>) => {
    const sums = { baseline: 0, mock: 0 };
    for (let slice = 0; slice < SECONDS; slice++) {
      sums.baseline += await measure(baselineUrl as string, 1);
      sums.mock += await measure(imUrl, 1);
    }
    return { baseline: sums.baseline / SECONDS, mock: sums.mock / SECONDS };
  };
  await handshakes(baselineUrl as string, 1);
  await handshakes(imUrl, 1);
  for (let round = 1; round <= rounds; round++) {
    const shakes = await alternate(handshakes);
    const relayed = await alternate(relay);
    const baseline = { handshakes: shakes.baseline, relay: relayed.baseline };
    const measured = { handshakes: shakes.mock, relay: relayed.mock };
    // The same pair of servers before any socket is open: what the history of the measured one alone accounts for.
    let controlMock = 0;
    let controlPlain = 0;
    for (let slice = 0; slice < SECONDS; slice++) {
      controlMock += (await tokenRate(mock.wukongim, 1)) / SECONDS;
      controlPlain += (await tokenRate(plain.wukongim, 1)) / SECONDS;
    }
    // One user's slave slot, a device id per socket: every one stays online.
    await call(`${mock.wukongim}/user/token`, 'POST', { uid: 'idle', token: 'bench', device_flag: 1, device_level: 0 });
    const connect = Buffer.from(connectOf('idle', await clientKeys(), 'd0000')).toString('hex');
    const holder = await launch([here('./im-sockets.mjs'), imUrl, String(SOCKETS_OPEN), connect], /held (\d+)/);
    const { wukongim: state } = (await call(`${mock.wukongim}/__mock/state`, 'GET')) as { wukongim: { online: { count: number } } };
    if (state.online.count < SOCKETS_OPEN) throw new Error(`only ${state.online.count} IM sockets online`);
    let tokenWithSockets = 0;
    let tokenIdle = 0;
    for (let slice = 0; slice < SECONDS; slice++) {
      tokenWithSockets += (await tokenRate(mock.wukongim, 1)) / SECONDS;
      tokenIdle += (await tokenRate(plain.wukongim, 1)) / SECONDS;
    }
    holder.child.kill();
    const result = { baseline, mock: measured, tokenIdle, tokenWithSockets, tokenControl: controlMock / controlPlain };
    console.log(
      `IM round ${round}/${rounds}: handshakes ${Math.round(measured.handshakes)}/s vs ${Math.round(baseline.handshakes)}/s, relay ${Math.round(measured.relay)}/s vs ${Math.round(baseline.relay)}/s, POST /user/token ${Math.round(tokenWithSockets)} req/s with ${SOCKETS_OPEN} sockets vs ${Math.round(tokenIdle)} without`,
    );
    out.push(result);
  }
  return out;
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The table lines of the IM rows: each ratio per round, their mean and spread. */
export function imLines(rounds: ImRound[]): string[] {
  const summary = (name: string, ratios: number[], target?: number) => {
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const spread = Math.max(...ratios) - Math.min(...ratios);
    const goal = target === undefined ? '' : ` (target ≥ ${pct(target)}: ${mean >= target ? 'met' : 'MISSED'})`;
    return `${name}: ${pct(mean)} mean, ${ratios.map(pct).join(', ')} per round, spread ${pct(spread)}${goal}`;
  };
  return [
    summary(
      'IM full handshakes/s against a bare ws server',
      rounds.map((r) => r.mock.handshakes / r.baseline.handshakes),
      IM_TARGETS.handshakes,
    ),
    summary(
      'IM messages relayed/s against a bare ws server',
      rounds.map((r) => r.mock.relay / r.baseline.relay),
      IM_TARGETS.relay,
    ),
    summary(
      `POST /user/token with ${SOCKETS_OPEN} IM sockets online against the same server with none`,
      rounds.map((r) => r.tokenWithSockets / r.tokenIdle),
    ),
    summary(
      'the same two servers before any socket was open (control)',
      rounds.map((r) => r.tokenControl),
    ),
  ];
}

if (process.argv[1] === here('./im.ts')) {
  try {
    const rounds = await imRounds(Number(process.env.BENCH_ROUNDS ?? 3));
    console.log(imLines(rounds).join('\n'));
  } finally {
    stopAll();
  }
}
