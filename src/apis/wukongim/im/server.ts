/**
 * The IM port's engine: it accepts sockets from any transport, answers CONNECT through the same
 * connection registry the control API's simulated connect uses, relays person-to-person messages,
 * and tells each live socket when its connection is kicked, with the server's reason, text and delay.
 * It runs on the mock's clock and on a random stream of its own seeded from the mock's seed.
 */
import type { Clock } from '../../../core/clock.js';
import { createRandom } from '../../../core/random.js';
import type { Connection, ConnectionRegistry, EndCause } from '../connections.js';
import { ReasonCode } from '../connections.js';
import type { AesCbc, ServerKeys } from './handshake.js';
import { type ImMessage, MessageLog } from './message-log.js';
import { type ConnectPacket, encodeConnack, encodeSendack, type SendPacket } from './packets.js';
import { CHANNEL_TYPE_PERSON, recvFor, sendVerifyString } from './relay.js';
import { type ImSocket, Session, type SessionHost } from './session.js';

/** IM reason codes the engine answers with, beyond the registry's (WuKongIMGoProto `common.go`). */
export const ImReason = {
  subscriberNotExist: 3,
  msgKeyError: 8,
  payloadDecodeError: 9,
  clientKeyIsEmpty: 21,
} as const;

/** Something that happened on the IM port, for a request log or a dashboard, and the journal. */
export interface ImEvent {
  type: 'connect' | 'refuse' | 'kick' | 'close' | 'protocol-error' | 'idle-timeout' | 'ignored';
  /** Epoch ms on the mock clock. */
  time: number;
  /** A number for the socket, counted from 1 since the start or the last reset. */
  socket: number;
  connectionId?: number;
  uid?: string;
  deviceFlag?: number;
  reasonCode?: number;
  detail: string;
}

/** Told of each IM event. */
export type ImEventListener = (event: ImEvent) => void;

/** How the IM port behaves. */
export interface ImOptions {
  /** `docs`: a refused CONNECT gets CONNACK with its reason. `server-v2`: no CONNACK; the idle limit closes the socket. */
  profile: 'docs' | 'server-v2';
  seed: number;
  /** Sockets open at once at most; more are closed at once (and recorded). Default 10,000. */
  maxSockets?: number;
  /** Messages the log keeps. Default 1000. */
  maxMessages?: number;
  /** Told of every event. */
  onEvent?: ImEventListener;
  /** The AES-CBC messages are encrypted with. Default WebCrypto's. */
  aesCbc?: AesCbc;
}

/** What the server says and how long it waits before closing, for each way a connection ends. */
const KICKS: Record<EndCause, { reason: string; delayMs: number } | 'close' | undefined> = {
  replaced: 'close',
  'master-connect': { reason: 'login in other device', delayMs: 2_000 },
  'token-update': { reason: '账号在其他设备上登录', delayMs: 10_000 },
  'device-quit': { reason: '', delayMs: 2_000 },
  ban: { reason: '', delayMs: 2_000 },
  kick: { reason: '', delayMs: 2_000 },
  closed: { reason: '', delayMs: 2_000 },
  bound: { reason: '', delayMs: 2_000 },
  'socket-closed': undefined,
};

/**
 * Server key pairs are drawn from the seed, and turning 32 seeded bytes into a WebCrypto key costs
 * about ten times a whole exchange; so the connections take turns over this many seeded pairs, each
 * made once, and every connection still gets a fresh salt, hence its own AES key and IV.
 */
const KEY_PAIRS = 64;

/** The v2 server's limit on a socket that has not authenticated (`internal/server/proto.go`). */
export const PRE_AUTH_IDLE_MS = 4_000;

/** The crypto (and its MD5) loads with the first CONNECT: a page that never opens an IM socket does not carry it. */
let handshakeModule: Promise<typeof import('./handshake.js')> | undefined;
const handshake = () => {
  handshakeModule ??= import('./handshake.js');
  return handshakeModule;
};

const utf8 = new TextDecoder();

/** The IM port of one mock instance. */
export class ImServer implements SessionHost {
  readonly idleLimitMs = PRE_AUTH_IDLE_MS;
  private readonly random;
  private readonly sessions = new Set<Session>();
  private readonly online = new Map<number, Session>();
  private readonly sequences = new Map<string, number>();
  private readonly listeners = new Set<ImEventListener>();
  readonly messages: MessageLog;
  private nextSocket = 1;
  private nextMessageId = 0;
  private readonly keyPairs: Promise<ServerKeys>[] = [];
  private nextKeyPair = 0;
  private readonly maxSockets: number;

  constructor(
    readonly clock: Clock,
    private readonly registry: ConnectionRegistry,
    private readonly options: ImOptions,
  ) {
    // A stream of its own, so that sockets do not move the ids the HTTP APIs draw.
    this.random = createRandom((options.seed ^ 0x494d5057) >>> 0);
    this.maxSockets = options.maxSockets ?? 10_000;
    this.messages = new MessageLog(options.maxMessages ?? 1000);
    if (options.onEvent) this.listeners.add(options.onEvent);
    registry.setEndListener((connection, cause) => this.ended(connection, cause));
    this.reset();
  }

  /**
   * Accepts a socket from a transport; feed the returned session its bytes and its close.
   * @example const session = im.open({ send: (b) => ws.send(b), close: () => ws.close() });
   */
  open(socket: ImSocket): Session {
    const session = new Session(socket, this, this.nextSocket++);
    if (this.sessions.size >= this.maxSockets) {
      this.problem(session, 'protocol-error', `more than ${this.maxSockets} IM sockets open`);
      session.close();
      return session;
    }
    this.sessions.add(session);
    return session;
  }

  /** Listens to IM events; returns a function that stops. */
  subscribe(listener: ImEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sockets open now, and online ones among them. */
  counts(): { sockets: number; online: number } {
    return { sockets: this.sessions.size, online: this.online.size };
  }

  /** Closes every socket now (a restored snapshot's connections have none). */
  closeAll(): void {
    for (const session of [...this.sessions]) session.close();
  }

  /** Closes every socket and starts the random stream, ids and message log afresh (the mock's reset). */
  reset(): void {
    this.closeAll();
    this.random.reset();
    this.sequences.clear();
    this.messages.clear();
    this.nextSocket = 1;
    this.nextKeyPair = 0;
    // Message ids start at a seeded point, as snowflake ids would be somewhere large.
    this.nextMessageId = 1_000_000_000 + this.random.int(1_000_000_000);
  }

  async connect(session: Session, packet: ConnectPacket): Promise<void> {
    const who = { uid: packet.uid, deviceFlag: packet.deviceFlag };
    if (packet.clientKey === '') {
      this.emit(session, { type: 'refuse', ...who, reasonCode: ImReason.clientKeyIsEmpty, detail: 'CONNECT without a client key' });
      session.write(encodeConnack({ timeDiff: 0, reasonCode: ImReason.clientKeyIsEmpty, serverKey: '', salt: '', nodeId: 0 }, packet.version));
      session.close();
      return;
    }
    const { createSalt, deriveCipher } = await handshake();
    const keys = await this.keyPair();
    const salt = createSalt(this.random);
    const cipher = await deriveCipher(keys.privateKey, packet.clientKey, salt, this.options.aesCbc);
    if (session.state === 'closed') return;
    const result = this.registry.connect({ uid: packet.uid, token: packet.token, device_flag: packet.deviceFlag, device_id: packet.deviceId });
    const timeDiff = this.clock.now() - packet.clientTimestamp;
    if (result.reason_code !== ReasonCode.success) {
      const how = this.options.profile === 'docs' ? 'CONNACK' : 'no CONNACK; closed by the idle limit';
      this.emit(session, { type: 'refuse', ...who, connectionId: result.connection_id, reasonCode: result.reason_code, detail: how });
      if (this.options.profile === 'docs') {
        session.write(encodeConnack({ timeDiff, reasonCode: result.reason_code, serverKey: '', salt: '', nodeId: 0 }, packet.version));
        session.close();
      }
      return;
    }
    session.online(result.connection_id, cipher);
    this.online.set(result.connection_id, session);
    session.write(encodeConnack({ timeDiff, reasonCode: ReasonCode.success, serverKey: keys.publicKey, salt, nodeId: 1 }, packet.version));
    this.emit(session, {
      type: 'connect',
      ...who,
      connectionId: result.connection_id,
      reasonCode: ReasonCode.success,
      detail: `protocol version ${packet.version}`,
    });
  }

  async send(session: Session, packet: SendPacket): Promise<void> {
    const cipher = session.cipher;
    if (!cipher) return;
    const ack = (reasonCode: number, messageId = 0, messageSeq = 0) =>
      session.write(encodeSendack({ messageId, clientSeq: packet.clientSeq, messageSeq, reasonCode }));
    const payload = utf8.decode(packet.payload);
    const expected = await cipher.msgKey(sendVerifyString(packet, payload));
    if (expected !== packet.msgKey) return ack(ImReason.msgKeyError);
    // Only person channels exist in the mock; the v2 server refuses a sender who is not a subscriber of the channel.
    if (packet.channelType !== CHANNEL_TYPE_PERSON) return ack(ImReason.subscriberNotExist);
    let content: string;
    try {
      content = await cipher.decrypt(payload);
    } catch {
      return ack(ImReason.payloadDecodeError);
    }
    const from = session.uid;
    const to = packet.channelId;
    const conversation = from < to ? `${from}\u0000${to}` : `${to}\u0000${from}`;
    const messageSeq = (this.sequences.get(conversation) ?? 0) + 1;
    this.sequences.set(conversation, messageSeq);
    const messageId = this.nextMessageId++;
    const timestamp = Math.floor(this.clock.now() / 1000);
    ack(ReasonCode.success, messageId, messageSeq);

    const relayed = { send: packet, fromUid: from, content, messageId, messageSeq, timestamp };
    const delivered: number[] = [];
    for (const connectionId of this.registry.onlineIds(to)) {
      const recipient = this.online.get(connectionId);
      const recipientCipher = recipient?.cipher;
      if (!recipient || !recipientCipher || recipient.state !== 'online') continue;
      delivered.push(connectionId);
      void recipient.deliver(() => recvFor(relayed, recipientCipher, recipient.version));
    }
    const message: ImMessage = {
      message_id: messageId,
      message_seq: messageSeq,
      client_msg_no: packet.clientMsgNo,
      from_uid: from,
      channel_id: to,
      channel_type: CHANNEL_TYPE_PERSON,
      payload: content,
      timestamp: new Date(timestamp * 1000).toISOString(),
      delivered_to: delivered.sort((x, y) => x - y),
    };
    this.messages.add(message);
  }

  closed(session: Session): void {
    this.sessions.delete(session);
    const id = session.connectionId;
    if (id === undefined || this.online.get(id) !== session) return;
    this.online.delete(id);
    // The registry ends the connection; its listener finds no socket left to tell.
    this.registry.close(id, 'socket-closed');
    this.emit(session, { type: 'close', uid: session.uid, connectionId: id, detail: 'the socket closed' });
  }

  problem(session: Session, kind: 'protocol-error' | 'idle-timeout' | 'ignored', detail: string): void {
    this.emit(session, { type: kind, uid: session.uid || undefined, connectionId: session.connectionId, detail });
  }

  /** The next seeded key pair in turn; pair i depends only on the seed and i. */
  private keyPair(): Promise<ServerKeys> {
    const index = this.nextKeyPair++ % KEY_PAIRS;
    let pair = this.keyPairs[index];
    if (!pair) {
      const random = createRandom((this.options.seed ^ 0x4b455953 ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0);
      pair = handshake().then(({ createServerKeys }) => createServerKeys(random));
      this.keyPairs[index] = pair;
      // A runtime without X25519 fails this connection (a protocol error); the next one tries again.
      pair.catch(() => this.keyPairs.splice(index, 1, undefined as unknown as Promise<ServerKeys>));
    }
    return pair;
  }

  /** A connection ended in the registry: its socket, if it has one, hears of it as the server would say it. */
  private ended(connection: Readonly<Connection>, cause: EndCause): void {
    const session = this.online.get(connection.connection_id);
    if (!session) return;
    this.online.delete(connection.connection_id);
    const kick = KICKS[cause];
    if (kick === undefined) return;
    const base = { uid: connection.uid, deviceFlag: connection.device_flag, connectionId: connection.connection_id };
    if (kick === 'close') {
      this.emit(session, { type: 'close', ...base, detail: 'replaced by a newer connection of the same device' });
      session.close();
      return;
    }
    this.emit(session, {
      type: 'kick',
      ...base,
      reasonCode: ReasonCode.connectKick,
      detail: `${cause}: DISCONNECT 12 "${kick.reason}", closed after ${kick.delayMs} ms`,
    });
    session.kick(ReasonCode.connectKick, kick.reason, kick.delayMs);
  }

  private emit(session: Session, event: Omit<ImEvent, 'time' | 'socket'>): void {
    const full: ImEvent = { time: this.clock.now(), socket: session.socketId, ...event };
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch {
        // A listener's failure is its own; the socket goes on.
      }
    }
  }
}
