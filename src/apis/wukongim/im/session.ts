/**
 * One IM socket's state machine: bytes in, frames cut out (`frame.ts`), each packet handled in turn.
 * WebCrypto is asynchronous, so a socket's packets are chained: the next starts when the one before
 * it has answered. Before CONNECT only CONNECT is accepted; a packet that breaks the protocol closes
 * this socket alone, and is told to the host, which records it.
 */
import type { Clock } from '../../../core/clock.js';
import { type Frame, FrameReader, PacketType, ProtocolError } from './frame.js';
import type { SessionCipher } from './handshake.js';
import { type ConnectPacket, decodeConnect, decodeRecvack, decodeSend, encodeDisconnect, PONG, type SendPacket } from './packets.js';

/** What a transport (a `ws` socket, an MSW client) gives the engine: bytes out and a close. */
export interface ImSocket {
  send(bytes: Uint8Array): void;
  close(): void;
}

/** Where a session stands. */
export type SessionState = 'awaiting-connect' | 'online' | 'closing' | 'closed';

/** What a session asks of the IM server it belongs to. */
export interface SessionHost {
  readonly clock: Clock;
  /** Real-time limit before CONNECT, on the mock clock (4 s, as the v2 server's `SetMaxIdle`). */
  readonly idleLimitMs: number;
  /** Answers a CONNECT: writes the CONNACK (or not) and returns the cipher when the client is online. */
  connect(session: Session, packet: ConnectPacket): Promise<void>;
  /** Relays a SEND and answers it with a SENDACK. */
  send(session: Session, packet: SendPacket): Promise<void>;
  /** The socket is gone: the host forgets the session (and ends its connection if it was online). */
  closed(session: Session): void;
  /** Something the user should be able to see: a protocol error, an idle close. */
  problem(session: Session, kind: 'protocol-error' | 'idle-timeout' | 'ignored', detail: string): void;
}

/** Frames waiting their turn on one socket at most: a client that floods faster than it is answered is closed. */
const MAX_QUEUED = 1024;

/**
 * One socket. The transport calls `receive` with each message's bytes and `closed` when it closes.
 * @example const session = new Session(socket, host, 1); ws.on('message', (data) => session.receive(data));
 */
export class Session {
  state: SessionState = 'awaiting-connect';
  /** The registry's connection id once online. */
  connectionId: number | undefined;
  uid = '';
  version = 2;
  cipher: SessionCipher | undefined;
  private readonly reader = new FrameReader();
  private turn: Promise<void> = Promise.resolve();
  /** Packets this socket is sent that take crypto (RECV) go out in the order they were made. */
  private outgoing: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly timers = new Set<() => void>();
  /** Cancels the pre-auth idle limit. */
  private readonly stopIdle: () => void;

  constructor(
    readonly socket: ImSocket,
    private readonly host: SessionHost,
    /** A number for this socket, for the record. */
    readonly socketId: number,
  ) {
    this.stopIdle = this.after(host.idleLimitMs, () => {
      // Not online by now (no CONNECT, or one refused without a CONNACK): closed, as the v2 server's idle limit does.
      if (this.state === 'closed' || this.connectionId !== undefined) return;
      this.host.problem(this, 'idle-timeout', `no CONNECT within ${host.idleLimitMs} ms`);
      this.close();
    });
  }

  /** Bytes from the socket: whole frames are queued in order; a framing error closes the socket. */
  receive(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    let frames: Frame[];
    try {
      frames = this.reader.push(bytes);
    } catch (error) {
      this.fail(error);
      return;
    }
    for (const frame of frames) {
      if (++this.queued > MAX_QUEUED) {
        this.fail(new ProtocolError(`more than ${MAX_QUEUED} packets waiting`));
        return;
      }
      this.turn = this.turn
        .then(() => this.handle(frame))
        .then(
          () => {
            this.queued -= 1;
          },
          (error: unknown) => {
            this.queued -= 1;
            this.fail(error);
          },
        );
    }
  }

  /** The transport closed. */
  closed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.host.closed(this);
  }

  /** Sends bytes if the socket is still open. */
  write(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    try {
      this.socket.send(bytes);
    } catch {
      this.closed();
    }
  }

  /** Sends a packet that takes asynchronous work to make, after the ones made before it. */
  deliver(make: () => Promise<Uint8Array>): Promise<void> {
    this.outgoing = this.outgoing.then(make).then(
      (bytes) => this.write(bytes),
      (error: unknown) => this.fail(error),
    );
    return this.outgoing;
  }

  /** Closes the socket now. */
  close(): void {
    if (this.state === 'closed') return;
    try {
      this.socket.close();
    } finally {
      this.closed();
    }
  }

  /** Sends DISCONNECT with a reason, then closes after `delayMs` on the mock clock, as the server does on a kick. */
  kick(reasonCode: number, reason: string, delayMs: number): void {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.write(encodeDisconnect({ reasonCode, reason }));
    this.after(delayMs, () => this.close());
  }

  /** Runs `task` after `ms` on the mock clock, unless the socket closes first; returns a function that cancels it. */
  after(ms: number, task: () => void): () => void {
    const cancel = this.host.clock.schedule(this.host.clock.now() + ms, () => {
      this.timers.delete(cancel);
      task();
    });
    this.timers.add(cancel);
    return () => {
      this.timers.delete(cancel);
      cancel();
    };
  }

  /** The connection is online: the pre-auth idle limit no longer applies. */
  online(connectionId: number, cipher: SessionCipher): void {
    this.connectionId = connectionId;
    this.cipher = cipher;
    this.state = 'online';
    this.stopIdle();
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'awaiting-connect') {
      if (frame.type !== PacketType.connect) throw new ProtocolError(`packet type ${frame.type} before CONNECT`);
      const packet = decodeConnect(frame.body);
      this.version = packet.version;
      this.uid = packet.uid;
      // A second CONNECT while this one is answered is ignored (below), so the state moves now.
      this.state = 'closing';
      await this.host.connect(this, packet);
      return;
    }
    switch (frame.type) {
      case PacketType.ping:
        this.write(PONG);
        return;
      case PacketType.send:
        if (this.state !== 'online') return;
        await this.host.send(this, decodeSend(frame.flags, frame.body, this.version));
        return;
      case PacketType.recvack:
        decodeRecvack(frame.body);
        return;
      case PacketType.disconnect:
        this.close();
        return;
      case PacketType.connect:
        this.host.problem(this, 'ignored', 'a second CONNECT on a connected socket');
        return;
      default:
        this.host.problem(this, 'ignored', `packet type ${frame.type}, which the mock does not handle`);
    }
  }

  private fail(error: unknown): void {
    if (this.state === 'closed') return;
    const detail = error instanceof ProtocolError ? error.message : `failed inside the mock: ${error instanceof Error ? error.message : String(error)}`;
    this.host.problem(this, 'protocol-error', detail);
    this.close();
  }
}
