import { isStorableText } from '@newsroom/domain';
import { problems } from '@newsroom/platform';

export type CursorValue = string | number | null;

/**
 * What each value of a cursor must be before it reaches SQL: an `instant` (ISO UTC text as we write it, a real
 * calendar date), a `position` (a non-negative bigint, as text or a safe integer) or `text` (storable text).
 * Null is allowed anywhere (a NULL compares, it never fails a cast).
 */
export type CursorKind = 'instant' | 'position' | 'text';

const MAX_POSITION = 9223372036854775807n;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

function fits(kind: CursorKind, v: CursorValue): boolean {
  if (v === null) return true;
  switch (kind) {
    case 'instant': {
      if (typeof v !== 'string' || !ISO_INSTANT.test(v)) return false;
      const t = Date.parse(v);
      // Date.parse rolls 2024-02-30 over to March; Postgres refuses it: compare the calendar part back.
      return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 19) === v.slice(0, 19);
    }
    case 'position':
      if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0;
      return /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_POSITION;
    case 'text':
      return typeof v === 'string' && isStorableText(v);
  }
}

/** An opaque keyset cursor: the sort key of the last item served. */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * Decodes a cursor whose values have these kinds; anything else (hand-made, another endpoint's, truncated) is a
 * 400 naming the `cursor` parameter, checked here so a bad value never reaches SQL as a failing cast (a 500).
 */
export function decodeCursor(raw: string | null, kinds: readonly CursorKind[]): CursorValue[] | null {
  if (raw === null) return null;
  try {
    const values = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === kinds.length && values.every((v, i) => (v === null || ['string', 'number'].includes(typeof v)) && fits(kinds[i], v))) return values;
  } catch {
    /* reported below */
  }
  throw problems.validation([{ path: 'cursor', message: 'is not a cursor this endpoint returned' }], 'The report query is not valid.');
}

/** A page of a list: where it starts, the instant it reads the state at, and how to name the next page. */
export interface PageWindow {
  /** The sort key of the last item of the previous page; null on the first page. */
  after: CursorValue[] | null;
  /** The `knownAt` to read with: the request's, else the instant the first page read the state at (null on it). */
  knownAt: string | null;
  /** The next page's cursor, after the item with this sort key. */
  next(values: CursorValue[]): Promise<string>;
}

/** Reads one value of the read database (the instant a first page reads the state at: `latestRecordedAt`). */
export interface InstantSource {
  query(sql: string): Promise<Array<{ at: Date | string | null }>>;
}

/**
 * The recording time of the latest event the read models hold (the feed's last item): what a first page read
 * without `knownAt` stands for. The same while nothing is recorded, so a first page's cursor, and the ETag over
 * it, stay the same and a client's revalidation still gets 304.
 */
async function latestRecordedAt(db: InstantSource): Promise<string> {
  const [row] = await db.query(`SELECT recorded_at AS at FROM read_model.feed_items ORDER BY position DESC LIMIT 1`);
  return row?.at ? new Date(row.at).toISOString() : new Date(0).toISOString();
}

/**
 * Opens a page of `endpoint`'s list. The cursor carries the sort key of the last item served, the endpoint that
 * issued it (another endpoint's is a 400 on `cursor`) and the instant the first page read the state at: later pages
 * read the state as known then, so a fact corrected while a reader pages (its date moved before or after the
 * cursor) is served once, where it stood, instead of skipped or served twice. An explicit `knownAt` wins.
 */
export function openPage(endpoint: string, raw: string | null, kinds: readonly CursorKind[], knownAt: string | null, db: InstantSource): PageWindow {
  const decoded = decodeCursor(raw, [...kinds, 'instant', 'text']);
  if (decoded && decoded[kinds.length + 1] !== endpoint) {
    throw problems.validation([{ path: 'cursor', message: 'is not a cursor this endpoint returned' }], 'The report query is not valid.');
  }
  const pinned = knownAt ?? (decoded?.[kinds.length] as string | null | undefined) ?? null;
  return {
    after: decoded ? decoded.slice(0, kinds.length) : null,
    knownAt: pinned,
    next: async (values) => encodeCursor([...values, pinned ?? (await latestRecordedAt(db)), endpoint]),
  };
}
