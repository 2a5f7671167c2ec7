import type { StoredFactRow } from '../facts/fact-version.types';
import { roleKeyOf } from '../leadership/leadership.model';

export const DEPARTURE_GROUPINGS = ['month', 'quarter', 'year', 'roleCategory'] as const;
export type DepartureGrouping = (typeof DEPARTURE_GROUPINGS)[number];

export interface DepartureRow extends StoredFactRow {
  organization: string;
  role: string;
  role_category: string;
  reason: string | null;
  destination: string | null;
  /** The role per language (`{"en", "fr"}`); null on rows written before it, whose `role` is the text as sent. */
  role_i18n?: unknown;
}

/**
 * The role as departures are counted: the key the roster pairs tenures by and conflicts claim by (roleKeyOf: the
 * English text, through the glossary for a French-only role, case and spacing folded), so " chief  people  officer "
 * and "Chief People Officer" are one role. Taken from the per-language value the leadership model keys, else the text.
 */
export const departureRoleKey = (r: Pick<DepartureRow, 'role' | 'role_i18n'>): string => roleKeyOf(r.role_i18n ?? r.role);

export interface DepartureGroup<T> {
  key: string;
  /** The bucket's interval for calendar groupings; null for roleCategory. */
  from: string | null;
  to: string | null;
  /**
   * Departures reported or confirmed: one for each person leaving one role of one organization, denied reports and
   * rumours left out.
   */
  count: number;
  /**
   * Departures only rumoured, counted apart: one for each person leaving one role of one organization of which the
   * bucket holds a rumour not set aside as denied and no report counted in `count`.
   */
  rumored: number;
  /** Every report listed in `items`, denied ones and repeated reports of one departure included. */
  reports: number;
  items: T[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar bucket holding an instant: its key and [from, to). */
export function bucketOf(iso: string, by: Exclude<DepartureGrouping, 'roleCategory'>): { key: string; from: string; to: string } {
  const d = new Date(iso);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const first = by === 'year' ? 0 : by === 'quarter' ? m - (m % 3) : m;
  const months = by === 'year' ? 12 : by === 'quarter' ? 3 : 1;
  const from = new Date(Date.UTC(y, first, 1));
  const to = new Date(Date.UTC(y, first + months, 1));
  const key = by === 'year' ? String(y) : by === 'quarter' ? `${y}-Q${first / 3 + 1}` : `${y}-${pad(m + 1)}`;
  return { key, from: from.toISOString(), to: to.toISOString() };
}

/** The claim a departure makes, as departures are counted: the person and organization by `canonical`, the role by its key. */
export const departureClaimOf = (
  r: Pick<DepartureRow, 'subject' | 'organization' | 'role' | 'role_i18n'>,
  canonical: (subject: string) => string = (s) => s,
): string => `${canonical(r.subject)}\u0000${canonical(r.organization)}\u0000${departureRoleKey(r)}`;

/**
 * Groups departures by calendar bucket of their occurred interval, or by role category. A departure dated
 * more coarsely than the bucket (2023-12/2024-12 by quarter) is not guessed into one: it is `unplaced`.
 * Every report is listed; `count` counts departures, not reports: a denied report counts for nothing, and two
 * reports of one departure in one bucket (one person, one organization, one role; the people and organizations by
 * `canonical`, so an alias is its entity; the role by departureRoleKey, its case and spacing folded) count once.
 * A rumour counts apart, in `rumored`, and only when the bucket holds no report of that departure counted in `count`;
 * a rumour `deniedRumour` says was denied (a denied departure of its claim answering it, `denialAnswersRumour`; a
 * story denying it) counts for nothing.
 */
export function groupDepartures<T>(
  rows: DepartureRow[],
  by: DepartureGrouping,
  toItem: (r: DepartureRow) => T,
  canonical: (subject: string) => string = (s) => s,
  deniedRumour: (r: DepartureRow) => boolean = () => false,
) {
  type Bucket = { reports: number; items: T[]; departures: Set<string>; rumours: Set<string> };
  const groups = new Map<string, Bucket & Pick<DepartureGroup<T>, 'key' | 'from' | 'to'>>();
  const unplaced: Bucket = { reports: 0, items: [], departures: new Set(), rumours: new Set() };
  const add = (bucket: Bucket, r: DepartureRow) => {
    bucket.reports++;
    bucket.items.push(toItem(r));
    if (r.modality === 'denied') return;
    if (r.modality !== 'rumored') bucket.departures.add(departureClaimOf(r, canonical));
    else if (!deniedRumour(r)) bucket.rumours.add(departureClaimOf(r, canonical));
  };
  for (const r of rows) {
    let key: string;
    let from: string | null = null;
    let to: string | null = null;
    if (by === 'roleCategory') key = r.role_category;
    else {
      if (!r.valid_from || !r.valid_to) {
        add(unplaced, r);
        continue;
      }
      const first = bucketOf(r.valid_from, by);
      const last = bucketOf(new Date(Date.parse(r.valid_to) - 1).toISOString(), by);
      if (first.key !== last.key) {
        add(unplaced, r);
        continue;
      }
      ({ key, from, to } = first);
    }
    const group = groups.get(key) ?? { key, from, to, reports: 0, items: [], departures: new Set<string>(), rumours: new Set<string>() };
    add(group, r);
    groups.set(key, group);
  }
  // A bucket's count is the number of departures it holds: derived here, never kept beside them.
  const counted = <B extends Bucket>({ departures, rumours, ...bucket }: B) => ({
    ...bucket,
    count: departures.size,
    rumored: [...rumours].filter((k) => !departures.has(k)).length,
  });
  const sorted = [...groups.values()]
    .sort((a, b) => (a.from && b.from ? a.from.localeCompare(b.from) : a.key.localeCompare(b.key)))
    .map((group): DepartureGroup<T> => counted(group));
  return { groups: sorted, unplaced: counted(unplaced) };
}
