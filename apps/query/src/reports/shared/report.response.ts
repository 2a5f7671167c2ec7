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
  const body = toCsv(view.columns, view.rows);
  if (view.next) {
    res.setHeader('X-Next-Cursor', view.next);
    // Express tags the body alone, and a cache keeps the headers a 304 leaves out: with the cursor in the tag, a
    // page whose next page came or went is never revalidated as 304 with a stale X-Next-Cursor.
    res.setHeader('ETag', nextAwareTag(body, view.next));
  }
  return body;
}

/** A weak tag over a CSV page and its next page's cursor (Express's own tags cover the body alone). */
function nextAwareTag(body: string, next: string): string {
  return `W/"next-${createHash('sha1').update(body).update('\n').update(next).digest('base64url')}"`;
}
