/** The IM codec, byte for byte: frames the published SDK exchanged with a server (v2), and the v3–v5 layouts. */
import { describe, expect, it } from 'vitest';
import { FrameReader, PacketType, ProtocolError } from '../../src/apis/wukongim/im/frame.js';
import { createCipher } from '../../src/apis/wukongim/im/handshake.js';
import {
  decodeConnack,
  decodeConnect,
  decodeDisconnect,
  decodeRecv,
  decodeRecvack,
  decodeSend,
  decodeSendack,
  encodeConnack,
  encodeConnect,
  encodeDisconnect,
  encodeRecv,
  encodeSend,
  encodeSendack,
  Setting,
  StreamFlag,
} from '../../src/apis/wukongim/im/packets.js';
import { recvFor } from '../../src/apis/wukongim/im/relay.js';
import * as wire from '../fixtures/im-frames.js';

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const hexOf = (data: Uint8Array) => Array.from(data, (byte) => byte.toString(16).padStart(2, '0')).join('');
const only = (hex: string) => {
  const frames = new FrameReader().push(bytes(hex));
  expect(frames).toHaveLength(1);
  return frames[0] as NonNullable<(typeof frames)[0]>;
};

describe('IM codec, version 2 (as the SDK speaks it)', () => {
  it('decodes the SDK CONNECT and encodes it back to the same bytes', () => {
    const frame = only(wire.CONNECT_V2);
    expect(frame.type).toBe(PacketType.connect);
    const connect = decodeConnect(frame.body);
    expect(connect).toMatchObject({ version: 2, deviceFlag: 1, uid: 'alice', token: 't1', deviceId: '72123789fa9ac177d14975c530267e32W' });
    expect(connect.clientKey).toHaveLength(44);
    expect(hexOf(encodeConnect(connect))).toBe(wire.CONNECT_V2);
  });

  it.each([
    ['accepted', wire.CONNACK_V2, { timeDiff: 4, reasonCode: 1, salt: '2yv7jnytru5y9C6Z' }],
    ['refused', wire.CONNACK_AUTH_FAIL, { timeDiff: 0, reasonCode: 2, serverKey: '', salt: '' }],
  ])('encodes CONNACK (%s) exactly as the server sent it', (_name, hex, fields) => {
    const frame = only(hex);
    const connack = decodeConnack(frame.flags, frame.body, 2);
    expect(connack).toMatchObject(fields);
    expect(hexOf(encodeConnack(connack, 2))).toBe(hex);
  });

  it.each([
    ['login in other device', wire.DISCONNECT_OTHER_DEVICE],
    ['账号在其他设备上登录', wire.DISCONNECT_TOKEN_UPDATE],
  ])('encodes DISCONNECT 12 "%s"', (reason, hex) => {
    expect(decodeDisconnect(only(hex).body)).toEqual({ reasonCode: 12, reason });
    expect(hexOf(encodeDisconnect({ reasonCode: 12, reason }))).toBe(hex);
  });

  it('decodes the SDK SEND, whose msgKey and payload check out under the sender keys', async () => {
    const frame = only(wire.SEND_V2);
    const send = decodeSend(frame.flags, frame.body, 2);
    expect(send).toMatchObject({ flags: 2, setting: 0, clientSeq: 1, channelId: 'bob', channelType: 1 });
    expect(hexOf(encodeSend(send, 2))).toBe(wire.SEND_V2);
    const cipher = await createCipher(wire.ALICE_KEYS.aesKey, wire.ALICE_KEYS.salt);
    const payload = new TextDecoder().decode(send.payload);
    expect(await cipher.msgKey(`${send.clientSeq}${send.clientMsgNo}${send.channelId}${send.channelType}${payload}`)).toBe(send.msgKey);
    expect(await cipher.decrypt(payload)).toBe('{"content":"hi bob","type":1}');
    expect(await cipher.encrypt('{"content":"hi bob","type":1}')).toBe(payload);
  });

  it('encodes SENDACK and RECV as the server sent them; the RECV msgKey checks out under the recipient keys', async () => {
    expect(decodeSendack(only(wire.SENDACK).body)).toEqual({ messageId: 1000, clientSeq: 1, messageSeq: 1, reasonCode: 1 });
    expect(hexOf(encodeSendack({ messageId: 1000, clientSeq: 1, messageSeq: 1, reasonCode: 1 }))).toBe(wire.SENDACK);
    const frame = only(wire.RECV_V2);
    const recv = decodeRecv(frame.flags, frame.body, 2);
    expect(recv).toMatchObject({ fromUid: 'alice', channelId: 'alice', channelType: 1, messageId: 1000, messageSeq: 1 });
    expect(hexOf(encodeRecv(recv, 2))).toBe(wire.RECV_V2);
    const cipher = await createCipher(wire.BOB_KEYS.aesKey, wire.BOB_KEYS.salt);
    const payload = new TextDecoder().decode(recv.payload);
    const verify = `${recv.messageId}${recv.messageSeq}${recv.clientMsgNo}${recv.timestamp}${recv.fromUid}${recv.channelId}${recv.channelType}${payload}`;
    expect(await cipher.msgKey(verify)).toBe(recv.msgKey);
    expect(await cipher.decrypt(payload)).toBe('{"content":"hi bob","type":1}');
  });

  it('decodes RECVACK', () => {
    const frame = only(wire.RECVACK);
    expect(frame.flags).toBe(2);
    expect(decodeRecvack(frame.body)).toEqual({ messageId: 1000, messageSeq: 1 });
  });
});

describe('IM codec, versions 3 to 5', () => {
  const connack = { timeDiff: 7, reasonCode: 1, serverKey: 'K', salt: 'S', nodeId: 3 };

  it.each([
    [2, wire.CONNACK_V3],
    [3, wire.CONNACK_V3],
    [4, wire.CONNACK_V4],
  ])('encodes CONNACK for a version %i client', (version, hex) => {
    expect(hexOf(encodeConnack(connack, version))).toBe(hex);
    const frame = only(hex);
    expect(decodeConnack(frame.flags, frame.body, version)).toMatchObject({ ...connack, nodeId: version >= 4 ? 3 : 0 });
  });

  it('encodes CONNACK for version 5 with server version 5 and a node id', () => {
    const frame = only(hexOf(encodeConnack(connack, 5)));
    expect(frame.flags & 1).toBe(1);
    expect(decodeConnack(frame.flags, frame.body, 5)).toEqual({ ...connack, serverVersion: 5 });
  });

  it.each([
    [3, wire.SEND_V3, { setting: 0, expire: 60, streamNo: '', topic: '' }],
    [4, wire.SEND_V4_STREAM_TOPIC, { setting: 12, expire: 60, streamNo: 's', topic: 't' }],
    [5, wire.SEND_V5_STREAM_TOPIC, { setting: 12, expire: 60, streamNo: '', topic: 't' }],
  ])('decodes and encodes a version %i SEND', (version, hex, fields) => {
    const frame = only(hex);
    const send = decodeSend(frame.flags, frame.body, version);
    expect(send).toMatchObject({ ...fields, clientSeq: 2, clientMsgNo: 'n', channelId: 'b', channelType: 1, msgKey: 'k' });
    expect(new TextDecoder().decode(send.payload)).toBe('P');
    expect(hexOf(encodeSend(send, version))).toBe(hex);
  });

  it('encodes a version 5 RECV with its expire', () => {
    const recv = {
      flags: 2,
      setting: 0,
      msgKey: 'k',
      fromUid: 'a',
      channelId: 'a',
      channelType: 1,
      expire: 0,
      clientMsgNo: 'n',
      streamNo: '',
      streamSeq: 0,
      streamFlag: 0,
      messageId: 9,
      messageSeq: 4,
      timestamp: 1767225600,
      topic: '',
      payload: new TextEncoder().encode('P'),
    };
    expect(hexOf(encodeRecv(recv, 5))).toBe(wire.RECV_V5);
    const frame = only(wire.RECV_V5);
    expect(decodeRecv(frame.flags, frame.body, 5)).toEqual(recv);
  });
});

describe('IM stream messages', () => {
  it("relays a SEND with a stream number as a RECV the published SDK's decoder reads: the number, StreamFlag ing, seq 0", async () => {
    const cipher = await createCipher(wire.BOB_KEYS.aesKey, wire.BOB_KEYS.salt);
    const send = { ...decodeSend(2, only(wire.SEND_V2).body, 2), setting: Setting.stream, streamNo: 'stream-7', clientMsgNo: 'chunk-1' };
    const relayed = { send, fromUid: 'alice', content: '{"content":"hi","type":1}', messageId: 1001, messageSeq: 2, timestamp: 1767225600 };
    const bytesOut = await recvFor(relayed, cipher, 2);
    const ours = decodeRecv(only(hexOf(bytesOut)).flags, only(hexOf(bytesOut)).body, 2);
    expect(ours).toMatchObject({
      setting: Setting.stream,
      streamNo: 'stream-7',
      streamSeq: 0,
      streamFlag: StreamFlag.ing,
      clientMsgNo: 'chunk-1',
      messageId: 1001,
    });
    // The SDK's own decoder, as its chat manager reads the socket.
    const sdk = (await import('wukongimjssdk/lib/proto.js')) as unknown as { default: new () => { decode(data: Uint8Array): Record<string, unknown> } };
    const packet = new sdk.default().decode(bytesOut);
    expect(packet).toMatchObject({ streamNo: 'stream-7', streamSeq: 0, streamFlag: 1, clientMsgNo: 'chunk-1', fromUID: 'alice', messageSeq: 2 });
    expect(String(packet.messageID)).toBe('1001');
    // As the chat manager checks it before it hands the message on: the msgKey (the stream fields are not in it).
    const verify = `${packet.messageID}${packet.messageSeq}${packet.clientMsgNo}${packet.timestamp}${packet.fromUID}${packet.channelID}${packet.channelType}`;
    const payload = new TextDecoder().decode(packet.payload as Uint8Array);
    expect(await cipher.msgKey(verify + payload)).toBe(packet.msgKey);
    expect((packet.setting as { streamOn: boolean }).streamOn).toBe(true);
    // A message that is not a stream's carries no stream fields, and the SDK reads it as before.
    const plain = await recvFor({ ...relayed, send: { ...send, setting: 0, streamNo: '' } }, cipher, 2);
    expect(only(hexOf(plain)).body.length).toBe(only(hexOf(bytesOut)).body.length - (2 + 'stream-7'.length + 4 + 1));
    const plainPacket = new sdk.default().decode(plain);
    expect((plainPacket.setting as { streamOn: boolean }).streamOn).toBe(false);
    expect(plainPacket).toMatchObject({ clientMsgNo: 'chunk-1', fromUID: 'alice', messageSeq: 2 });
  });
});

describe('IM framing', () => {
  it('reads a packet split across messages, and several packets in one', () => {
    const reader = new FrameReader();
    const connect = bytes(wire.CONNECT_V2);
    expect(reader.push(connect.subarray(0, 1))).toEqual([]);
    expect(reader.push(connect.subarray(1, 50))).toEqual([]);
    expect(reader.push(connect.subarray(50)).map((frame) => frame.type)).toEqual([PacketType.connect]);
    const several = bytes(`70${wire.SEND_V2}70${wire.RECVACK}`);
    expect(reader.push(several).map((frame) => frame.type)).toEqual([PacketType.ping, PacketType.send, PacketType.ping, PacketType.recvack]);
    expect(reader.pending).toBe(0);
  });

  it.each([
    ['a remaining length over the cap', '30 80 80 80 01', /over the limit/],
    ['a remaining length of five bytes', '30 ff ff ff ff 01', /more than 4 bytes/],
    ['packet type 0', '00 00', /type 0/],
  ])('refuses %s', (_name, hex, message) => {
    expect(() => new FrameReader().push(bytes(hex.replaceAll(' ', '')))).toThrow(ProtocolError);
    expect(() => new FrameReader().push(bytes(hex.replaceAll(' ', '')))).toThrow(message);
  });

  it('names the field a short packet ends before', () => {
    expect(() => decodeConnect(bytes('0201'))).toThrow('packet ends before its deviceID');
  });
});
