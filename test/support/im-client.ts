/** A bare IM client over `ws`, for what the SDK never sends: garbage, split packets, floods. */
import { WebSocket } from 'ws';
import { type Frame, FrameReader } from '../../src/apis/wukongim/im/frame.js';
import { base64FromBytes, bytesFromBase64, createCipher, md5Hex, type SessionCipher } from '../../src/apis/wukongim/im/handshake.js';
import { decodeConnack, encodeConnect } from '../../src/apis/wukongim/im/packets.js';

/** A socket and the frames it was sent. */
export class RawImClient {
  readonly frames: Frame[] = [];
  closed = false;
  private readonly reader = new FrameReader();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.frames.push(...this.reader.push(new Uint8Array(data))));
    ws.on('close', () => {
      this.closed = true;
    });
    ws.on('error', () => {});
  }

  static open(url: string): Promise<RawImClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new RawImClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(bytes: Uint8Array | string): void {
    this.ws.send(typeof bytes === 'string' ? Buffer.from(bytes.replaceAll(' ', ''), 'hex') : bytes);
  }

  /** A CONNECT with a fresh X25519 client key. */
  static async connectPacket(uid: string, token: string, deviceId = 'raw-device', version = 2): Promise<Uint8Array> {
    return (await RawImClient.handshake(uid, token, deviceId, version)).packet;
  }

  /** A CONNECT, and the cipher the client derives from the server's CONNACK, as the SDK does. */
  static async handshake(uid: string, token: string, deviceId = 'raw-device', version = 2) {
    const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
    const clientKey = base64FromBytes(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
    const packet = encodeConnect({ version, deviceFlag: 1, deviceId, uid, token, clientTimestamp: Date.now(), clientKey });
    const cipherFor = async (connack: Frame): Promise<SessionCipher> => {
      const { serverKey, salt } = decodeConnack(connack.flags, connack.body, version);
      const server = await crypto.subtle.importKey('raw', bytesFromBase64(serverKey), { name: 'X25519' }, false, []);
      const secret = await crypto.subtle.deriveBits({ name: 'X25519', public: server }, pair.privateKey, 256);
      return createCipher(md5Hex(base64FromBytes(new Uint8Array(secret))).slice(0, 16), salt);
    };
    return { packet, cipherFor };
  }

  async until(check: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.ws.terminate();
  }
}
