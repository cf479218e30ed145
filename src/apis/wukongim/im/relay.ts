/**
 * What a person-to-person message takes on each side: the verify string whose encryption is a SEND's
 * msgKey, and the RECV one recipient connection is sent, encrypted and signed with that connection's
 * own keys.
 */
import type { SessionCipher } from './handshake.js';
import { encodeRecv, RECV_FLAGS, type SendPacket, StreamFlag } from './packets.js';

/** The person channel type; the only one the mock models. */
export const CHANNEL_TYPE_PERSON = 1;

const toUtf8 = new TextEncoder();

/** What a SEND's msgKey signs: clientSeq, clientMsgNo, channel id and type, and the payload as sent. */
export function sendVerifyString(packet: SendPacket, payload: string): string {
  return `${packet.clientSeq}${packet.clientMsgNo}${packet.channelId}${packet.channelType}${payload}`;
}

/** A relayed message as the recipients see it. */
export interface Relayed {
  send: SendPacket;
  fromUid: string;
  content: string;
  messageId: number;
  messageSeq: number;
  /** Seconds. */
  timestamp: number;
}

/**
 * The RECV for one recipient connection: the person channel is the sender's uid, the content
 * encrypted with the recipient's cipher and the msgKey signed with it.
 * @example session.deliver(() => recvFor(message, session.cipher, session.version));
 */
export async function recvFor(message: Relayed, cipher: SessionCipher, version: number): Promise<Uint8Array> {
  const { send, fromUid, messageId, messageSeq, timestamp } = message;
  const encrypted = await cipher.encrypt(message.content);
  const verify = `${messageId}${messageSeq}${send.clientMsgNo}${timestamp}${fromUid}${fromUid}${CHANNEL_TYPE_PERSON}${encrypted}`;
  const recv = {
    flags: RECV_FLAGS,
    setting: send.setting,
    msgKey: await cipher.msgKey(verify),
    fromUid,
    channelId: fromUid,
    channelType: CHANNEL_TYPE_PERSON,
    expire: send.expire,
    clientMsgNo: send.clientMsgNo,
    // A SEND with a stream number is relayed as the server's v1 line does: the same setting and number,
    // StreamFlag "ing", and no place in the stream (the server drops the one it stores the item under).
    streamNo: send.streamNo,
    streamSeq: 0,
    streamFlag: StreamFlag.ing,
    messageId,
    messageSeq,
    timestamp,
    topic: send.topic,
    payload: toUtf8.encode(encrypted),
  };
  return encodeRecv(recv, version);
}
