import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { CsvColumn, toCsv } from './csv.writer';

export interface CsvView<T> {
  filename: string;
  columns: readonly CsvColumn<T>[];
  rows: readonly T[];
  /** The next page's cursor, sent as the X-Next-Cursor header (CSV has no room for it). */
  next?: string | null;
}

/** Answers the JSON body, or its CSV view when `format=csv` or `Accept: text/csv` asked for it. */
export function respond<T>(res: Response, format: 'json' | 'csv', json: unknown, csv: () => CsvView<T>): unknown {
  res.vary('Accept'); // added to, not replacing, the Vary: Origin the CORS headers may have set
  if (format === 'json') return json;
  const view = csv();
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${view.filename}.csv"`);
  // `?bom=true` (validated with the report's parameters): the byte-order mark Excel reads UTF-8 by (t19: a French
  // report opened from a download showed "gÃ©nÃ©rale"); off by default, as programs reading CSV take the mark for text.
  const body = (res.req?.query?.bom === 'true' ? '\uFEFF' : '') + toCsv(view.columns, view.rows);
  if (view.next) sendCursor(res, body, view.next);
  return body;
}

/**
 * For answers with no room for `next` in their body (CSV, TimelineJS): the next page's cursor in X-Next-Cursor, and
 * the cursor in the answer's tag. Express tags the body alone and a cache keeps the headers a 304 leaves out, so
 * without it a page whose next page came or went would be revalidated as 304 with a stale cursor. A tag already set
 * (a partial answer's, which nothing matches) stays.
 */
export function sendCursor(res: Response, body: string, next: string): void {
  res.setHeader('X-Next-Cursor', next);
  if (!res.getHeader('ETag')) {
    res.setHeader('ETag', `W/"next-${createHash('sha1').update(body).update('\n').update(next).digest('base64url')}"`);
  }
}
