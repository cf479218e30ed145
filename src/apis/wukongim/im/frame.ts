/**
 * WuKongIM framing: byte 0 is `type << 4 | flags`, then an MQTT-style remaining length (7 bits a byte,
 * the high bit says more follow), then the body. PING and PONG are the single bytes 0x70 and 0x80.
 * A `FrameReader` cuts frames out of a byte stream however it is split into WebSocket messages.
 */

/** Packet types (WuKongIMGoProto `common.go`). */
export const PacketType = {
  connect: 1,
  connack: 2,
  send: 3,
  sendack: 4,
  recv: 5,
  recvack: 6,
  ping: 7,
  pong: 8,
  disconnect: 9,
  sub: 10,
  suback: 11,
  event: 12,
} as const;

/** The flag bits of byte 0. */
export const FrameFlag = { noPersist: 1, redDot: 2, syncOnce: 4, dup: 8 } as const;

/** One packet as it came off the wire: its type, its four flag bits and its body. */
export interface Frame {
  type: number;
  flags: number;
  body: Uint8Array;
}

/** Input that breaks the framing or a packet's layout: the connection cannot go on. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** The largest remaining length the mock accepts (the real server has none this small; 1 MiB is plenty for a chat message). */
export const MAX_REMAINING_LENGTH = 1024 * 1024;

/** Bytes of a remaining length at most (MQTT's four, up to 256 MiB). */
const MAX_LENGTH_BYTES = 4;

/**
 * Encodes a frame: header byte, remaining length, body. PING and PONG are one byte.
 * @example encodeFrame(PacketType.pong, 0, new Uint8Array()) // Uint8Array [0x80]
 */
export function encodeFrame(type: number, flags: number, body: Uint8Array): Uint8Array {
  if (type === PacketType.ping || type === PacketType.pong) return Uint8Array.of(type << 4);
  const length: number[] = [];
  let rest = body.length;
  do {
    let digit = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) digit |= 0x80;
    length.push(digit);
  } while (rest > 0);
  const out = new Uint8Array(1 + length.length + body.length);
  out[0] = (type << 4) | (flags & 0x0f);
  out.set(length, 1);
  out.set(body, 1 + length.length);
  return out;
}

/**
 * Accumulates bytes and yields whole frames, so that a packet split across messages, or several in
 * one, reads the same. A length over `maxLength` or a type outside 1–15 is a ProtocolError.
 * @example const reader = new FrameReader(); for (const frame of reader.push(bytes)) handle(frame);
 */
export class FrameReader {
  private buffer: Uint8Array = new Uint8Array(0);

  constructor(private readonly maxLength = MAX_REMAINING_LENGTH) {}

  /** Bytes received but not yet a whole frame. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Adds bytes and returns the frames they complete, in order. */
  push(bytes: Uint8Array): Frame[] {
    this.buffer = this.buffer.length === 0 ? bytes : concat(this.buffer, bytes);
    const frames: Frame[] = [];
    let offset = 0;
    for (;;) {
      const frame = this.next(offset);
      if (!frame) break;
      frames.push(frame.frame);
      offset = frame.end;
    }
    this.buffer = offset === 0 ? this.buffer : this.buffer.slice(offset);
    return frames;
  }

  private next(offset: number): { frame: Frame; end: number } | undefined {
    const buffer = this.buffer;
    if (offset >= buffer.length) return undefined;
    const header = buffer[offset] as number;
    const type = header >> 4;
    if (type === 0) throw new ProtocolError(`packet type 0 at byte ${offset}: not a WuKongIM packet`);
    if (type === PacketType.ping || type === PacketType.pong) return { frame: { type, flags: header & 0x0f, body: new Uint8Array(0) }, end: offset + 1 };
    let length = 0;
    let multiplier = 1;
    let position = offset + 1;
    for (let count = 0; ; count++) {
      if (count === MAX_LENGTH_BYTES) throw new ProtocolError('remaining length takes more than 4 bytes');
      if (position >= buffer.length) return undefined;
      const digit = buffer[position++] as number;
      length += (digit & 0x7f) * multiplier;
      multiplier *= 128;
      if ((digit & 0x80) === 0) break;
    }
    if (length > this.maxLength) throw new ProtocolError(`remaining length ${length} is over the limit of ${this.maxLength} bytes`);
    if (position + length > buffer.length) return undefined;
    return { frame: { type, flags: header & 0x0f, body: buffer.subarray(position, position + length) }, end: position + length };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
