import { type KafkajsPatchOutcome, patchPinnedKafkajs } from './kafkajs-request-queue.util';

/**
 * kafkajs 2.2.4's protocol `Encoder` makes every buffer it writes into with `Buffer.alloc`, zero-filled and with a
 * backing store of its own: 512 bytes for each `new Encoder()`, and a larger one each time one grows. A produce
 * request makes one for every record and one more for every header of it (the relay's messages carry 16), and
 * every varint is first gathered in an array and then copied in through a `Buffer.from` of its own. Measured here
 * on record batches of 500 relay-shaped messages: 112-123 µs of CPU a record as shipped, 33-36 with this patch,
 * the bytes identical. The relay's profile had those allocations and the GC behind them at about a third of its
 * busy time.
 *
 * What changes, on the kafkajs this package resolves and only on the version it was written against:
 * - `new Encoder()` starts with an empty buffer (its constructor sizes it through the static `nextPowerOfTwo`,
 *   which only the constructor calls once `ensureAvailable` is replaced), and the first write takes one;
 * - `ensureAvailable` grows into `Buffer.allocUnsafe`, from Node's pool for the small ones, at least the 512
 *   bytes the constructor gave, to the same powers of two as before;
 * - `writeUVarInt` (every `writeVarInt` goes through it) writes its bytes in place, the same bytes.
 * Stale memory never reaches the wire: the encoder hands out `buf.slice(0, offset)` only, and every one of its
 * writes fills the bytes it moves `offset` past (`kafkajs-encoder.spec.ts` checks each writer, byte for byte
 * against the original, with the new buffers filled with garbage first). Another kafkajs version is left alone.
 */
/** What `new Encoder()` gave as shipped (`nextPowerOfTwo(511)`). */
const FIRST_CAPACITY = 512;
const SEVEN_BITS = 0x7f;
const MORE = 0x80;
const ABOVE_SEVEN_BITS = 0xffffff80;
/** The longest varint of a 32-bit value. */
const MAX_VARINT_BYTES = 5;

interface EncoderLike {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
  writeUVarInt(value: number): EncoderLike;
}
export interface EncoderClass {
  new (initialSize?: number): EncoderLike & { readonly buffer: Buffer };
  prototype: EncoderLike;
  /** Static, and uses no `this`: kafkajs calls it as `Encoder.nextPowerOfTwo`, the patch keeps it to call alone. */
  nextPowerOfTwo(this: void, value: number): number;
}

export function patchKafkajsEncoder(): KafkajsPatchOutcome {
  return patchPinnedKafkajs<EncoderClass>('./src/protocol/encoder.js', 'encoder-patched', (Encoder) => {
    // kafkajs' own power of two above a length, kept for growing before the constructor's use of it is replaced.
    const powerOfTwoAbove = Encoder.nextPowerOfTwo;
    const proto = Encoder.prototype;
    proto.ensureAvailable = function ensureAvailable(this: EncoderLike, length: number): void {
      const needed = this.offset + length;
      if (needed <= this.buf.length) return;
      const grown = Buffer.allocUnsafe(Math.max(FIRST_CAPACITY, powerOfTwoAbove(needed)));
      this.buf.copy(grown, 0, 0, this.offset);
      this.buf = grown;
    };
    proto.writeUVarInt = function writeUVarInt(this: EncoderLike, value: number): EncoderLike {
      this.ensureAvailable(MAX_VARINT_BYTES);
      const buf = this.buf;
      let at = this.offset;
      // kafkajs' loop as shipped (`value` may arrive beyond 32 bits: `&` and `>>>` take it as they did there).
      while ((value & ABOVE_SEVEN_BITS) !== 0) {
        buf[at++] = (value & SEVEN_BITS) | MORE;
        value >>>= 7;
      }
      buf[at++] = value & SEVEN_BITS;
      this.offset = at;
      return this;
    };
    // Only the constructor calls it now: `Buffer.alloc(0)`, no backing store, no zeroing.
    Encoder.nextPowerOfTwo = () => 0;
  });
}

/** What the import did, for the spec and for anyone asking. */
export const kafkaEncoderPatch: KafkajsPatchOutcome = patchKafkajsEncoder();
