// The bare IM baseline: a `ws` server doing the same handshake (X25519 on WebCrypto, MD5, AES-CBC on
// node:crypto, as token-mock serve does them) and the same
// person-to-person relay (msgKey check, decrypt, encrypt and sign for the recipient), and nothing else:
// no registry, no journal, no seeded keys, no ordering, no bounds. Accepts any token.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { md5 } from '@noble/hashes/legacy.js';
import { WebSocketServer } from 'ws';

const subtle = crypto.subtle;
const utf8 = new TextEncoder();
const text = new TextDecoder();
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const md5Hex = (value) => hex(md5(utf8.encode(value)));
const online = new Map();

function frame(type, body) {
  const length = [];
  let rest = body.length;
  do {
    let digit = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) digit |= 0x80;
    length.push(digit);
  } while (rest > 0);
  return Buffer.concat([Buffer.from([type << 4, ...length]), body]);
}

function reader(body) {
  let at = 0;
  return {
    u8: () => body[at++],
    u32: () => {
      at += 4;
      return body.readUInt32BE(at - 4);
    },
    i64: () => {
      at += 8;
      return Number(body.readBigInt64BE(at - 8));
    },
    str: () => {
      const length = body.readUInt16BE(at);
      at += 2 + length;
      return body.toString('utf8', at - length, at);
    },
    rest: () => body.subarray(at),
  };
}

const str = (value) => {
  const bytes = Buffer.from(value, 'utf8');
  const out = Buffer.alloc(2 + bytes.length);
  out.writeUInt16BE(bytes.length);
  bytes.copy(out, 2);
  return out;
};
const u32 = (value) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
};
const i64 = (value) => {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(BigInt(value));
  return out;
};

async function cipherFor(clientKey) {
  const pair = await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits']);
  const publicKey = Buffer.from(await subtle.exportKey('raw', pair.publicKey)).toString('base64');
  const peer = await subtle.importKey('raw', Buffer.from(clientKey, 'base64'), { name: 'X25519' }, false, []);
  const secret = await subtle.deriveBits({ name: 'X25519', public: peer }, pair.privateKey, 256);
  const salt = Math.random().toString(36).slice(2, 10).padEnd(16, 'x');
  const key = utf8.encode(md5Hex(Buffer.from(secret).toString('base64')).slice(0, 16));
  const iv = utf8.encode(salt);
  const run = (cipher, bytes) => Buffer.concat([cipher.update(bytes), cipher.final()]);
  const encrypt = async (value) => run(createCipheriv('aes-128-cbc', key, iv), utf8.encode(value)).toString('base64');
  const decrypt = async (value) => text.decode(run(createDecipheriv('aes-128-cbc', key, iv), Buffer.from(value, 'base64')));
  return { publicKey, salt, encrypt, decrypt, msgKey: async (value) => md5Hex(await encrypt(value)) };
}

const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
server.on('connection', (ws) => {
  let session;
  ws.on('message', async (data) => {
    const type = data[0] >> 4;
    if (type === 7) return ws.send(Buffer.from([0x80]));
    let at = 1;
    while (data[at++] & 0x80);
    const packet = reader(data.subarray(at));
    if (type === 1) {
      packet.u8();
      packet.u8();
      packet.str();
      const uid = packet.str();
      packet.str();
      packet.i64();
      const cipher = await cipherFor(packet.str());
      session = { uid, cipher, ws };
      online.set(uid, session);
      ws.send(frame(2, Buffer.concat([i64(0), Buffer.from([1]), str(cipher.publicKey), str(cipher.salt)])));
    } else if (type === 3 && session) {
      const setting = packet.u8();
      const clientSeq = packet.u32();
      const clientMsgNo = packet.str();
      const channelId = packet.str();
      const channelType = packet.u8();
      const msgKey = packet.str();
      const payload = packet.rest().toString('utf8');
      if ((await session.cipher.msgKey(`${clientSeq}${clientMsgNo}${channelId}${channelType}${payload}`)) !== msgKey) return;
      const content = await session.cipher.decrypt(payload);
      const messageId = Date.now();
      ws.send(frame(4, Buffer.concat([i64(messageId), u32(clientSeq), u32(1), Buffer.from([1])])));
      const to = online.get(channelId);
      if (!to) return;
      const encrypted = await to.cipher.encrypt(content);
      const timestamp = Math.floor(Date.now() / 1000);
      const key = await to.cipher.msgKey(`${messageId}1${clientMsgNo}${timestamp}${session.uid}${session.uid}1${encrypted}`);
      const body = [
        Buffer.from([setting]),
        str(key),
        str(session.uid),
        str(session.uid),
        Buffer.from([1]),
        str(clientMsgNo),
        i64(messageId),
        u32(1),
        u32(timestamp),
      ];
      to.ws.send(frame(5, Buffer.concat([...body, Buffer.from(encrypted)])));
    }
  });
  ws.on('close', () => {
    if (session && online.get(session.uid) === session) online.delete(session.uid);
  });
  ws.on('error', () => {});
});
server.on('listening', () => console.log(`baseline-im ws://127.0.0.1:${server.address().port}`));
