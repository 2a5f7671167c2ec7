import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson, contentHash } from '@newsroom/event-store';

/**
 * The hand-written canonical JSON the store used before the RFC 8785 library, frozen here as the oracle: content
 * hashes already stored (idempotency keys: same id and same hash is a duplicate, another hash a 409) were made
 * with it, so the library must give the same bytes for every input a hash is taken of.
 */
function legacyCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(legacyCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${legacyCanonicalJson(v)}`).join(',')}}`;
}
const legacyHash = (content: unknown) => createHash('sha256').update(legacyCanonicalJson(content)).digest('hex');

/** What a hash is taken of: parsed JSON (request bodies, Kafka submissions), with optional fields left undefined. */
const content = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 5 }),
  object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 6 }),
})).object;

describe('content hash: RFC 8785 canonical JSON, the same bytes as the hashes already stored', () => {
  it('gives the hashes stored before the library (pinned vectors)', () => {
    const vectors: Array<[unknown, string]> = [
      [
        {
          subject: 'person:jane',
          type: 'executive.departed',
          occurredAt: '2024-09',
          data: { organization: 'org:acme', role: 'CTO', reason: 'resigned' },
          sources: [{ outlet: 'Example', language: 'fr', url: 'https://example.org/a?b=1&c=2' }],
          modality: 'reported',
        },
        '9c46d2077cd28fd83329ed6c3454cfe4e7fff294976e4dc1daf097aa828e28ef',
      ],
      [
        {
          kind: 'correction',
          targetEventId: '0b5cbd2e-2f59-4f0e-9a57-5d0e7f3b1c11',
          req: { reason: 'typo', data: { total: 1.5e21, ratio: 0.1, neg: -0, small: 1e-7 }, note: undefined },
        },
        '2a8ca128c7bab1227d97011563c36ab56a151849347ae1f5f963dcab75bc44ec',
      ],
      [
        { é: 1, e: 2, Z: 3, '\u{1F600}': 4, '\uFFFF': 5, '': 6, a: [null, true, false, 'x\u2028y\n"q"\\', undefined] },
        '0044f03088549523a967629ce7305f897e5cdfbd794e3025eefdbf6a44eb6823',
      ],
    ];
    for (const [input, hash] of vectors) expect(contentHash(input)).toBe(hash);
  });

  it('serialises every JSON content as the hand-written version did, byte for byte', () => {
    fc.assert(
      fc.property(content, (value) => {
        expect(canonicalize(value)).toBe(legacyCanonicalJson(value));
        expect(canonicalJson(value)).toBe(legacyCanonicalJson(value));
        expect(contentHash(value)).toBe(legacyHash(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('serialises parsed JSON (what requests carry) the same, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        const reparsed = JSON.parse(JSON.stringify(value));
        expect(canonicalJson(reparsed)).toBe(legacyCanonicalJson(reparsed));
        const reversed = JSON.parse(
          JSON.stringify(value, (_k, v) =>
            v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
          ),
        );
        expect(contentHash(reversed)).toBe(contentHash(reparsed));
      }),
      { numRuns: 1500 },
    );
  });
});
