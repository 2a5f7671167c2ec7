import { gzipSync } from 'node:zlib';
import { recordBytes } from '@newsroom/platform';
import { IncomingMessage, OutgoingHeaderValue, OutgoingMessage, RawRecord } from './messaging.types';
import { EVENT_DLQ_HEADERS, SUBMISSION_DLQ_HEADERS } from './topics.config';

/** Headers a dead letter carries when it had to be cut to fit its topic; each value is the original's size in bytes. */
export const DEAD_LETTER_CUT_HEADERS = {
  value: 'value-truncated',
  key: 'key-truncated',
  /** The original's headers, all dropped: the value says how many and their bytes (`3 headers, 1048576 bytes`). */
  headers: 'headers-truncated',
} as const;

/** A producer's own header named like one the dead letter adds is kept under this prefix (again while taken). */
export const ORIGINAL_HEADER_PREFIX = 'original-';

/** Headers the services add to a dead letter (why, and where the original is): never cut. */
const SERVICE_HEADERS: ReadonlySet<string> = new Set([
  ...Object.values(SUBMISSION_DLQ_HEADERS),
  ...Object.values(EVENT_DLQ_HEADERS),
  'error-paths-omitted',
]);

/** Room kept below the budget for what compression of the whole record set adds over the value's own gzip. */
const GZIP_MARGIN_BYTES = 4096;

const rawOf = (m: IncomingMessage): RawRecord =>
  m.raw ?? {
    key: m.key === null ? null : Buffer.from(m.key),
    value: m.value,
    headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, [Buffer.from(v)]])),
  };

/**
 * The dead letter of a message: its key, value and headers exactly as they came (bytes, a null key or value, every
 * value of a repeated header), then `added` (why, and where the original is). A header of the producer's named like
 * one of `added` or of DEAD_LETTER_CUT_HEADERS is kept as `original-<name>`, never overwritten.
 */
export function deadLetterOf(message: IncomingMessage, added: Record<string, string>): OutgoingMessage {
  const raw = rawOf(message);
  const taken = new Set([...Object.keys(added), ...Object.values(DEAD_LETTER_CUT_HEADERS)]);
  // Entries, not assignments: a header named `__proto__` stays a header.
  const kept: Array<[string, OutgoingHeaderValue]> = [];
  for (const [name, values] of Object.entries(raw.headers)) {
    let as = name;
    while (taken.has(as)) as = ORIGINAL_HEADER_PREFIX + as;
    taken.add(as);
    kept.push([as, values.length === 1 ? values[0] : values]);
  }
  return { key: raw.key, value: raw.value, headers: Object.fromEntries([...kept, ...Object.entries(added)]) };
}

const byteLength = (v: string | Buffer | null): number => (v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);
const asBytes = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);

export interface FittedDeadLetter {
  message: OutgoingMessage;
  /** What was cut, for the log: empty when the letter went as it was. */
  cut: string[];
}

/**
 * A dead letter that fits one produce request of `budgetBytes` once GZIP-compressed (the way dead letters are sent):
 * as it is when it fits; else with its value, then its headers, then its key cut, each cut said in a header
 * (DEAD_LETTER_CUT_HEADERS). What was cut is still in the source topic: the headers the services add (the error, and
 * the source topic, partition and offset) are never cut. A value of 3 MB that compresses to 50 kB goes whole.
 */
export function fitDeadLetter(letter: OutgoingMessage, budgetBytes: number): FittedDeadLetter {
  const size = recordBytes(letter);
  if (size <= budgetBytes) return { message: letter, cut: [] };
  const value = letter.value;
  const valueBytes = byteLength(value);
  const rest = size - valueBytes;
  if (value !== null && rest + gzipSync(asBytes(value)).length + GZIP_MARGIN_BYTES <= budgetBytes) return { message: letter, cut: [] };
  // Cut so that the letter fits even uncompressed: the room left is known exactly then. The notes' own bytes are
  // reserved up front (three headers of at most 64 bytes each).
  const room = budgetBytes - GZIP_MARGIN_BYTES - 3 * 64;
  const notes: Record<string, string> = {};
  const headers: Record<string, OutgoingHeaderValue> = { ...letter.headers };
  let key = letter.key;
  if (recordBytes({ key, value: null, headers }) > room) {
    const cutNames = new Set<string>(Object.values(DEAD_LETTER_CUT_HEADERS));
    const dropped = Object.keys(headers).filter((h) => !SERVICE_HEADERS.has(h) && !cutNames.has(h));
    const droppedBytes = dropped.reduce((n, h) => n + recordBytes({ key: null, value: null, headers: { [h]: headers[h] } }), 0);
    for (const h of dropped) delete headers[h];
    notes[DEAD_LETTER_CUT_HEADERS.headers] = `${dropped.length} headers, ${droppedBytes} bytes`;
  }
  if (recordBytes({ key, value: null, headers }) > room && key !== null) {
    notes[DEAD_LETTER_CUT_HEADERS.key] = String(byteLength(key));
    key = asBytes(key).subarray(0, 1024);
  }
  let kept = value;
  if (value !== null) {
    const left = Math.max(0, room - recordBytes({ key, value: null, headers }));
    if (valueBytes > left) {
      notes[DEAD_LETTER_CUT_HEADERS.value] = String(valueBytes);
      kept = asBytes(value).subarray(0, left);
    }
  }
  return {
    message: { key, value: kept, headers: { ...headers, ...notes } },
    cut: Object.entries(notes).map(([name, text]) => `${name}: ${text}`),
  };
}
