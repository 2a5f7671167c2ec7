import type { StoredFactRow } from './fact-version.types';

/** Transaction time: was this version the record at `knownAt` (null = now)? */
export function isVisible(row: Pick<StoredFactRow, 'recorded_from' | 'recorded_to'>, knownAt: string | null): boolean {
  if (knownAt === null) return row.recorded_to === null;
  const k = Date.parse(knownAt);
  return Date.parse(row.recorded_from) <= k && (row.recorded_to === null || Date.parse(row.recorded_to) > k);
}

/** Valid time: had the fact's occurred interval begun by `asOf` (null = no bound)? Undated facts always count. */
export function occurredBy(row: Pick<StoredFactRow, 'valid_from'>, asOf: string | null): boolean {
  return asOf === null || row.valid_from === null || Date.parse(row.valid_from) <= Date.parse(asOf);
}

/** "current" for a fact still as first recorded, "corrected" once a correction replaced it. */
export const factStatusOf = (row: Pick<StoredFactRow, 'version'>): 'current' | 'corrected' =>
  Number(row.version) > 1 ? 'corrected' : 'current';

/** Denied facts are listed with their modality but never change a state (a roster, a case status). */
export const changesState = (row: Pick<StoredFactRow, 'modality'>): boolean => row.modality !== 'denied';
