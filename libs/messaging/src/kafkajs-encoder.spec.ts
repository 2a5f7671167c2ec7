import { dirname, join } from 'node:path';
import type { StoredEvent } from '@newsroom/event-store';
import { encodeWireMessage } from '@newsroom/messaging';
import { type EncoderClass, kafkaEncoderPatch, patchKafkajsEncoder } from './kafkajs-encoder.util';
import { PATCHED_KAFKAJS_VERSION, requireFromKafkajs as req } from './kafkajs-request-queue.util';

type Encoder = InstanceType<EncoderClass> & Record<string, (...args: unknown[]) => Encoder>;
type RecordBatchOf = (options: { firstTimestamp: number; maxTimestamp: number; records: unknown[] }) => Promise<{ buffer: Buffer }>;
type RecordOf = (options: { offsetDelta: number; key: string; value: Buffer; headers: Record<string, string> }) => unknown;
interface Protocol {
  Encoder: EncoderClass;
  RecordBatch: RecordBatchOf;
  Record: RecordOf;
}

const load = (r: (path: string) => unknown): Protocol => ({
  Encoder: r('./src/protocol/encoder.js') as EncoderClass,
  RecordBatch: (r('./src/protocol/recordBatch/v0/index.js') as { RecordBatch: RecordBatchOf }).RecordBatch,
  Record: r('./src/protocol/recordBatch/record/v0/index.js') as RecordOf,
});
/** The kafkajs every client of this package runs: patched by importing the messaging library. */
const patched = load(req);
/** The same modules loaded afresh, as kafkajs ships them. */
let shipped!: Protocol;
jest.isolateModules(() => {
  const root = dirname(require.resolve('kafkajs/package.json'));
  // jest's own require: inside isolateModules it loads the modules afresh, which a static import cannot.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  shipped = load((path) => require(join(root, path)));
});

/** Every fresh buffer the patched encoder takes is filled with garbage first: a byte it does not write shows. */
async function withDirtyBuffers<T>(run: () => T | Promise<T>): Promise<T> {
  const allocUnsafe = Buffer.allocUnsafe;
  const spy = jest.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => allocUnsafe(size).fill(0xa5));
  try {
    return await run();
  } finally {
    spy.mockRestore();
  }
}

/** A write on each side (given the side's encoder and its class, for nested ones): the two buffers, in hex. */
type Write = (e: Encoder, E: EncoderClass) => unknown;
async function bothSides(write: Write): Promise<{ shipped: string; patched: string }> {
  const onSide = (E: EncoderClass) => {
    const e = new E() as Encoder;
    write(e, E);
    return e.buffer.toString('hex');
  };
  return { shipped: onSide(shipped.Encoder), patched: await withDirtyBuffers(() => onSide(patched.Encoder)) };
}

const VARINTS = [0, 1, -1, 63, 64, -64, -65, 127, 128, 300, -300, 16_383, 16_384, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, -(2 ** 31)];
const TEXTS = ['', 'a', 'ce_type', 'person:jane-doe', 'Société Générale — « directeur »', '😀 and \u{10ffff}', 'x'.repeat(700)];
const big = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31) & 0xff));

/** One call (or a few) of each writer the encoder has; a writer added by another kafkajs fails the coverage case. */
const WRITES: Record<string, Write[]> = {
  writeInt8: [-128, 0, 127].map((v) => (e) => e.writeInt8(v)),
  writeInt16: [-32_768, 0, 513].map((v) => (e) => e.writeInt16(v)),
  writeInt32: [-(2 ** 31), 0, 2 ** 31 - 1].map((v) => (e) => e.writeInt32(v)),
  writeUInt32: [0, 2 ** 32 - 1, 0xdeadbeef].map((v) => (e) => e.writeUInt32(v)),
  writeInt64: [0, -1, '9223372036854775807', '-9223372036854775808', 1_733_400_000_000].map((v) => (e) => e.writeInt64(v)),
  writeDouble: [0, -1.5, Math.PI, Number.MAX_VALUE].map((v) => (e) => e.writeDouble(v)),
  writeBoolean: [true, false].map((v) => (e) => e.writeBoolean(v)),
  writeString: [null, ...TEXTS].map((v) => (e) => e.writeString(v)),
  writeVarIntString: [null, ...TEXTS].map((v) => (e) => e.writeVarIntString(v)),
  writeUVarIntString: [null, ...TEXTS].map((v) => (e) => e.writeUVarIntString(v)),
  writeBytes: [null, big(0), big(9), big(5000), ...TEXTS].map((v) => (e) => e.writeBytes(v)),
  writeVarIntBytes: [null, big(0), big(9), big(5000), ...TEXTS].map((v) => (e) => e.writeVarIntBytes(v)),
  writeUVarIntBytes: [null, big(0), big(9), big(5000), ...TEXTS].map((v) => (e) => e.writeUVarIntBytes(v)),
  writeBuffer: [big(1), big(600), big(70_000)].map((v) => (e) => e.writeBuffer(v)),
  writeVarInt: VARINTS.map((v) => (e) => e.writeVarInt(v)),
  writeUVarInt: [...VARINTS, 2 ** 32 + 5, 2 ** 40].map((v) => (e) => e.writeUVarInt(v)),
  writeVarLong: [...VARINTS, '9223372036854775807', '-9223372036854775808'].map((v) => (e) => e.writeVarLong(v)),
  writeArray: [(e) => e.writeArray([1, 2, 3], 'int32'), (e) => e.writeArray(TEXTS, 'string'), (e) => e.writeArray([1, 'two', 3])],
  writeNullableArray: [(e) => e.writeNullableArray([]), (e) => e.writeNullableArray([7, 8], 'int32')],
  // Nested encoders: each side nests its own kind.
  writeEncoder: [(e, E) => e.writeEncoder((new E() as Encoder).writeVarIntString('inner').writeInt32(5))],
  writeEncoderArray: [(e, E) => e.writeEncoderArray(TEXTS.map((t) => (new E() as Encoder).writeVarIntString(t)))],
  writeVarIntArray: [
    (e, E) =>
      e.writeVarIntArray(
        TEXTS.map((t) => (new E() as Encoder).writeString(t)),
        'object',
      ),
  ],
  writeUVarIntArray: [
    (e, E) =>
      e.writeUVarIntArray(
        TEXTS.map((t) => (new E() as Encoder).writeString(t)),
        'object',
      ),
    (e) => e.writeUVarIntArray(null),
  ],
};
const stored = (i: number): StoredEvent => ({
  globalPosition: String(1_000_000 + i),
  eventId: `0b5cbd2e-2f59-4f0e-9a57-${String(i).padStart(12, '0')}`,
  streamId: `person:jane-doe-${i % 7}`,
  streamVersion: i + 1,
  type: 'executive.appointed',
  schemaVersion: 1,
  occurredAt: '2025-01-15',
  occurredStart: '2025-01-15T00:00:00.000Z',
  occurredEnd: '2025-01-16T00:00:00.000Z',
  recordedAt: '2026-12-05T19:00:00.123Z',
  data: { organization: 'org:openai', role: 'Directrice financière', roleCategory: 'cfo', note: 'é'.repeat(i * 37) },
  sources: [{ outlet: 'Le Monde', url: `https://example.com/${i}`, language: 'fr' }],
  modality: 'reported',
  metadata: { correlationId: `c-${i}`, causationId: null, actor: 'spec' },
  contentHash: 'h',
});

describe('kafkajs protocol Encoder: pooled buffers and in-place varints, the same bytes', () => {
  it('is patched on the kafkajs this repository pins, once, by importing the messaging library', () => {
    // Another kafkajs version fails here: look at its Encoder again before moving the pin.
    expect(req('./package.json').version).toBe(PATCHED_KAFKAJS_VERSION);
    expect(kafkaEncoderPatch).toBe('patched');
    expect(patchKafkajsEncoder()).toBe('already patched');
    expect(shipped.Encoder).not.toBe(patched.Encoder);
    // The fresh copy is kafkajs as shipped: a new encoder holds its 512 zeroed bytes there, none here.
    expect((new shipped.Encoder() as Encoder).buf).toHaveLength(512);
    expect((new patched.Encoder() as Encoder).buf).toHaveLength(0);
  });

  it('exercises every writer kafkajs has (a new one must be looked at before the pin moves)', () => {
    const writers = Object.getOwnPropertyNames(shipped.Encoder.prototype).filter(
      (m) => m.startsWith('write') && m !== 'writeBufferInternal',
    );
    expect(writers.sort()).toEqual(Object.keys(WRITES).sort());
  });

  it.each(Object.entries(WRITES))('%s writes the bytes kafkajs writes, each case alone and all in one buffer', async (_name, cases) => {
    for (const write of cases) {
      const written = await bothSides(write);
      expect(written.patched).toBe(written.shipped);
    }
    // One after another in the same encoder: growth from the pool, across the 512-byte first capacity.
    const all = await bothSides((e, E) => cases.forEach((write) => write(e, E)));
    expect(all.patched).toBe(all.shipped);
  });

  it("encodes the relay's record batch byte for byte as kafkajs did: keys, 16 headers, values of 0.5-22 KB", async () => {
    const messages = Array.from({ length: 300 }, (_, i) => encodeWireMessage(stored(i), 'store-1', i ? String(999_999 + i) : null).message);
    const batch = async (p: Protocol) =>
      (
        await p.RecordBatch({
          firstTimestamp: 1_733_400_000_000,
          maxTimestamp: 1_733_400_000_009,
          records: messages.map((m, offsetDelta) => p.Record({ offsetDelta, key: m.key, value: m.value, headers: m.headers })),
        })
      ).buffer;
    const expected = await batch(shipped);
    const actual = await withDirtyBuffers(() => batch(patched));
    expect(actual.length).toBe(expected.length);
    expect(actual.equals(expected)).toBe(true);
    expect(Object.keys(messages[1].headers)).toHaveLength(16);
  });
});
