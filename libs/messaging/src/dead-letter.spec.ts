import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { recordBytes } from '@newsroom/platform';
import { IncomingMessage } from './messaging.types';
import { deadLetterOf, fitDeadLetter } from './dead-letter.util';

const BUDGET = 1024 * 1024;
const source = { 'error-code': 'EVENT.TOO_LARGE', 'source-topic': 't', 'source-partition': '3', 'source-offset': '41' };

const incoming = (raw: IncomingMessage['raw']): IncomingMessage => ({
  topic: 't',
  partition: 3,
  offset: '41',
  key: null,
  value: Buffer.alloc(0),
  headers: {},
  raw,
});

describe('a dead letter', () => {
  it('given a key and headers that are not UTF-8, a header twice and a tombstone, then it repeats them byte for byte', () => {
    const letter = deadLetterOf(
      incoming({
        key: Buffer.from([0xff, 0xfe, 0x41]),
        value: null,
        headers: { 'x-bin': [Buffer.from([0xc3, 0x28, 0xff])], 'x-rep': [Buffer.from('one'), Buffer.from('two')] },
      }),
      source,
    );
    expect(letter.key).toEqual(Buffer.from([0xff, 0xfe, 0x41]));
    expect(letter.value).toBeNull();
    expect(letter.headers!['x-bin']).toEqual(Buffer.from([0xc3, 0x28, 0xff]));
    expect(letter.headers!['x-rep']).toEqual([Buffer.from('one'), Buffer.from('two')]);
    expect(letter.headers).toMatchObject(source);
  });

  it("given a producer's headers named like the service's (and like a cut note), then they are kept as original-<name>, again while taken", () => {
    const letter = deadLetterOf(
      incoming({
        key: null,
        value: Buffer.from('x'),
        headers: {
          'error-code': [Buffer.from('mine')],
          'original-error-code': [Buffer.from('mine too')],
          'value-truncated': [Buffer.from('no')],
          ['__proto__']: [Buffer.from('odd but kept')],
        },
      }),
      source,
    );
    expect(letter.headers!['error-code']).toBe('EVENT.TOO_LARGE');
    expect(letter.headers!['original-error-code']).toEqual(Buffer.from('mine'));
    expect(letter.headers!['original-original-error-code']).toEqual(Buffer.from('mine too'));
    expect(letter.headers!['original-value-truncated']).toEqual(Buffer.from('no'));
    expect(Object.getOwnPropertyDescriptor(letter.headers, '__proto__')?.value).toEqual(Buffer.from('odd but kept'));
  });

  it('given a message built without its raw bytes (a unit test), then its decoded fields are used', () => {
    const letter = deadLetterOf({ topic: 't', partition: 0, offset: '1', key: 'k', value: Buffer.from('v'), headers: { a: 'b' } }, source);
    expect(letter).toMatchObject({ key: Buffer.from('k'), value: Buffer.from('v'), headers: { a: Buffer.from('b') } });
  });
});

describe('fitting a dead letter to the topic', () => {
  it('given a letter within the budget, then it goes as it is', () => {
    const letter = { key: 'k', value: Buffer.from('{}'), headers: source };
    expect(fitDeadLetter(letter, BUDGET)).toEqual({ message: letter, cut: [] });
  });

  it('given a 3 MB value that compresses well, then it goes whole (sent with GZIP)', () => {
    const value = Buffer.from(JSON.stringify({ data: 'a'.repeat(3_000_000) }));
    const { message, cut } = fitDeadLetter({ key: 'k', value, headers: source }, BUDGET);
    expect(cut).toEqual([]);
    expect(message.value).toBe(value);
  });

  it('given a value that does not compress, then it is cut to fit even uncompressed, and value-truncated gives its size', () => {
    const value = randomBytes(3_000_314);
    const { message, cut } = fitDeadLetter({ key: Buffer.from([0xff]), value, headers: { 'x-mine': 'kept', ...source } }, BUDGET);
    expect(cut).toEqual(['value-truncated: 3000314']);
    expect(recordBytes(message)).toBeLessThanOrEqual(BUDGET);
    expect(gzipSync(message.value as Buffer).length).toBeLessThanOrEqual(BUDGET);
    expect(value.subarray(0, (message.value as Buffer).length)).toEqual(message.value);
    expect(message).toMatchObject({ key: Buffer.from([0xff]), headers: { ...source, 'x-mine': 'kept', 'value-truncated': '3000314' } });
  });

  it('given headers larger than the budget, then they are dropped (said in headers-truncated), the service headers kept', () => {
    const huge = randomBytes(BUDGET).toString('base64');
    const { message, cut } = fitDeadLetter({ key: 'k', value: Buffer.from('{}'), headers: { 'x-huge': huge, ...source } }, BUDGET);
    expect(cut).toEqual([expect.stringMatching(/^headers-truncated: 1 headers, \d+ bytes$/)]);
    expect(message.headers).toMatchObject(source);
    expect(message.headers).not.toHaveProperty('x-huge');
    expect(message.value).toEqual(Buffer.from('{}'));
    expect(recordBytes(message)).toBeLessThanOrEqual(BUDGET);
  });
});
