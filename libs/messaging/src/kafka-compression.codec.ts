import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { decompress as zstdDecompress } from 'fzstd';

// snappyjs and lz4js are pure JavaScript (no native build, no install script) and ship no types: the calls used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS package
const snappy = require('snappyjs') as { compress(input: Buffer): Uint8Array; uncompress(input: Buffer): Uint8Array };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS package
const lz4 = require('lz4js') as { decompress(input: Uint8Array): Uint8Array };

/**
 * kafkajs 2.2.4 reads only GZIP: a record batch compressed with Snappy, LZ4 or ZSTD (what Java and librdkafka
 * producers often use) failed the whole fetch with KafkaJSNotImplemented, and with it every partition that fetch
 * carried. The three codecs are registered here, when the messaging library is imported, through kafkajs' own
 * extension point (`CompressionCodecs`).
 *
 * - Snappy: Kafka's Java client writes Snappy in xerial's stream framing (a 16-byte header, then length-prefixed
 *   blocks); librdkafka may write a raw Snappy block. Both are read; what we write is xerial-framed, as Java writes.
 * - LZ4: the standard LZ4 frame (KIP-57; what every client writes for record batches of magic 2). Read only.
 * - ZSTD: standard zstd frames. Read only.
 * This library itself writes dead letters with GZIP and events uncompressed, so LZ4 and ZSTD compression is not
 * needed; asking for it fails with a clear error rather than writing something a Java consumer might not read.
 */
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** xerial snappy-java's stream header: magic "\x82SNAPPY\0", then version 1 and minimum compatible version 1. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
/** snappy-java's default block size. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function snappyDecompress(input: Buffer): Buffer {
  if (input.length < XERIAL_HEADER_BYTES || !input.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC))
    return asBuffer(snappy.uncompress(input));
  const blocks: Buffer[] = [];
  let at = XERIAL_HEADER_BYTES;
  while (at < input.length) {
    if (at + 4 > input.length) throw new Error('xerial snappy frame cut inside a block length');
    const size = input.readInt32BE(at);
    at += 4;
    if (size < 0 || at + size > input.length) throw new Error(`xerial snappy block of ${size} bytes runs past the frame`);
    blocks.push(asBuffer(snappy.uncompress(input.subarray(at, at + size))));
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

export const lz4Decompress = (input: Buffer): Buffer => asBuffer(lz4.decompress(input));
export const zstdDecompressBuffer = (input: Buffer): Buffer => asBuffer(zstdDecompress(input));

/**
 * A batch that cannot be decompressed (corrupt, or a codec this code does not know) fails the consumer at once and
 * not retriable (kafkajs would otherwise retry the same fetch for about 40 s while readiness says running); the
 * ManagedConsumer then replaces the consumer with growing backoff and readiness shows this message.
 */
function decompressionFailed(codec: string, error: unknown): Error {
  const failure = new Error(
    `cannot decompress a ${codec} record batch: ${(error as Error)?.message ?? String(error)} (the partition stops at that batch until it is readable or deleted)`,
  );
  (failure as Error & { retriable: boolean }).retriable = false;
  return failure;
}

function codec(name: string, decompress: (input: Buffer) => Buffer, compress?: (input: Buffer) => Buffer): () => Codec {
  const made: Codec = {
    compress: async ({ buffer }) => {
      if (!compress) throw new Error(`${name} compression is not supported for writing here (only for reading): send with GZIP or none`);
      return compress(buffer);
    },
    decompress: async (buffer) => {
      try {
        return decompress(buffer);
      } catch (error) {
        throw decompressionFailed(name, error);
      }
    },
  };
  return () => made;
}

CompressionCodecs[CompressionTypes.Snappy] = codec('Snappy', snappyDecompress, snappyCompress);
CompressionCodecs[CompressionTypes.LZ4] = codec('LZ4', lz4Decompress);
CompressionCodecs[CompressionTypes.ZSTD] = codec('ZSTD', zstdDecompressBuffer);
