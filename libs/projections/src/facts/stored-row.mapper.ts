import type { StoredFactRow } from './fact-version.types';

/** pg returns timestamptz as Date and bigint as string; reports and states work on ISO strings. */
export function normalizeRow<T = StoredFactRow>(r: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out as T;
}
