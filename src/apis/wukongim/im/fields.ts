/** The protocol's field types: big-endian integers, and strings as a uint16 byte length followed by UTF-8. */
import { ProtocolError } from './frame.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Reads fields in order; running past the end is a ProtocolError naming the field. */
export class PacketReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number, field: string): number {
    const at = this.offset;
    if (at + count > this.bytes.length) throw new ProtocolError(`packet ends before its ${field}`);
    this.offset += count;
    return at;
  }

  u8(field: string): number {
    return this.view.getUint8(this.need(1, field));
  }

  u32(field: string): number {
    return this.view.getUint32(this.need(4, field));
  }

  i64(field: string): number {
    return Number(this.view.getBigInt64(this.need(8, field)));
  }

  string(field: string): string {
    const length = this.view.getUint16(this.need(2, field));
    const at = this.need(length, field);
    return fromUtf8.decode(this.bytes.subarray(at, at + length));
  }

  rest(): Uint8Array {
    const at = this.offset;
    this.offset = this.bytes.length;
    return this.bytes.subarray(at);
  }
}

/** Writes fields in order into a growing buffer. */
export class PacketWriter {
  private bytes = new Uint8Array(64);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  private room(count: number): number {
    if (this.length + count > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length += count;
    return at;
  }

  u8(value: number): this {
    const at = this.room(1);
    this.view.setUint8(at, value);
    return this;
  }

  u32(value: number): this {
    const at = this.room(4);
    this.view.setUint32(at, value >>> 0);
    return this;
  }

  i64(value: number): this {
    const at = this.room(8);
    this.view.setBigInt64(at, BigInt(value));
    return this;
  }

  string(value: string): this {
    const encoded = utf8.encode(value);
    if (encoded.length > 0xffff) throw new RangeError(`a string of ${encoded.length} bytes does not fit a uint16 length`);
    const at = this.room(2);
    this.view.setUint16(at, encoded.length);
    return this.raw(encoded);
  }

  raw(value: Uint8Array): this {
    // room() may grow the buffer: the target is read after it.
    const at = this.room(value.length);
    this.bytes.set(value, at);
    return this;
  }

  done(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}
