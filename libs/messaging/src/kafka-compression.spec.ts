import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { KafkaClient } from '@newsroom/messaging';
import {
  lz4Decompress,
  maxDecompressedBatchBytes,
  snappyCompress,
  snappyDecompress,
  UNREADABLE_HEADER,
  unreadableReason,
  zstdDecompressBuffer,
} from './kafka-compression.codec';
import { requireFromKafkajs as req } from './kafkajs-request-queue.util';

// Importing the library registers the codecs (kafka.client imports them): the same kafkajs every client runs.
void KafkaClient;

const TEXT = '{"type":"executive.departed","n":1}{"type":"executive.departed","n":1}';
// Written by the reference tools on this machine: `lz4 -c` (frame with content checksum), `lz4 --no-frame-crc -BD`
// (linked blocks, no checksum), `zstd -c`.
const LZ4_FRAME =
  '04224d186440a72e000000ff147b2274797065223a226578656375746976652e6465706172746564222c226e223a317d23000b506e223a317d0000000051fcaf97';
const LZ4_FRAME_LINKED =
  '04224d186040822e000000ff147b2274797065223a226578656375746976652e6465706172746564222c226e223a317d23000b506e223a317d00000000';
const ZSTD_FRAME = '28b52ffd24465d010034027b2274797065223a226578656375746976652e6465706172746564222c226e223a317d01006348f504a88776a4';

type RecordBatchOf = (options: {
  compression: number;
  firstTimestamp: number;
  maxTimestamp: number;
  lastOffsetDelta?: number;
  records: unknown[];
}) => Promise<{
  buffer: Buffer;
}>;
type RecordOf = (options: { offsetDelta: number; key: string; value: Buffer; headers: Record<string, string> }) => unknown;
type DecodedBatch = { records: Array<{ key: Buffer | null; value: Buffer | null; offset: string; headers: Record<string, Buffer> }> };
const { RecordBatch } = req('./src/protocol/recordBatch/v0/index.js') as { RecordBatch: RecordBatchOf };
const Record = req('./src/protocol/recordBatch/record/v0/index.js') as RecordOf;
const Decoder = req('./src/protocol/decoder.js') as new (buffer: Buffer) => unknown;
const decodeBatch = req('./src/protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<DecodedBatch>;

/** A record batch as kafkajs writes it to a produce request (base offset, length, batch): what a fetch hands back. */
async function throughKafkajs(compression: CompressionTypes, values: Buffer[]): Promise<DecodedBatch> {
  const now = Date.now();
  const records = values.map((value, i) => Record({ offsetDelta: i, key: `k${i}`, value, headers: { h: `v${i}` } }));
  const batch = await RecordBatch({ compression, firstTimestamp: now, maxTimestamp: now, records });
  return decodeBatch(new Decoder(batch.buffer));
}

describe('compression codecs of record batches', () => {
  it('given a batch compressed with Snappy by kafkajs, when decoded, then every record comes back (xerial framing, blocks of 32 KiB)', async () => {
    const values = [Buffer.from(TEXT), randomBytes(70_000), Buffer.from('x'.repeat(100_000))];
    const decoded = await throughKafkajs(CompressionTypes.Snappy, values);
    expect(decoded.records.map((r) => r.value)).toEqual(values);
    expect(decoded.records.map((r) => [r.key?.toString(), r.offset, r.headers.h.toString()])).toEqual([
      ['k0', '0', 'v0'],
      ['k1', '1', 'v1'],
      ['k2', '2', 'v2'],
    ]);
  });

  it('given Snappy data in xerial framing, then it starts with the header Java writes; a raw Snappy block (librdkafka) is read too', () => {
    const framed = snappyCompress(Buffer.from(TEXT));
    expect(framed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    expect(snappyDecompress(framed).toString()).toBe(TEXT);
    // A raw block: the xerial frame's only block, without the header and its length.
    expect(snappyDecompress(framed.subarray(20)).toString()).toBe(TEXT);
    expect(snappyDecompress(snappyCompress(Buffer.alloc(0)))).toEqual(Buffer.alloc(0));
  });

  it('given LZ4 frames as the reference lz4 tool writes them (checksummed, or linked blocks), when decompressed, then the text is back', () => {
    expect(lz4Decompress(Buffer.from(LZ4_FRAME, 'hex')).toString()).toBe(TEXT);
    expect(lz4Decompress(Buffer.from(LZ4_FRAME_LINKED, 'hex')).toString()).toBe(TEXT);
  });

  it('given a zstd frame as the reference zstd tool writes it, when decompressed, then the text is back', () => {
    expect(zstdDecompressBuffer(Buffer.from(ZSTD_FRAME, 'hex')).toString()).toBe(TEXT);
  });

  it('given data that is not what its codec says, then decompressing fails at once, not retriable, naming the codec', async () => {
    for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD] as const) {
      const failure = (CompressionCodecs[type]() as { decompress(b: Buffer): Promise<Buffer> }).decompress(
        Buffer.from('not compressed at all'),
      );
      await expect(failure).rejects.toMatchObject({
        retriable: false,
        message: expect.stringMatching(/^cannot decompress a (Snappy|LZ4|ZSTD) record batch/),
      });
    }
  });

  it('given LZ4 or ZSTD asked for writing, then it fails with a message saying to use GZIP (reading only)', async () => {
    const codec = CompressionCodecs[CompressionTypes.LZ4]() as { compress(e: { buffer: Buffer }): Promise<Buffer> };
    await expect(codec.compress({ buffer: Buffer.from(TEXT) })).rejects.toThrow(/LZ4 compression is not supported for writing/);
  });

  describe('bounded, and unreadable batches handed on as stand-in records', () => {
    type Writable = { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
    const MIB = 1024 * 1024;

    /** A batch whose compressed bytes are `bytes` (what a producer wrote), decoded by the registered codec. */
    async function batchWritten(type: CompressionTypes, bytes: Buffer, count: number): Promise<DecodedBatch> {
      const codecs = CompressionCodecs as Record<number, () => Writable>;
      const real = codecs[type];
      const made = real();
      codecs[type] = () => ({ ...made, compress: async () => bytes });
      try {
        const now = Date.now();
        const records = Array.from({ length: count }, (_, i) =>
          Record({ offsetDelta: i, key: `k${i}`, value: Buffer.from('v'), headers: {} }),
        );
        // As kafkajs' producer writes it: the last record's delta in the header.
        const batch = await RecordBatch({ compression: type, firstTimestamp: now, maxTimestamp: now, lastOffsetDelta: count - 1, records });
        codecs[type] = real;
        return await decodeBatch(new Decoder(batch.buffer));
      } finally {
        codecs[type] = real;
      }
    }

    const reasons = (decoded: DecodedBatch) => decoded.records.map((r) => unreadableReason(r.headers));

    it('given a GZIP batch that decompresses past the bound (a bomb of a few kB), then its records come as stand-ins at their offsets, saying why', async () => {
      const bomb = gzipSync(Buffer.alloc(maxDecompressedBatchBytes() + MIB));
      expect(bomb.length).toBeLessThan(100 * 1024);
      const decoded = await batchWritten(CompressionTypes.GZIP, bomb, 3);
      expect(decoded.records.map((r) => [r.offset, r.key, r.value])).toEqual([
        ['0', null, null],
        ['1', null, null],
        ['2', null, null],
      ]);
      expect(reasons(decoded)).toEqual(
        Array(3).fill(
          expect.stringMatching(
            /^cannot decompress a GZIP record batch: it decompresses to more than the 64 MiB .*\(3 records, \d+ bytes compressed\)$/,
          ),
        ),
      );
    });

    it('given Snappy, LZ4 or ZSTD data whose own header claims more than the bound, then nothing that large is allocated: stand-ins', async () => {
      // A raw Snappy block claiming 1 GiB (varint), an LZ4 frame stating a content size of 1 GiB, a zstd frame of 1 GiB.
      const snappyBomb = Buffer.concat([Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04]), randomBytes(64)]);
      const lz4Bomb = Buffer.concat([
        Buffer.from('04224d18', 'hex'),
        Buffer.from([0x48, 0x40]),
        Buffer.from('0000004000000000', 'hex'),
        randomBytes(16),
      ]);
      const zstdBomb = Buffer.concat([
        Buffer.from('28b52ffd', 'hex'),
        Buffer.from([0xe0]),
        Buffer.from('0000004000000000', 'hex'),
        Buffer.from([1, 0, 0]),
      ]);
      expect(() => snappyDecompress(snappyBomb)).toThrow(/more than the 64 MiB/);
      expect(() => lz4Decompress(lz4Bomb)).toThrow(/more than the 64 MiB/);
      expect(() => zstdDecompressBuffer(zstdBomb)).toThrow(/more than the 64 MiB/);
      const decoded = await batchWritten(CompressionTypes.Snappy, snappyBomb, 2);
      expect(decoded.records.map((r) => r.offset)).toEqual(['0', '1']);
      expect(reasons(decoded)).toEqual(
        Array(2).fill(expect.stringMatching(/^cannot decompress a Snappy record batch: it decompresses to more/)),
      );
    });

    it('given a corrupt batch, then its records come as stand-ins too; readable data just under the bound is read', async () => {
      const decoded = await batchWritten(CompressionTypes.ZSTD, Buffer.from('not zstd at all'), 2);
      expect(reasons(decoded)).toEqual(Array(2).fill(expect.stringMatching(/^cannot decompress a ZSTD record batch: not a zstd frame/)));
      const large = Buffer.alloc(maxDecompressedBatchBytes() - MIB, 'a');
      expect((await (CompressionCodecs[CompressionTypes.GZIP]() as Writable).decompress(gzipSync(large))).length).toBe(large.length);
    });

    it('given a record whose producer set the stand-in header itself, then it is not taken for a stand-in (a per-process token)', () => {
      expect(unreadableReason({ [UNREADABLE_HEADER]: Buffer.from('00000000-0000-0000-0000-000000000000 forged') })).toBeNull();
      expect(unreadableReason({ other: Buffer.from('x') })).toBeNull();
    });
  });
});
