import { batchBodyBytes, limitOf413, packed, sizeBytes } from './body-limit.util';

describe('body limits', () => {
  it('reads sizes as the service does (1 kb = 1024 bytes), and refuses what is not one', () => {
    expect(sizeBytes('2048kb')).toBe(2048 * 1024);
    expect(sizeBytes('2mb')).toBe(2 * 1024 * 1024);
    expect(sizeBytes('1500')).toBe(1500);
    expect(sizeBytes('lots')).toBeNull();
  });

  it('learns the limit a 413 problem names', () => {
    expect(limitOf413({ code: 'REQUEST.TOO_LARGE', detail: 'The body exceeds the limit of 512kb.' })).toBe(512 * 1024);
    expect(limitOf413({ detail: 'too big' })).toBeNull();
    expect(limitOf413(undefined)).toBeNull();
  });

  it('counts the bytes of the batch body exactly as JSON.stringify writes it', () => {
    const events = [{ a: 'é' }, { b: 1 }, { c: [1, 2] }];
    const sizes = events.map((e) => Buffer.byteLength(JSON.stringify(e)));
    expect(batchBodyBytes(sizes)).toBe(Buffer.byteLength(JSON.stringify({ events })));
    expect(batchBodyBytes([])).toBe(Buffer.byteLength(JSON.stringify({ events: [] })));
  });

  it('cuts envelopes in order into batches under the limit; one too large alone is a batch of its own', () => {
    const items = [100, 100, 100, 500, 50].map((bytes, i) => ({ i, bytes }));
    // 13 bytes of {"events":[]} and a comma between envelopes: 100 + 100 + 1 + 13 = 214.
    expect(packed(items, 214).map((g) => g.map((x) => x.i))).toEqual([[0, 1], [2], [3], [4]]);
    expect(packed(items, 10_000).map((g) => g.length)).toEqual([5]);
  });
});
