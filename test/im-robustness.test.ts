/**
 * Bad input on the IM port: garbage, packets out of order or over the cap, split or packed packets,
 * unknown types, silent clients and floods of sockets. None crashes the server or breaks another
 * socket, and each is recorded in the journal.
 */
import { createMock, type Mock, type MockOptions } from 'token-mock';
import { type RunningImServer, type RunningServer, serve, serveIm } from 'token-mock/node';
import { afterEach, describe, expect, it } from 'vitest';
import { type Frame, PacketType } from '../src/apis/wukongim/im/frame.js';
import { decodeConnack, decodeSendack, encodeSend } from '../src/apis/wukongim/im/packets.js';
import { RawImClient } from './support/im-client.js';

let mock: Mock;
let http: RunningServer;
let im: RunningImServer;
const opened: RawImClient[] = [];

afterEach(async () => {
  for (const client of opened.splice(0)) client.close();
  await im?.close();
  await http?.close();
});

async function start(options: MockOptions = {}): Promise<void> {
  mock = createMock(options);
  http = await serve(mock, { api: 'wukongim' });
  im = await serveIm(mock);
  mock.wukongim.updateToken({ uid: 'alice', token: 't1', device_flag: 1, device_level: 1 });
}

async function open(): Promise<RawImClient> {
  const client = await RawImClient.open(im.url);
  opened.push(client);
  return client;
}

/** An online client: the control for "other sockets are not broken". */
async function bystander(): Promise<RawImClient> {
  mock.wukongim.updateToken({ uid: 'bystander', token: 'b', device_flag: 1, device_level: 0 });
  const client = await open();
  client.send(await RawImClient.connectPacket('bystander', 'b'));
  await client.until(() => client.frames.length === 1, 'CONNACK');
  return client;
}

const recorded = (operationId: string) => mock.journal.entries().filter((entry) => entry.operationId === operationId);

async function stillWell(other: RawImClient): Promise<void> {
  const before = other.frames.length;
  other.send('70');
  await other.until(() => other.frames.length === before + 1, 'PONG');
  expect(other.frames.at(-1)?.type).toBe(PacketType.pong);
  expect(other.closed).toBe(false);
  expect((await fetch(`${http.url}/health`)).status).toBe(200);
}

describe('bad input on the IM port', () => {
  it.each([
    ['garbage bytes', '00 ff 13 37'],
    ['a packet before CONNECT', '30 00'],
    ['a remaining length over 1 MiB', '10 80 80 c1 00'],
    ['a remaining length of five bytes', '10 ff ff ff ff 7f'],
    ['a PING before CONNECT', '70'],
  ])('closes the socket on %s, records it, and leaves other sockets alone', async (_name, hex) => {
    await start();
    const other = await bystander();
    const client = await open();
    client.send(hex);
    await client.until(() => client.closed, 'the close');
    const [entry] = recorded('im.protocol-error');
    expect(entry?.response.body).toMatch(/"event":"protocol-error"/);
    expect(entry?.response.body).not.toMatch(/at .*\.ts/);
    await stillWell(other);
  });

  it('reads a CONNECT split across messages, and a PING and a second CONNECT packed in one; the second CONNECT is ignored and recorded', async () => {
    await start();
    const client = await open();
    const connect = await RawImClient.connectPacket('alice', 't1');
    client.send(connect.subarray(0, 2));
    client.send(connect.subarray(2, 40));
    client.send(connect.subarray(40));
    await client.until(() => client.frames.length === 1, 'CONNACK');
    const [connack] = client.frames;
    expect(decodeConnack(connack?.flags ?? 0, connack?.body ?? new Uint8Array(), 2).reasonCode).toBe(1);
    const packed = new Uint8Array([0x70, ...(await RawImClient.connectPacket('alice', 't1')), 0x70]);
    client.send(packed);
    await client.until(() => client.frames.length === 3, 'two PONGs');
    expect(client.frames.slice(1).map((frame) => frame.type)).toEqual([PacketType.pong, PacketType.pong]);
    expect(recorded('im.ignored')[0]?.response.body).toContain('second CONNECT');
    expect(client.closed).toBe(false);
  });

  it('ignores and records an unknown packet type after CONNECT', async () => {
    await start();
    const client = await open();
    client.send(await RawImClient.connectPacket('alice', 't1'));
    await client.until(() => client.frames.length === 1, 'CONNACK');
    client.send('d0 00');
    client.send('70');
    await client.until(() => client.frames.length === 2, 'PONG');
    expect(recorded('im.ignored')[0]?.response.body).toContain('packet type 13');
  });

  it('closes a client that never sends CONNECT after the 4 s idle limit on the mock clock', async () => {
    await start({ startTime: '2026-01-01T00:00:00Z' });
    const client = await open();
    await new Promise((resolve) => setTimeout(resolve, 100));
    mock.clock.advance(3_999);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.closed).toBe(false);
    mock.clock.advance(1);
    await client.until(() => client.closed, 'the idle close');
    expect(recorded('im.idle-timeout')).toHaveLength(1);
  });

  it('survives a thousand sockets opened at once, closing those past the bound and recording them', async () => {
    await start({ wukongim: { maxImSockets: 500 } });
    const other = await bystander();
    const clients = await Promise.all(Array.from({ length: 1000 }, () => open()));
    await Promise.all(clients.slice(-400).map((client) => client.until(() => client.closed, 'the close', 10_000)));
    expect(recorded('im.protocol-error').length).toBeGreaterThanOrEqual(400);
    expect(mock.wukongim.im.counts().sockets).toBeLessThanOrEqual(500);
    await stillWell(other);
  });

  it('answers a SEND with a wrong msgKey with SENDACK 8, and one to a group channel with 3 (SubscriberNotExist), as the v2 server does', async () => {
    await start();
    const client = await open();
    const { packet, cipherFor } = await RawImClient.handshake('alice', 't1');
    client.send(packet);
    await client.until(() => client.frames.length === 1, 'CONNACK');
    // setting 0, clientSeq 1, clientMsgNo "n", channel "bob" type 1, msgKey "bad", payload "x"
    client.send('30 14 00 00000001 0001 6e 0003 626f62 01 0003 626164 78');
    await client.until(() => client.frames.length === 2, 'SENDACK');
    expect(decodeSendack(client.frames[1]?.body ?? new Uint8Array())).toEqual({ messageId: 0, clientSeq: 1, messageSeq: 0, reasonCode: 8 });
    const cipher = await cipherFor(client.frames[0] as Frame);
    const payload = await cipher.encrypt('{"content":"hi group","type":1}');
    const msgKey = await cipher.msgKey(`2ng12${payload}`);
    const send = { flags: 0, setting: 0, clientSeq: 2, clientMsgNo: 'n', streamNo: '', channelId: 'g1', channelType: 2, expire: 0, msgKey, topic: '' };
    client.send(encodeSend({ ...send, payload: new TextEncoder().encode(payload) }, 2));
    await client.until(() => client.frames.length === 3, 'SENDACK');
    expect(decodeSendack(client.frames[2]?.body ?? new Uint8Array()).reasonCode).toBe(3);
    expect(mock.wukongim.im.messagePage({}, undefined, 10).items).toEqual([]);
  });
});

describe('IM determinism', () => {
  it('draws the server key, the salt and the message ids from the seed', async () => {
    const run = async (seed: number) => {
      await start({ seed, startTime: '2026-01-01T00:00:00Z' });
      const client = await open();
      client.send(await RawImClient.connectPacket('alice', 't1'));
      await client.until(() => client.frames.length === 1, 'CONNACK');
      const frame = client.frames[0] as Frame;
      const { serverKey, salt } = decodeConnack(frame.flags, frame.body, 2);
      client.close();
      await im.close();
      await http.close();
      return { serverKey, salt };
    };
    const first = await run(7);
    expect(first.salt).toMatch(/^[0-9a-zA-Z]{16}$/);
    expect(await run(7)).toEqual(first);
    expect((await run(8)).serverKey).not.toBe(first.serverKey);
  });
});
