import { problems } from '@newsroom/platform';

type CursorValue = string | number | null;

/** An opaque keyset cursor: the sort key of the last item served. */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor of `size` values; a bad one is a 400 naming the `cursor` parameter. */
export function decodeCursor(raw: string | null, size: number): CursorValue[] | null {
  if (raw === null) return null;
  try {
    const values = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === size && values.every((v) => v === null || ['string', 'number'].includes(typeof v))) return values;
  } catch {
    /* reported below */
  }
  throw problems.validation([{ path: 'cursor', message: 'is not a cursor this endpoint returned' }], 'The report query is not valid.');
}
