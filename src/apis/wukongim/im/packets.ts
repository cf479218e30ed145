/**
 * The packets of the WuKongIM binary protocol, versions 2 to 5 (WuKongIMGoProto): big-endian integers,
 * strings as a uint16 byte length and UTF-8. The fields that depend on the version are CONNACK's
 * server version (client version > 3) and node id (≥ 4), and the `expire` of SEND and RECV (≥ 3).
 */
import { PacketReader, PacketWriter } from './fields.js';
import { encodeFrame, FrameFlag, PacketType } from './frame.js';

/** The oldest and newest protocol versions the mock speaks. */
export const MIN_VERSION = 2;
export const LATEST_VERSION = 5;

/** The `setting` bits of SEND and RECV. */
export const Setting = { receipt: 0x80, topic: 0x08, stream: 0x04 } as const;

export interface ConnectPacket {
  version: number;
  deviceFlag: number;
  deviceId: string;
  uid: string;
  token: string;
  clientTimestamp: number;
  clientKey: string;
}

export interface ConnackPacket {
  timeDiff: number;
  reasonCode: number;
  serverKey: string;
  salt: string;
  nodeId: number;
}

export interface SendPacket {
  flags: number;
  setting: number;
  clientSeq: number;
  clientMsgNo: string;
  streamNo: string;
  channelId: string;
  channelType: number;
  expire: number;
  msgKey: string;
  topic: string;
  /** The encrypted payload as sent: base64 text of the AES-CBC ciphertext. */
  payload: Uint8Array;
}

export interface SendackPacket {
  messageId: number;
  clientSeq: number;
  messageSeq: number;
  reasonCode: number;
}

export interface RecvPacket {
  flags: number;
  setting: number;
  msgKey: string;
  fromUid: string;
  channelId: string;
  channelType: number;
  expire: number;
  clientMsgNo: string;
  /** With the stream setting: the stream the message belongs to, its place in it, and StreamFlag (0 start, 1 ing, 2 end). */
  streamNo: string;
  streamSeq: number;
  streamFlag: number;
  messageId: number;
  messageSeq: number;
  timestamp: number;
  topic: string;
  payload: Uint8Array;
}

/** StreamFlag of a RECV: the server's StreamFlagStart, StreamFlagIng and StreamFlagEnd. */
export const StreamFlag = { start: 0, ing: 1, end: 2 } as const;

/** Whether a RECV or SEND for a client of `version` carries stream fields: the stream setting, from version 2 to 4 (5 has none). */
const hasStreamFields = (setting: number, version: number) => version >= 2 && version < 5 && (setting & Setting.stream) !== 0;

export interface RecvackPacket {
  messageId: number;
  messageSeq: number;
}

export interface DisconnectPacket {
  reasonCode: number;
  reason: string;
}

/** Decodes a CONNECT body. The version is the packet's own first byte. */
export function decodeConnect(body: Uint8Array): ConnectPacket {
  const reader = new PacketReader(body);
  return {
    version: reader.u8('version'),
    deviceFlag: reader.u8('deviceFlag'),
    deviceId: reader.string('deviceID'),
    uid: reader.string('uid'),
    token: reader.string('token'),
    clientTimestamp: reader.i64('clientTimestamp'),
    clientKey: reader.string('clientKey'),
  };
}

/** Encodes a CONNECT frame, as a client sends it. */
export function encodeConnect(packet: ConnectPacket): Uint8Array {
  const body = new PacketWriter()
    .u8(packet.version)
    .u8(packet.deviceFlag)
    .string(packet.deviceId)
    .string(packet.uid)
    .string(packet.token)
    .i64(packet.clientTimestamp)
    .string(packet.clientKey)
    .done();
  return encodeFrame(PacketType.connect, 0, body);
}

/** The flag bit of a CONNACK that says a server version byte leads it. */
const HAS_SERVER_VERSION = 0x01;

/** Encodes a CONNACK for a client of `version`: a server version byte when it is over 3, a node id from 4. */
export function encodeConnack(packet: ConnackPacket, version: number): Uint8Array {
  const writer = new PacketWriter();
  const withServerVersion = version > 3;
  if (withServerVersion) writer.u8(Math.min(version, LATEST_VERSION));
  writer.i64(packet.timeDiff).u8(packet.reasonCode).string(packet.serverKey).string(packet.salt);
  if (version >= 4) writer.i64(packet.nodeId);
  return encodeFrame(PacketType.connack, withServerVersion ? HAS_SERVER_VERSION : 0, writer.done());
}

/** Decodes a CONNACK body, as a client does. */
export function decodeConnack(flags: number, body: Uint8Array, version: number): ConnackPacket & { serverVersion: number } {
  const reader = new PacketReader(body);
  const serverVersion = flags & HAS_SERVER_VERSION ? reader.u8('serverVersion') : 0;
  const timeDiff = reader.i64('timeDiff');
  const reasonCode = reader.u8('reasonCode');
  const serverKey = reader.string('serverKey');
  const salt = reader.string('salt');
  const nodeId = version >= 4 ? reader.i64('nodeId') : 0;
  return { serverVersion, timeDiff, reasonCode, serverKey, salt, nodeId };
}

/** Decodes a SEND body for a client of `version` (the stream number only below 5, the expiry from 3). */
export function decodeSend(flags: number, body: Uint8Array, version: number): SendPacket {
  const reader = new PacketReader(body);
  const setting = reader.u8('setting');
  const clientSeq = reader.u32('clientSeq');
  const clientMsgNo = reader.string('clientMsgNo');
  const streamNo = version < 5 && setting & Setting.stream ? reader.string('streamNo') : '';
  const channelId = reader.string('channelID');
  const channelType = reader.u8('channelType');
  const expire = version >= 3 ? reader.u32('expire') : 0;
  const msgKey = reader.string('msgKey');
  const topic = setting & Setting.topic ? reader.string('topic') : '';
  return { flags, setting, clientSeq, clientMsgNo, streamNo, channelId, channelType, expire, msgKey, topic, payload: reader.rest() };
}

/** Encodes a SEND frame, as a client sends it. */
export function encodeSend(packet: SendPacket, version: number): Uint8Array {
  const writer = new PacketWriter().u8(packet.setting).u32(packet.clientSeq).string(packet.clientMsgNo);
  if (version < 5 && packet.setting & Setting.stream) writer.string(packet.streamNo);
  writer.string(packet.channelId).u8(packet.channelType);
  if (version >= 3) writer.u32(packet.expire);
  writer.string(packet.msgKey);
  if (packet.setting & Setting.topic) writer.string(packet.topic);
  return encodeFrame(PacketType.send, packet.flags, writer.raw(packet.payload).done());
}

/** Encodes a SENDACK frame. */
export function encodeSendack(packet: SendackPacket): Uint8Array {
  const body = new PacketWriter().i64(packet.messageId).u32(packet.clientSeq).u32(packet.messageSeq).u8(packet.reasonCode).done();
  return encodeFrame(PacketType.sendack, 0, body);
}

/** Decodes a SENDACK body. */
export function decodeSendack(body: Uint8Array): SendackPacket {
  const reader = new PacketReader(body);
  return { messageId: reader.i64('messageID'), clientSeq: reader.u32('clientSeq'), messageSeq: reader.u32('messageSeq'), reasonCode: reader.u8('reasonCode') };
}

/** Encodes a RECV frame for a client of `version`; a stream message's fields follow its clientMsgNo. */
export function encodeRecv(packet: RecvPacket, version: number): Uint8Array {
  const writer = new PacketWriter().u8(packet.setting).string(packet.msgKey).string(packet.fromUid).string(packet.channelId).u8(packet.channelType);
  if (version >= 3) writer.u32(packet.expire);
  writer.string(packet.clientMsgNo);
  if (hasStreamFields(packet.setting, version)) writer.string(packet.streamNo).u32(packet.streamSeq).u8(packet.streamFlag);
  writer.i64(packet.messageId).u32(packet.messageSeq).u32(packet.timestamp);
  if (packet.setting & Setting.topic) writer.string(packet.topic);
  return encodeFrame(PacketType.recv, packet.flags, writer.raw(packet.payload).done());
}

/** Decodes a RECV body, as a client does. */
export function decodeRecv(flags: number, body: Uint8Array, version: number): RecvPacket {
  const reader = new PacketReader(body);
  const setting = reader.u8('setting');
  const msgKey = reader.string('msgKey');
  const fromUid = reader.string('fromUID');
  const channelId = reader.string('channelID');
  const channelType = reader.u8('channelType');
  const expire = version >= 3 ? reader.u32('expire') : 0;
  const clientMsgNo = reader.string('clientMsgNo');
  const stream = hasStreamFields(setting, version);
  const streamNo = stream ? reader.string('streamNo') : '';
  const streamSeq = stream ? reader.u32('streamSeq') : 0;
  const streamFlag = stream ? reader.u8('streamFlag') : 0;
  const messageId = reader.i64('messageID');
  const messageSeq = reader.u32('messageSeq');
  const timestamp = reader.u32('timestamp');
  const topic = setting & Setting.topic ? reader.string('topic') : '';
  return {
    flags,
    setting,
    msgKey,
    fromUid,
    channelId,
    channelType,
    expire,
    clientMsgNo,
    streamNo,
    streamSeq,
    streamFlag,
    messageId,
    messageSeq,
    timestamp,
    topic,
    payload: reader.rest(),
  };
}

/** Decodes a RECVACK body. */
export function decodeRecvack(body: Uint8Array): RecvackPacket {
  const reader = new PacketReader(body);
  return { messageId: reader.i64('messageID'), messageSeq: reader.u32('messageSeq') };
}

/** Encodes a DISCONNECT frame: a reason code and its text. */
export function encodeDisconnect(packet: DisconnectPacket): Uint8Array {
  return encodeFrame(PacketType.disconnect, 0, new PacketWriter().u8(packet.reasonCode).string(packet.reason).done());
}

/** Decodes a DISCONNECT body. */
export function decodeDisconnect(body: Uint8Array): DisconnectPacket {
  const reader = new PacketReader(body);
  return { reasonCode: reader.u8('reasonCode'), reason: reader.string('reason') };
}

/** The single byte of PONG. */
export const PONG = encodeFrame(PacketType.pong, 0, new Uint8Array(0));

/** The RECV flags a server sets on a chat message: a red dot. */
export const RECV_FLAGS = FrameFlag.redDot;
