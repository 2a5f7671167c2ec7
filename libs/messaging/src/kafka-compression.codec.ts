import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { unzip as unzipCallback, gzip as gzipCallback } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { decompress as zstdDecompress } from 'fzstd';

// snappyjs and lz4js are pure JavaScript (no native build, no install script) and ship no types: the calls used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS package
const snappy = require('snappyjs') as { compress(input: Buffer): Uint8Array; uncompress(input: Buffer): Uint8Array };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS package
const lz4 = require('lz4js') as { decompress(input: Uint8Array, maxSize?: number): Uint8Array; decompressBound(input: Uint8Array): number };

const unzip = promisify(unzipCallback) as (input: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>;
const gzip = promisify(gzipCallback) as (input: Buffer) => Promise<Buffer>;

/**
 * kafkajs 2.2.4 reads only GZIP: a record batch compressed with Snappy, LZ4 or ZSTD (what Java and librdkafka
 * producers often use) failed the whole fetch with KafkaJSNotImplemented, and with it every partition that fetch
 * carried. The three codecs are registered here, when the messaging library is imported, through kafkajs' own
 * extension point (`CompressionCodecs`), and GZIP's is replaced by one that bounds what it decompresses to.
 *
 * - Snappy: Kafka's Java client writes Snappy in xerial's stream framing (a 16-byte header, then length-prefixed
 *   blocks); librdkafka may write a raw Snappy block. Both are read; what we write is xerial-framed, as Java writes.
 * - LZ4: the standard LZ4 frame (KIP-57; what every client writes for record batches of magic 2). Read only.
 * - ZSTD: standard zstd frames. Read only.
 * This library itself writes dead letters with GZIP and events uncompressed, so LZ4 and ZSTD compression is not
 * needed; asking for it fails with a clear error rather than writing something a Java consumer might not read.
 *
 * **Bounded.** A record batch decompresses to at most `maxDecompressedBatchBytes()` (64 MiB, or four times
 * NEWSROOM_MAX_EVENT_BYTES when that is more): a "bomb" of a few kilobytes on the submissions topic that would
 * decompress to gigabytes (a producer's mistake or an attack) is refused before its memory is taken. Each codec
 * reads the size from the data's own headers (zstd frames, LZ4 frames, Snappy lengths) or stops the output at the
 * bound (GZIP), so no more than the bound is ever allocated.
 *
 * **Unreadable batches are dead letters, not stalls.** A batch that is over the bound, corrupt or not what its codec
 * says cannot be read, and kafkajs gives a codec no way to skip it: a failure here failed every fetch of its
 * partition until someone deleted the records. Instead the codec hands kafkajs, in place of the batch's records, as
 * many stand-in records as the batch holds, at the batch's offsets, each carrying only a header that says why
 * (`unreadableReason`). The consumer turns them into messages with `unreadable` set, which every handler dead-letters
 * naming the partition and offset (what the codec itself is never told), and the partition goes on. The record count
 * and offsets come from the batch header, which kafkajs has read just before it hands the codec the bytes that
 * follow it (a view of the fetch response: `checkedBatchHeader` checks the header's length, magic and codec against
 * the bytes before using them). Where they cannot be found, the codec fails as it did before.
 */
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const MIB = 1024 * 1024;
const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * MIB;
let maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;

/** The most one record batch may decompress to in this process. */
export const maxDecompressedBatchBytes = (): number => maxDecompressedBytes;

/**
 * A client whose events may be `maxEventBytes` each lets a batch decompress to four times that when it is more than
 * 64 MiB (the bound only grows: one process may hold clients of several settings). `undefined` restores the default
 * (tests).
 */
export function allowDecompressedBatchBytesFor(maxEventBytes: number | undefined): void {
  maxDecompressedBytes = maxEventBytes === undefined ? DEFAULT_MAX_DECOMPRESSED_BYTES : Math.max(maxDecompressedBytes, 4 * maxEventBytes);
}

/** The output would be larger than the bound: said with the bound, in MiB. */
class OverBound extends Error {
  constructor(what: string) {
    super(`it decompresses to ${what} than the ${+(maxDecompressedBytes / MIB).toFixed(1)} MiB a record batch may take here`);
  }
}

/** xerial snappy-java's stream header: magic "\x82SNAPPY\0", then version 1 and minimum compatible version 1. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
/** snappy-java's default block size. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A raw Snappy block starts with its uncompressed length as a little-endian base-128 varint (at most 32 bits). */
function snappyLength(block: Buffer): number {
  let length = 0;
  for (let i = 0, shift = 0; i < 5 && i < block.length; i++, shift += 7) {
    length += (block[i] & 0x7f) * 2 ** shift;
    if ((block[i] & 0x80) === 0) return length;
  }
  throw new Error('snappy block without a valid length');
}

function snappyBlock(block: Buffer, budget: number): Buffer {
  if (snappyLength(block) > budget) throw new OverBound('more');
  return asBuffer(snappy.uncompress(block));
}

export function snappyDecompress(input: Buffer): Buffer {
  if (input.length < XERIAL_HEADER_BYTES || !input.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC))
    return snappyBlock(input, maxDecompressedBytes);
  const blocks: Buffer[] = [];
  let total = 0;
  let at = XERIAL_HEADER_BYTES;
  while (at < input.length) {
    if (at + 4 > input.length) throw new Error('xerial snappy frame cut inside a block length');
    const size = input.readInt32BE(at);
    at += 4;
    if (size < 0 || at + size > input.length) throw new Error(`xerial snappy block of ${size} bytes runs past the frame`);
    const block = snappyBlock(input.subarray(at, at + size), maxDecompressedBytes - total);
    total += block.length;
    blocks.push(block);
    at += size;
  }
  return Buffer.concat(blocks);
}

export function snappyCompress(input: Buffer): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (let at = 0; at < input.length; at += XERIAL_BLOCK_BYTES) {
    const block = asBuffer(snappy.compress(input.subarray(at, at + XERIAL_BLOCK_BYTES)));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** lz4js sizes its output from the frame (its content size, or its blocks times their largest size) before it writes. */
export function lz4Decompress(input: Buffer): Buffer {
  const bound = lz4.decompressBound(input);
  if (bound > maxDecompressedBytes) throw new OverBound('more');
  return asBuffer(lz4.decompress(input, bound));
}

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_BLOCK_MAX = 128 * 1024;

/**
 * What fzstd would allocate for these zstd frames, read from their headers and block headers without decompressing:
 * each frame takes its content size when it states one, else its window, and yields at most its blocks' sizes (a
 * compressed block at most min(window, 128 KiB)). The larger of the two sums is what decompressing may take.
 */
function zstdBound(input: Buffer): number {
  let at = 0;
  let allocated = 0;
  let output = 0;
  while (at < input.length) {
    if (at + 4 > input.length) throw new Error('zstd data cut inside a frame magic');
    const magic = input.readUInt32LE(at);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // A skippable frame: its size, then that many bytes of nothing to decompress.
      if (at + 8 > input.length) throw new Error('zstd skippable frame cut');
      at += 8 + input.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new Error('not a zstd frame');
    const flags = input[at + 4];
    const singleSegment = (flags >> 5) & 1;
    const dictionaryBytes = [0, 1, 2, 4][flags & 3];
    const contentSizeFlag = flags >> 6;
    const contentSizeBytes = contentSizeFlag ? 1 << contentSizeFlag : singleSegment;
    let headerAt = at + 5;
    let window = 0;
    if (!singleSegment) {
      const descriptor = input[headerAt++];
      const base = 2 ** (10 + (descriptor >> 3));
      window = base + (base / 8) * (descriptor & 7);
    }
    headerAt += dictionaryBytes;
    let contentSize = -1;
    if (contentSizeBytes) {
      if (headerAt + contentSizeBytes > input.length) throw new Error('zstd frame header cut');
      contentSize =
        contentSizeBytes === 1
          ? input[headerAt]
          : contentSizeBytes === 2
            ? input.readUInt16LE(headerAt) + 256
            : contentSizeBytes === 4
              ? input.readUInt32LE(headerAt)
              : Number(input.readBigUInt64LE(headerAt));
      headerAt += contentSizeBytes;
    }
    if (singleSegment) window = contentSize;
    const blockMax = Math.min(window, ZSTD_BLOCK_MAX);
    at = headerAt;
    let frameOutput = 0;
    for (let last = 0; !last;) {
      if (at + 3 > input.length) throw new Error('zstd frame cut inside a block header');
      const header = input[at] | (input[at + 1] << 8) | (input[at + 2] << 16);
      last = header & 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw new Error('zstd block of a reserved type');
      // Raw: `size` bytes follow; RLE: one byte repeated `size` times; compressed: `size` bytes yield at most blockMax.
      frameOutput += type === 2 ? blockMax : size;
      at += 3 + (type === 1 ? 1 : size);
    }
    if (flags & 4) at += 4; // content checksum
    allocated += contentSize > 0 ? contentSize : window;
    output += contentSize >= 0 ? contentSize : frameOutput;
    if (allocated > maxDecompressedBytes || output > maxDecompressedBytes) throw new OverBound('more');
  }
  return Math.max(allocated, output);
}

export function zstdDecompressBuffer(input: Buffer): Buffer {
  zstdBound(input);
  return asBuffer(zstdDecompress(input));
}

/** GZIP (or zlib's deflate, which kafkajs' own codec read too): stopped at the bound. */
async function gzipDecompress(input: Buffer): Promise<Buffer> {
  try {
    return await unzip(input, { maxOutputLength: maxDecompressedBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new OverBound('more');
    throw error;
  }
}

// ---- Unreadable batches: stand-in records ----

/** The header a stand-in record carries: this process's token, a space, why the batch could not be read. */
export const UNREADABLE_HEADER = 'newsroom-unreadable-batch';
/** Random per process: a producer cannot make its own record look like a stand-in. */
const TOKEN = randomUUID();
/** More records than this in one batch: the stand-ins are not made (the codec fails as before). */
const MAX_STAND_INS = 100_000;
/** A v2 record batch's header after its length field, up to and with the record count (49 bytes; KIP-98). */
const HEADER_AFTER_LENGTH = 49;
const CODEC_IDS: Record<string, number> = { GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 };

/**
 * The stand-in's reason when a message's headers carry one made by this process (`UNREADABLE_HEADER`), else null.
 */
export function unreadableReason(headers: Record<string, unknown> | undefined): string | null {
  const value = headers?.[UNREADABLE_HEADER];
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : null;
  return text?.startsWith(`${TOKEN} `) ? text.slice(TOKEN.length + 1) : null;
}

/**
 * The record count and last offset delta of the batch these compressed records belong to, read from the bytes
 * before them in the fetch response, when those bytes are this batch's header (its length, magic 2 and codec
 * agree); else null.
 */
function checkedBatchHeader(records: Buffer, codecName: string): { count: number; lastOffsetDelta: number } | null {
  const start = records.byteOffset - HEADER_AFTER_LENGTH - 4;
  if (start < 0) return null;
  const header = Buffer.from(records.buffer, records.byteOffset - HEADER_AFTER_LENGTH - 4, HEADER_AFTER_LENGTH + 4);
  const length = header.readInt32BE(0);
  const magic = header.readInt8(8);
  const attributes = header.readInt16BE(13);
  const lastOffsetDelta = header.readInt32BE(15);
  const count = header.readInt32BE(49);
  if (length !== HEADER_AFTER_LENGTH + records.length || magic !== 2 || (attributes & 7) !== CODEC_IDS[codecName]) return null;
  if (count < 1 || count > MAX_STAND_INS || lastOffsetDelta < count - 1) return null;
  return { count, lastOffsetDelta };
}

/** Kafka's zig-zag varint (records v2). */
function varint(value: number): Buffer {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  do {
    let byte = zigzag % 128;
    zigzag = Math.floor(zigzag / 128);
    if (zigzag > 0) byte |= 0x80;
    bytes.push(byte);
  } while (zigzag > 0);
  return Buffer.from(bytes);
}

/** `count` v2 records at offset deltas 0, 1, ... and the last at `lastOffsetDelta`: no key, no value, one header. */
function standIns(count: number, lastOffsetDelta: number, reason: string): Buffer {
  const name = Buffer.from(UNREADABLE_HEADER);
  const value = Buffer.from(`${TOKEN} ${reason}`);
  const tail = Buffer.concat([varint(-1), varint(-1), varint(1), varint(name.length), name, varint(value.length), value]);
  const records: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const body = Buffer.concat([Buffer.from([0]), varint(0), varint(i === count - 1 ? lastOffsetDelta : i), tail]);
    records.push(varint(body.length), body);
  }
  return Buffer.concat(records);
}

/**
 * A batch that cannot be decompressed (over the bound, corrupt, or not what its codec says): stand-in records when
 * the batch header is found (see above), else a failure at once, not retriable (kafkajs would otherwise retry the
 * same fetch for about 40 s while readiness says running); the ManagedConsumer then replaces the consumer with
 * growing backoff and readiness shows this message.
 */
function unreadable(codecName: string, records: Buffer, error: unknown): Buffer {
  const why = `cannot decompress a ${codecName} record batch: ${(error as Error)?.message ?? String(error)}`;
  const header = checkedBatchHeader(records, codecName);
  if (header)
    return standIns(
      header.count,
      header.lastOffsetDelta,
      `${why.slice(0, 500)} (${header.count} records, ${records.length} bytes compressed)`,
    );
  const failure = new Error(`${why} (the partition stops at that batch until it is readable or deleted)`);
  (failure as Error & { retriable: boolean }).retriable = false;
  throw failure;
}

function codec(
  name: string,
  decompress: (input: Buffer) => Buffer | Promise<Buffer>,
  compress?: (input: Buffer) => Buffer | Promise<Buffer>,
): () => Codec {
  const made: Codec = {
    compress: async ({ buffer }) => {
      if (!compress) throw new Error(`${name} compression is not supported for writing here (only for reading): send with GZIP or none`);
      return compress(buffer);
    },
    decompress: async (buffer) => {
      try {
        return await decompress(buffer);
      } catch (error) {
        return unreadable(name, buffer, error);
      }
    },
  };
  return () => made;
}

CompressionCodecs[CompressionTypes.GZIP] = codec('GZIP', gzipDecompress, gzip);
CompressionCodecs[CompressionTypes.Snappy] = codec('Snappy', snappyDecompress, snappyCompress);
CompressionCodecs[CompressionTypes.LZ4] = codec('LZ4', lz4Decompress);
CompressionCodecs[CompressionTypes.ZSTD] = codec('ZSTD', zstdDecompressBuffer);
