import fc from 'fast-check';
import { isUuid as libIsUuid, uuidv5 as libV5, uuidv7 as libV7 } from '@newsroom/platform';
import { isUuid, uuidv5, uuidv7 } from './ids';

// The hand-written ids against the uuid package, before the hand-written ones go: v5 ids must not change, since
// Kafka submissions without an id are deduplicated by them.
describe('uuid package vs hand-written ids', () => {
  const SUBMISSION_NS = '5b0c1e2a-7d4f-4c1b-9a55-6e6577737364';
  const namespace = fc.uuid().map((u) => u);

  it('v5: the same id for any name and namespace', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', maxLength: 2000 })), namespace, (name, ns) => {
        expect(libV5(name, ns)).toBe(uuidv5(name, ns));
        expect(libV5(name, SUBMISSION_NS)).toBe(uuidv5(name, SUBMISSION_NS));
      }),
      { numRuns: 20000 },
    );
  });

  it('v5: the same id for every Kafka position shape', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9._-]{1,249}$/), fc.nat(10000), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (topic, partition, offset) => {
        const name = `${topic}/${partition}/${offset}`;
        expect(libV5(name, SUBMISSION_NS)).toBe(uuidv5(name, SUBMISSION_NS));
      }),
      { numRuns: 20000 },
    );
  });

  it('v7: the current time, version 7 and the RFC variant, like the hand-written one', () => {
    for (let i = 0; i < 5000; i++) {
      const before = Date.now();
      const a = libV7().replace(/-/g, '');
      const b = uuidv7().replace(/-/g, '');
      const after = Date.now();
      for (const hex of [a, b]) {
        const ms = parseInt(hex.slice(0, 12), 16);
        expect(ms).toBeGreaterThanOrEqual(before);
        expect(ms).toBeLessThanOrEqual(after);
        expect(hex[12]).toBe('7');
        expect('89ab').toContain(hex[16]);
      }
      expect(libIsUuid(libV7())).toBe(true);
    }
  });

  it('isUuid: the same answer', () => {
    fc.assert(fc.property(fc.oneof(fc.uuid(), fc.string(), fc.uuid().map((u) => u.toUpperCase()), fc.anything()), (v) => expect(libIsUuid(v)).toBe(isUuid(v))));
  });
});
