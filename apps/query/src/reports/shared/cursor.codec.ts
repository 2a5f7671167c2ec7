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
