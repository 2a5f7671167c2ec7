import type { InferredField, Source, ValidTime } from '@newsroom/domain';
import { denialAnswersRumour, displayNameOf } from '@newsroom/domain';
import type { StoredFactRow } from '../facts/fact-version.types';
import { changesState, factStatusOf } from '../facts/visibility.util';
import { modalityStrength } from './leadership-runs.util';

export interface LeadershipRow extends StoredFactRow {
  organization: string;
  kind: 'appointed' | 'departed';
  role: string;
  role_key: string;
  role_category: string;
  interim: boolean;
  reason: string | null;
  destination: string | null;
}

/** One end of a tenure: the appointment or departure fact, with its date kept at its precision. */
export interface TenureBound {
  eventId: string;
  /** The fact version shown (internal: a report reads the bound's sources and history by it). */
  version: number;
  /** The organization slug the fact was recorded under (of merged slugs, the start's and the end's may differ). */
  organization: string;
  occurredAt: string | null;
  from: string | null;
  to: string | null;
  modality: string;
  status: 'current' | 'corrected';
  recordedAt: string;
  /** The sources as recorded (validated by the envelope schema on the way in, read back from jsonb). */
  sources: Source[];
  /** The fields its sources do not state ([] when none; read with the sources, for the page shown). */
  inferred: InferredField[];
  /**
   * The report that gave the start its modality, when it is another fact than the start's own: the earliest (in
   * valid-time order) of the strongest appointments counted for `modality` (a rumour confirmed later for its date:
   * the confirmation). Null when the start's own report is the strongest, and always for an end (a departure's
   * modality is its own).
   */
  modalityFrom: ModalitySource | null;
}

/** The fact a start's modality comes from: shown as a bound is (its own id, date, modality, sources). */
export type ModalitySource = Omit<TenureBound, 'modalityFrom'>;

export interface Tenure {
  person: string;
  personName: string;
  /** The organization slug the tenure was recorded under: its appointment's, or its departure's when the start is unknown. */
  organization: string;
  role: string;
  roleCategory: string;
  interim: boolean;
  /** Null when the departure is on record but the appointment is not: the start is unknown. */
  start: TenureBound | null;
  end: TenureBound | null;
  reason: string | null;
  destination: string | null;
  /**
   * For a roster as of a date: false when the date falls inside the start's or end's imprecise interval, the start is
   * unknown, the end is a rumour, or the tenure rests on rumour alone (no appointment of it counted is reported or confirmed).
   */
  certain?: boolean;
  /**
   * Internal (`tenuresOf` to `rosterAt`): whether an appointment of the tenure counted (as of `asOf`, those dated by
   * then) is reported or confirmed; false when it rests on rumours only.
   */
  firm?: boolean;
  /**
   * Internal (`tenuresOf` to `rosterAt`): when a later tenure of the same person and role follows this one, its
   * start's `from` (null when undated); absent when none does. A tenure ended by a rumour stays in force until then.
   */
  nextFrom?: string | null;
}

/** What else sets a rumoured departure aside besides a denied departure of its claim, and what confirms a rumoured appointment. */
export interface PairingOptions {
  /** Whether a story attached to the fact denies it (an outlet's latest word is `denies`), as recorded then. */
  deniedByStance?: (factId: string) => boolean;
  /**
   * Whether the stories attached to the fact confirm it (rumourConfirmed: an outlet's latest word confirms, none
   * denies), as recorded then: a rumoured appointment so confirmed pairs as a confirmed one.
   */
  confirmedByStance?: (factId: string) => boolean;
}

const fact = (r: LeadershipRow): ModalitySource => ({
  eventId: r.fact_id,
  version: Number(r.version),
  organization: r.organization,
  occurredAt: r.occurred_at,
  from: r.valid_from,
  to: r.valid_to,
  modality: r.modality,
  status: factStatusOf(r),
  recordedAt: r.recorded_from,
  sources: r.sources,
  inferred: r.inferred ?? [],
});

const bound = (r: LeadershipRow): TenureBound => ({ ...fact(r), modalityFrom: null });

const time = (iso: string | null, fallback: number) => (iso === null ? fallback : Date.parse(iso));

/**
 * Pairs the visible appointments and departures of each person, organization and role into tenures, in
 * valid-time order (an imprecise date is an interval: an appointment is placed at its start, a departure at its end,
 * so the departure a coarser date reports still comes after the appointment it ends): an appointment opens a tenure (a repeat while open confirms it), a departure closes the
 * open one, or stands alone as a tenure with an unknown start. A departure right after a departure, with no
 * appointment between, is another report of the same one (a second outlet recorded it, perhaps with another date:
 * the conflicts report shows that): the first stands, and the person is not listed twice, except that a reported or
 * confirmed one ends the tenure in place of a rumour before it. Denied facts never open or close a tenure, and a
 * rumoured departure that was denied is set aside too: denied by a denied departure of the same person,
 * organization and role (the claim pairing groups by) that answers it (`denialAnswersRumour`: unless the rumour is
 * dated wholly after the denial, when it is news again), or by a story attached to it that denies it
 * (`options.deniedByStance`). A tenure ended by a rumour only stays on the roster (`rosterAt`), not certain. A
 * rumoured appointment that the stories attached to it confirm (`options.confirmedByStance`) pairs as a confirmed one.
 *
 * A tenure's `interim` is its run's last appointment's, and its start shows the strongest modality (confirmed over
 * reported over rumored) among the run's appointments dated within the start's date (from its start up to its end,
 * or the same instant for an undated one): a rumour confirmed later for the same day shows as confirmed, with the first
 * report's date, id and sources, and the confirmation as `modalityFrom` (the earliest report of that strength). As of `asOf` (valid time; the roster's date), only the appointments dated by then count for
 * both: interim in January, permanent from June, and as of March the tenure is interim. Transaction time is the
 * rows': at a `knownAt` before the confirmation was recorded, the rows hold no confirmation.
 * Organizations are told apart by `entityOf` (by slug without it): slugs merged into one entity (`EntityGraph`'s
 * `canonicalOf`) pair as one organization, so an appointment recorded under `org:a` and the departure under `org:b`,
 * merged into it, are one tenure, each bound carrying the slug it was recorded under.
 *
 * The definition of pairing: the report pages with `tenuresPageSql`, which `leadership.int-spec.ts` holds equal to
 * this (and `rosterAt`) page by page.
 */
export function tenuresOf(
  rows: LeadershipRow[],
  asOf: string | null = null,
  entityOf: (organization: string) => string = (o) => o,
  options: PairingOptions = {},
): Tenure[] {
  const until = asOf === null ? Infinity : Date.parse(asOf);
  // A rumoured appointment confirmed by the stories attached to it counts as confirmed.
  const confirmed = options.confirmedByStance;
  if (confirmed)
    rows = rows.map((r) =>
      r.kind === 'appointed' && r.modality === 'rumored' && confirmed(r.fact_id) ? { ...r, modality: 'confirmed' } : r,
    );
  const keyOf = (r: LeadershipRow) => `${r.subject}\u0000${entityOf(r.organization)}\u0000${r.role_key}`;
  // The denials of each claim: a denied departure of the person, organization and role sets aside the rumours it answers.
  const denials = new Map<string, ValidTime[]>();
  for (const r of rows) {
    if (r.kind !== 'departed' || r.modality !== 'denied') continue;
    const key = keyOf(r);
    denials.set(key, [...(denials.get(key) ?? []), { from: r.valid_from, to: r.valid_to }]);
  }
  const setAside = (r: LeadershipRow) =>
    r.kind === 'departed' &&
    r.modality === 'rumored' &&
    ((denials.get(keyOf(r)) ?? []).some((d) => denialAnswersRumour(d, { from: r.valid_from, to: r.valid_to })) ||
      options.deniedByStance?.(r.fact_id) === true);
  const groups = new Map<string, LeadershipRow[]>();
  for (const r of rows) {
    if (!changesState(r) || setAside(r)) continue;
    const key = keyOf(r);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  // A person holds several roles: their display name is worked out once.
  const names = new Map<string, string>();
  const nameOf = (subject: string) => names.get(subject) ?? names.set(subject, displayNameOf(subject)).get(subject)!;
  const tenures: Tenure[] = [];
  for (const group of groups.values()) {
    // Sort keys computed once: Date.parse inside the comparator dominates on large organizations. The order is
    // `placeOf`'s: an appointment at its valid time's start, a departure at its end (a departure dated "2024-05" came
    // after an appointment dated 2024-05-10), a departure first at the same instant, then the fact's position.
    const keyed = group.map((r) => {
      const ends = r.kind === 'departed' && r.valid_to !== null;
      return { r, at: time(ends ? r.valid_to : r.valid_from, -Infinity), rank: ends ? 0 : 1, pos: Number(r.fact_position) };
    });
    keyed.sort((a, b) => a.at - b.at || a.rank - b.rank || a.pos - b.pos);
    const own: Tenure[] = [];
    let open: Tenure | null = null;
    // The tenure the previous row, a departure, ended: a departure right after it is another report of its end.
    let closed: Tenure | null = null;
    // The instants an appointment's place must stay below (or at, for an undated start) to be within the start's date.
    let startTo = -Infinity;
    let startPoint = true;
    for (const { r, at } of keyed) {
      if (r.kind === 'departed' && closed) {
        // Another report of the same departure: the first stands, unless it is a rumour and this one is not.
        if (closed.end!.modality === 'rumored' && r.modality !== 'rumored') {
          Object.assign(closed, { end: bound(r), reason: r.reason, destination: r.destination });
          // A tenure of unknown start is the departure that ends it: its slug and role as that one recorded them (a
          // confirmation under another slug of a merged organization, as the report's SQL takes the ending row's).
          if (!closed.start) Object.assign(closed, { organization: r.organization, role: r.role, roleCategory: r.role_category });
        }
        continue;
      }
      closed = null;
      if (r.kind === 'appointed') {
        if (open) {
          if (at > until) continue;
          open.interim = r.interim;
          if (r.modality !== 'rumored') open.firm = true;
          const within = startPoint ? at <= startTo : at < startTo;
          if (within && modalityStrength(r.modality) > modalityStrength(open.start!.modality)) {
            open.start!.modality = r.modality;
            open.start!.modalityFrom = fact(r);
          }
        } else {
          startPoint = r.valid_to === null;
          startTo = startPoint ? at : Date.parse(r.valid_to!);
          open = {
            person: r.subject,
            personName: nameOf(r.subject),
            organization: r.organization,
            role: r.role,
            roleCategory: r.role_category,
            interim: r.interim,
            start: bound(r),
            end: null,
            reason: null,
            destination: null,
            firm: r.modality !== 'rumored',
          };
          own.push(open);
        }
        continue;
      }
      const closing: Tenure = open ?? {
        person: r.subject,
        personName: nameOf(r.subject),
        organization: r.organization,
        role: r.role,
        roleCategory: r.role_category,
        interim: false,
        start: null,
        end: null,
        reason: null,
        destination: null,
      };
      if (!open) own.push(closing);
      Object.assign(closing, { end: bound(r), reason: r.reason, destination: r.destination });
      open = null;
      closed = closing;
    }
    // Each tenure knows when the next one of the group begins (a tenure after the first starts with an appointment).
    for (let i = 0; i + 1 < own.length; i++) own[i].nextFrom = own[i + 1].start?.from ?? null;
    tenures.push(...own);
  }
  // Keys built once, not in every comparison.
  return tenures
    .map((t) => ({ t, key: tenureKey(t) }))
    .sort((a, b) => compareTenureKeys(a.key, b.key))
    .map(({ t }) => t);
}

/** A row of `tenuresPageSql`: the tenure's own fields, and each bound's (all null for a bound not on record). */
export type TenureRow = Pick<LeadershipRow, 'subject' | 'organization' | 'role' | 'role_category' | 'interim'> & {
  certain: boolean | null;
} & {
  [
    K in `${'start' | 'end'}_${'fact_id' | 'version' | 'organization' | 'occurred_at' | 'valid_from' | 'valid_to' | 'modality' | 'recorded_from'}`
  ]: string | null;
} & {
  end_reason: string | null;
  end_destination: string | null;
  /** The fact the start's modality comes from when it is another one than the start's (`TenureBound.modalityFrom`). */
  start_modality_from: { fact_id: string; version: number } | null;
};

function boundOfRow(r: TenureRow, side: 'start' | 'end'): TenureBound | null {
  const id = r[`${side}_fact_id`];
  if (id === null) return null;
  const version = Number(r[`${side}_version`]);
  return {
    eventId: id,
    version,
    organization: r[`${side}_organization`]!,
    occurredAt: r[`${side}_occurred_at`],
    from: r[`${side}_valid_from`],
    to: r[`${side}_valid_to`],
    modality: r[`${side}_modality`]!,
    status: factStatusOf({ version }),
    recordedAt: r[`${side}_recorded_from`]!,
    sources: [],
    inferred: [],
    modalityFrom: side === 'start' ? modalitySourceOfRow(r) : null,
  };
}

/**
 * The start's `modalityFrom` as the row names it: its id and version, and the start's modality (its own, as the
 * strongest report). Its organization, dates and recording time, like every bound's sources, are read for the page
 * afterwards (by the fact version), and stay empty until then.
 */
function modalitySourceOfRow(r: TenureRow): ModalitySource | null {
  const from = r.start_modality_from;
  if (from === null) return null;
  const version = Number(from.version);
  return {
    eventId: from.fact_id,
    version,
    organization: '',
    occurredAt: null,
    from: null,
    to: null,
    modality: r.start_modality!,
    status: factStatusOf({ version }),
    recordedAt: '',
    sources: [],
    inferred: [],
  };
}

/** A tenure as `tenuresPageSql` paired it (its bounds' sources are read for the page afterwards, as for `tenuresOf`'s). */
export function tenureOfRow(r: TenureRow): Tenure {
  const start = boundOfRow(r, 'start');
  const end = boundOfRow(r, 'end');
  return {
    person: r.subject,
    personName: displayNameOf(r.subject),
    organization: r.organization,
    role: r.role,
    roleCategory: r.role_category,
    interim: r.interim,
    start,
    end,
    reason: end ? r.end_reason : null,
    destination: end ? r.end_destination : null,
    ...(r.certain === null ? {} : { certain: r.certain }),
  };
}

/**
 * Where a tenure is listed: by role category, role, start, person, then its two facts (which no two tenures
 * share), so the order is total and a page cursor (the key of the last tenure served) is exact.
 */
export const tenureKey = (t: Tenure): string[] => [
  t.roleCategory,
  t.role,
  t.start?.from ?? '',
  t.person,
  t.start?.eventId ?? '',
  t.end?.eventId ?? '',
];

/** Orders keys element by element, comparing strings by code unit (as JavaScript's < does). */
export function compareTenureKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/**
 * Who may hold each role: without `asOf`, the tenures still open; with it, those whose start had begun by then
 * (or is unknown) and whose end had not fully passed. A tenure whose end is a rumour (one not set aside as denied)
 * stays, not `certain`, until a later tenure of the person's role begins. `certain` is false when the date falls
 * inside the imprecise interval of either end, the start is unknown, or every appointment of the tenure counted by
 * then is a rumour (`firm`): a rumoured appointment is on the roster, as a rumoured departure leaves the holder there,
 * not for certain.
 */
export function rosterAt(tenures: Tenure[], asOf: string | null): Tenure[] {
  const at = asOf === null ? Infinity : Date.parse(asOf);
  // Ended by a rumour only, and no later tenure begun by then.
  const rumouredEnd = (t: Tenure) => t.end?.modality === 'rumored' && (t.nextFrom === undefined || time(t.nextFrom, -Infinity) > at);
  if (asOf === null)
    return tenures.filter((t) => t.end === null || rumouredEnd(t)).map((t) => ({ ...t, certain: t.firm === true && t.end === null }));
  return tenures.flatMap((t) => {
    const startFrom = time(t.start?.from ?? null, -Infinity);
    const startTo = time(t.start?.to ?? t.start?.from ?? null, -Infinity);
    const endFrom = t.end ? time(t.end.from, Infinity) : Infinity;
    const endTo = t.end ? time(t.end.to ?? t.end.from, Infinity) : Infinity;
    if (!(startFrom <= at && (endTo > at || rumouredEnd(t)))) return [];
    return [{ ...t, certain: t.start !== null && t.firm === true && startTo <= at && endFrom > at }];
  });
}
