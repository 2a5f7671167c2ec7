import { createHash } from 'node:crypto';
import { isStorableText } from '@newsroom/domain';
import { problems } from '@newsroom/platform';
import type { DataSource } from 'typeorm';
import { inReadSnapshot } from '../../database/read-snapshot.connection';
import { isPosition } from '../../query-numbers.const';

export type CursorValue = string | number | null;

/**
 * What each value of a cursor must be before it reaches SQL: an `instant` (ISO UTC text as we write it, a real
 * calendar date), a `position` (a non-negative bigint, as text or a safe integer) or `text` (storable text).
 * Null is allowed anywhere (a NULL compares, it never fails a cast).
 */
export type CursorKind = 'instant' | 'position' | 'text';

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
      return isPosition(v);
    case 'text':
      return typeof v === 'string' && isStorableText(v);
  }
}

/** An opaque keyset cursor: the sort key of the last item served. */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The 400 a cursor this page cannot take gets, naming the `cursor` parameter. */
const refused = (message: string) => problems.validation([{ path: 'cursor', message }], 'The report query is not valid.');

const NOT_OURS = 'is not a cursor this endpoint returned';
const ISSUED_BEFORE =
  'was issued before cursors were bound to their query, and cannot be checked against this one: ask the first page again without cursor';

/** The values a cursor holds, or null when it is not base64url JSON of an array of strings, numbers and nulls. */
function valuesOf(raw: string): CursorValue[] | null {
  try {
    const values: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.every((v) => v === null || ['string', 'number'].includes(typeof v))) return values as CursorValue[];
  } catch {
    /* not ours */
  }
  return null;
}

const fitsAll = (values: CursorValue[], kinds: readonly CursorKind[]) => values.length === kinds.length && values.every((v, i) => fits(kinds[i], v));

/**
 * Decodes a cursor whose values have these kinds; anything else (hand-made, another endpoint's, truncated) is a
 * 400 naming the `cursor` parameter, checked here so a bad value never reaches SQL as a failing cast (a 500).
 */
export function decodeCursor(raw: string | null, kinds: readonly CursorKind[]): CursorValue[] | null {
  if (raw === null) return null;
  const values = valuesOf(raw);
  if (values && fitsAll(values, kinds)) return values;
  throw refused(NOT_OURS);
}

/**
 * The parameters that do not choose the items of a list or their order, so a cursor may cross them: the paging
 * itself (`cursor`, `limit`), the representation (`format` and `bom`: a CSV page and a JSON or TimelineJS page of one query
 * share cursors, as the CLI's `report --csv` follows `X-Next-Cursor`), the language of the text (`lang`: no list is
 * ordered by translated text), the read-your-writes wait (`minPosition`), and `knownAt`, which the cursor pins on its
 * own (see openPage).
 */
const UNBOUND = new Set(['cursor', 'limit', 'format', 'bom', 'lang', 'minPosition', 'knownAt']);

/**
 * A short hash of the query's filters (its parameters but the UNBOUND ones), as parsed: absent and empty alike, lists
 * as sets (`types=a,b` is `types=b,a`), dates as the instant they stand for (`from=2024` is `from=2024-01-01`). A
 * cursor carries it, so a cursor of one query is refused on another query of the same endpoint: keyset paging on
 * other filters would silently skip or repeat items. 96 bits of SHA-256: it names a query, it is no secret.
 */
export function filtersHash(query: object): string {
  const filters = Object.entries(query)
    .filter(([key, v]) => !UNBOUND.has(key) && v !== null && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, v]: [string, unknown]) => [key, Array.isArray(v) ? v.map(String).sort() : v]);
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 16);
}

/** A page of a list: where it starts, the instant it reads the state at, and how to name the next page. */
export interface PageWindow {
  /** The sort key of the last item of the previous page; null on the first page. */
  after: CursorValue[] | null;
  /** The request's `knownAt`, else the instant the cursor pins (null on a first page read without knownAt). */
  knownAt: string | null;
  /**
   * Reads the page: `page` gets the `knownAt` to read it with, `knownAt` above, else, on a first page, null (now)
   * while the read models hold nothing past the feed watermark, and the last instant they hold whole while they do
   * (see completeInstant). A first page without `knownAt` runs `page`, and every read of the read database it makes,
   * in the one snapshot that check was made in (inReadSnapshot), so the instant its cursor pins is the state it read.
   */
  read<T>(page: (knownAt: string | null) => Promise<T>): Promise<T>;
  /** The next page's cursor, after the item with this sort key (on a first page, from inside or after `read`). */
  next(values: CursorValue[]): Promise<string>;
}

/** What completeInstant's statement answers. */
interface InstantRow {
  at: Date | string | null;
  ahead?: boolean | null;
}

/**
 * Where a first page read without `knownAt` is read: `snapshot` runs `body` with every read of the read database in
 * one snapshot whose first statement is `first` (no parameters), and gives `body` its rows. The read database's
 * DataSource is one (inReadSnapshot); a test may give its own.
 */
export interface SnapshotReads {
  snapshot<T>(first: string, body: (rows: InstantRow[]) => Promise<T>): Promise<T>;
}

/**
 * The last instant the read models hold whole: the recording time of the last feed item at or below the feed
 * watermark (every event up to the watermark is folded into every read model; appends take one lock, so recording
 * times rise with positions and no event recorded by then is above it), cut to the millisecond `knownAt` takes
 * (which can only move it earlier). `ahead`: the read models already hold events past the watermark, as while the
 * projector catches up with partitions at different speeds. What a first page read without `knownAt` pins for the
 * pages after it; the same while nothing is recorded, so a first page's cursor, and the ETag over it, stay the same
 * and a client's revalidation still gets 304. (Pinning the feed's last item instead let a page read, while the
 * projector caught up, pin an instant some of whose events were not folded yet: later pages left them out, and the
 * same `knownAt` asked again later answered more, t26.) A batch is folded into every read model and the feed in one
 * transaction, so what this statement sees of the feed is what the same snapshot sees of every read model.
 */
const COMPLETE_INSTANT = `SELECT (SELECT f.recorded_at FROM read_model.feed_items f WHERE f.position <= w.position ORDER BY f.position DESC LIMIT 1) AS at,
            EXISTS (SELECT 1 FROM read_model.feed_items f WHERE f.position > w.position) AS ahead
     FROM read_model.feed_watermark w WHERE w.id = 1`;

const completeInstant = (row: InstantRow | undefined) => ({
  at: row?.at ? new Date(row.at).toISOString() : new Date(0).toISOString(),
  ahead: row?.ahead === true,
});

/** What a page needs of its query: the cursor, the explicit `knownAt`, and the filters a cursor is bound to. */
export interface PagedQuery {
  readonly cursor?: string | null;
  readonly knownAt: string | null;
}

/**
 * Opens a page of `endpoint`'s list. The cursor carries the sort key of the last item served, the instant the first
 * page read the state at, the endpoint that issued it and a hash of the query's filters (filtersHash); a cursor of
 * another endpoint or of another query of this one (other filters, or an explicit `knownAt` other than the instant
 * it pins) is a 400 on `cursor`, never a page of the other list cut at a foreign sort key. Later pages read the
 * state as known at the pinned instant, so a fact corrected while a reader pages (its date moved before or after the
 * cursor) is served once, where it stood, instead of skipped or served twice. A cursor of an earlier release (the sort
 * key alone, or without the filters' hash) is refused with a message saying to ask the first page again.
 */
export function openPage<Q extends PagedQuery>(endpoint: string, query: Q, kinds: readonly CursorKind[], db: DataSource | SnapshotReads): PageWindow {
  const raw = query.cursor ?? null;
  const knownAt = query.knownAt;
  const filters = filtersHash(query);
  const { after, pinned } = raw === null ? { after: null, pinned: null } : openCursor(raw, endpoint, kinds, filters);
  if (knownAt && pinned && Date.parse(knownAt) !== Date.parse(pinned)) {
    throw refused(
      `belongs to another query: it reads the state as known at ${pinned}, and knownAt asks for ${knownAt}; ask again with knownAt=${pinned} (or without knownAt), or ask the first page without cursor`,
    );
  }
  const at = knownAt ?? pinned;
  // A first page without knownAt reads now, unless the read models hold events past the watermark: then it reads the
  // last instant they hold whole, as the pages after it do, so the pages are one state and none leaves out an event
  // recorded before the instant they claim. The check and every read of the page share one snapshot: checked before
  // the page's reads on the pool, a batch committing between the two showed on the first page while the instant its
  // cursor pinned left it out of the pages after it (the fifty-eighth session's known limit).
  let complete: { at: string; ahead: boolean } | null = null;
  return {
    after,
    knownAt: at,
    read: (page) =>
      at !== null
        ? page(at)
        : toSnapshot(db).snapshot(COMPLETE_INSTANT, (rows) => {
            complete = completeInstant(rows[0]);
            return page(complete.ahead ? complete.at : null);
          }),
    next: async (values) => {
      const pin = at ?? complete?.at;
      if (!pin) throw new Error(`${endpoint}: a first page's next cursor was asked before the page was read`);
      return encodeCursor([...values, pin, endpoint, filters]);
    },
  };
}

const toSnapshot = (db: DataSource | SnapshotReads): SnapshotReads =>
  'snapshot' in db ? db : { snapshot: (first, body) => inReadSnapshot(db, first, body) };

/** The cursor's sort key and pinned instant, once it is known to be this endpoint's, for this query's filters. */
function openCursor(raw: string, endpoint: string, kinds: readonly CursorKind[], filters: string): { after: CursorValue[]; pinned: string } {
  const values = valuesOf(raw);
  const key = values?.slice(0, kinds.length) ?? [];
  const [pinned, issuer, bound] = values?.slice(kinds.length) ?? [];
  // The sort key alone: what every report issued before cursors pinned an instant (one of this shape names no
  // endpoint, so it may be another's: it is refused the same way, with what to do).
  if (values !== null && fitsAll(values, kinds)) throw refused(ISSUED_BEFORE);
  const ours = values !== null && fitsAll(key, kinds) && typeof pinned === 'string' && fits('instant', pinned) && issuer === endpoint;
  if (!ours) throw refused(NOT_OURS);
  // The sort key, the pinned instant and the endpoint: what reports issued before cursors carried their filters.
  if (values.length === kinds.length + 2) throw refused(ISSUED_BEFORE);
  if (values.length !== kinds.length + 3 || typeof bound !== 'string') throw refused(NOT_OURS);
  if (bound !== filters) {
    throw refused('belongs to another query of this endpoint (other filters): page with the filters it was issued for, or ask the first page of this query without cursor');
  }
  return { after: key, pinned };
}
