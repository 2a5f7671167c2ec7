import { z } from 'zod';

/**
 * Event size limits, all derived from ONE setting: NEWSROOM_MAX_EVENT_BYTES, the largest Kafka record (key +
 * value + headers, as the relay publishes it on newsroom.events.v1) one event may become.
 *
 * - ingest rejects an event whose record would exceed it (413, nothing recorded): `eventRecordBytes` below
 *   measures it from what the writer is about to append, with the server fields at their widest;
 * - every topic (events, submissions, their DLQs) gets `max.message.bytes` = `topicMaxMessageBytes(max)`,
 *   raised at start-up on topics that exist with less;
 * - the relay splits what it publishes so no request carries more than `publishBudgetBytes(max)` for a
 *   partition (it bounds the whole request, which bounds each partition's record batch);
 * - ingest's HTTP body limit defaults to `defaultBodyLimitBytes(max)`.
 */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
export const MIN_MAX_EVENT_BYTES = 16 * 1024;
export const MAX_MAX_EVENT_BYTES = 64 * 1024 * 1024;

export const maxEventBytesSetting = z.coerce
  .number()
  .int()
  .min(MIN_MAX_EVENT_BYTES)
  .max(MAX_MAX_EVENT_BYTES)
  .default(DEFAULT_MAX_EVENT_BYTES);

/** Kafka v2 record batch header (baseOffset 8 + length 4 + ... + recordCount 4). */
export const RECORD_BATCH_HEADER_BYTES = 61;
/** Per record: length, attributes, timestamp delta, offset delta, key and value lengths, header count (varints, widest). */
const RECORD_OVERHEAD_BYTES = 5 + 1 + 10 + 5 + 5 + 5 + 5;
/** Per header: key and value length varints (widest). */
const HEADER_OVERHEAD_BYTES = 10;
/**
 * Room the topic limit keeps above one event's record: the batch header, the record's own overhead, and slack
 * for a broker that counts a little differently. 16 KiB out of a 1 MiB default is 1.6 %.
 */
export const TOPIC_HEADROOM_BYTES = 16 * 1024;

/**
 * What the ingest check adds on top of the JSON of the appended event for the fields the server fills in only
 * at publish time or that the wire repeats: globalPosition (≤ 20 digits, in the body and a header), streamVersion
 * (≤ 10 digits, twice), recordedAt (24 chars), the envelope's field names, the header names, the record
 * overhead and room for a few more headers (a trace context is ~60 bytes). Tested against the relay's real
 * records in apps/relay/test/relay-size-limits.int-spec.ts.
 */
export const ENVELOPE_RESERVE_BYTES = 1024;

export function topicMaxMessageBytes(maxEventBytes: number): number {
  return maxEventBytes + TOPIC_HEADROOM_BYTES;
}

/** `max.message.bytes` for every newsroom topic (events, submissions and their DLQs). */
export function topicSizeConfig(maxEventBytes: number): Record<string, string> {
  return { 'max.message.bytes': String(topicMaxMessageBytes(maxEventBytes)) };
}

/**
 * Dead-letter topics: a message at the main topic's limit comes back with error headers (code, message, the
 * field paths, the source) on top, so they get 64 KiB more.
 */
export function dlqTopicSizeConfig(maxEventBytes: number): Record<string, string> {
  return { 'max.message.bytes': String(topicMaxMessageBytes(maxEventBytes) + 64 * 1024) };
}

/** Bytes of records one produce request may carry: the topic limit less the batch header and slack. */
export function publishBudgetBytes(maxEventBytes: number): number {
  return topicMaxMessageBytes(maxEventBytes) - RECORD_BATCH_HEADER_BYTES - 1024;
}

/**
 * HTTP body limit ingest derives: twice the largest event. A single-event body above the event limit is
 * rejected anyway, so a larger body only ever serves batches; two events' worth lets batches of ordinary
 * events (1 KB each) go up to the 1000-item batch maximum at the 1 MiB default, and it keeps the JSON a
 * request can make the process hold in memory to 2 × the limit per request (the default stays 2 MiB as before).
 */
export function defaultBodyLimitBytes(maxEventBytes: number): number {
  return 2 * maxEventBytes;
}

export interface RecordLike {
  key: string | Buffer | null;
  value: string | Buffer | null;
  /** A header given more than once has all its values in an array; each is a header of its own on the wire. */
  headers?: Record<string, string | Buffer | Array<string | Buffer>>;
}

const bytesOf = (v: string | Buffer | null | undefined): number =>
  v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;

/** Upper bound of a message's size inside a Kafka record batch (uncompressed). */
export function recordBytes(m: RecordLike): number {
  let n = RECORD_OVERHEAD_BYTES + bytesOf(m.key) + bytesOf(m.value);
  if (m.headers)
    for (const k in m.headers) {
      const v = m.headers[k];
      for (const one of Array.isArray(v) ? v : [v]) n += HEADER_OVERHEAD_BYTES + Buffer.byteLength(k) + bytesOf(one);
    }
  return n;
}

/**
 * Splits items, in order, into runs whose sizes add up to at most `budget` bytes. An item alone above the budget
 * gets a run of its own (the caller decides what to do with it: it cannot fit any topic batch).
 */
export function chunkByBytes<T>(items: T[], budget: number, sizeOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const s = sizeOf(item);
    if (current.length > 0 && size + s > budget) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += s;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** What the ingest check measures: the event as the writer appends it, with its subject (the Kafka key). */
export interface EventForSize {
  subject: string;
  eventId: string;
  type: string;
  [field: string]: unknown;
}

/** The JSON text of an event's payload members, made once by the writer (the store's EventJson). */
export type PayloadJson = Partial<Record<'data' | 'sources' | 'metadata', string>>;

/**
 * Bytes of `JSON.stringify(e)`. `json`, when given, holds the JSON text some members of `e` (object values) already
 * have: those are counted from it and not serialized again. An object's JSON is its members' texts side by side,
 * so counting a member as the placeholder 0 (one byte) and adding its own text's bytes less one is exact.
 */
function jsonBytes(e: EventForSize, json?: PayloadJson): number {
  if (!json) return Buffer.byteLength(JSON.stringify(e));
  const rest: Record<string, unknown> = { ...e };
  let made = 0;
  for (const [member, text] of Object.entries(json)) {
    const value = rest[member];
    if (text === undefined || value === null || typeof value !== 'object') continue;
    rest[member] = 0;
    made += Buffer.byteLength(text) - 1;
  }
  return Buffer.byteLength(JSON.stringify(rest)) + made;
}

/**
 * Upper bound of the Kafka record the relay will publish for this event: its JSON as appended (data, sources,
 * metadata, ids, occurredAt...) + the subject twice (body and key) + the values repeated in headers (twice: ours and ce_*) + the
 * envelope reserve for server fields and names. Computed once per accepted event, on the write path; `json` as
 * jsonBytes takes it (the writer's JSON of data, sources and metadata, which the store then sends as it is).
 */
export function eventRecordBytes(
  e: EventForSize,
  metadata?: { correlationId?: string | null; causationId?: string | null },
  json?: PayloadJson,
): number {
  return (
    jsonBytes(e, json) +
    Buffer.byteLength(e.subject) +
    Buffer.byteLength(e.eventId) +
    Buffer.byteLength(e.type) +
    // The CloudEvents headers repeat them once more (ce_subject, ce_id, ce_type); their fixed part is in the reserve.
    Buffer.byteLength(e.subject) +
    Buffer.byteLength(e.eventId) +
    Buffer.byteLength(e.type) +
    Buffer.byteLength(metadata?.correlationId ?? '') +
    Buffer.byteLength(metadata?.causationId ?? '') +
    ENVELOPE_RESERVE_BYTES
  );
}
