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
  res.setHeader('Vary', 'Accept');
  if (format === 'json') return json;
  const view = csv();
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${view.filename}.csv"`);
  if (view.next) res.setHeader('X-Next-Cursor', view.next);
  return toCsv(view.columns, view.rows);
}
