import type { LawsuitStatus } from '../events/lawsuit-status-changed.event';
import { comparableText } from '../values/localized-text.rules';
import { canonicalAmount } from '../values/money.value';
import { parsePeriod } from '../values/period.value';
import { denialContradictsReport, validTimeOf, type ValidTime } from './denial.rules';
import { departureKeyOf, reappointedBetween, reappointmentKeyOf } from './reappointment.rules';

/** What a claim is about: a figure, a departure, a case's outcome. */
export type ClaimKind = 'financial' | 'departure' | 'lawsuit';

/** The value a fact claims for its key, as compared and as reports show it. */
export interface ClaimValue {
  /** financial: the metric, basis and period of the figure. */
  metric?: string;
  basis?: string;
  period?: string | null;
  amount?: string | null;
  currency?: string | null;
  count?: number | null;
  /** departure and lawsuit: the date as recorded. */
  occurredAt?: string | null;
  destination?: string | null;
  status?: string | null;
}

/** One thing a standing fact claims: facts with the same `key` speak of the same thing and must agree. */
export interface Claim {
  kind: ClaimKind;
  key: string;
  value: ClaimValue;
  /** A departure's modality: a denial says it did not happen, a rumour that it may have (see `disagreement`). */
  modality?: string;
}

/**
 * A fact as the rules read it: its type, stream subject, date, (corrected) data and modality (a correction never
 * changes it; absent: reported).
 */
export interface ClaimFact {
  type: string;
  subject: string;
  occurredAt: string | null;
  data: unknown;
  modality?: string;
}

// Outcomes of which only one can be true on a given date; other steps (amended, motion_filed, appealed) may share a day.
const LAWSUIT_GROUPS: Readonly<Partial<Record<LawsuitStatus, string>>> = {
  injunction_denied: 'injunction',
  injunction_granted: 'injunction',
  dismissed: 'outcome',
  withdrawn: 'outcome',
  settled: 'outcome',
  ruled: 'outcome',
};

type Data = Record<string, unknown>;
type MoneyLike = { amount?: unknown; currency?: unknown };

/** A period as a key part: its interval when it parses ("2024-H1" and "2024-01-01/2024-06-30" are one period). */
function periodKey(period: unknown): string | null {
  if (typeof period !== 'string' || !period) return null;
  const p = parsePeriod(period);
  return p ? `${p.start}/${p.end}` : period;
}

function figure(subject: string, metric: string, basis: string, period: unknown, value: ClaimValue): Claim | null {
  const at = periodKey(period);
  if (!at) return null;
  return {
    kind: 'financial',
    key: `financial|${subject}|${metric}|${basis}|${at}`,
    value: { metric, basis, period: typeof period === 'string' ? period : null, ...value },
  };
}

const money = (m: unknown): ClaimValue => {
  const x = (m ?? {}) as MoneyLike;
  return { amount: typeof x.amount === 'string' ? x.amount : null, currency: typeof x.currency === 'string' ? x.currency : null };
};

function financialClaims(f: ClaimFact, d: Data): Array<Claim | null> {
  switch (f.type) {
    case 'revenue.reported':
      return [figure(f.subject, 'revenue', String(d.basis), d.period, money(d.money))];
    case 'financial.loss_reported':
      return [figure(f.subject, 'loss', String(d.basis), d.period, money(d.money))];
    case 'revenue.target_set':
      return [figure(f.subject, 'revenue_target', 'target', d.targetPeriod, money(d.money))];
    case 'funding.round_closed':
      return [
        figure(f.subject, 'funding', 'round', f.occurredAt, money(d.money)),
        d.valuation ? figure(f.subject, 'valuation', 'post_money', f.occurredAt, money(d.valuation)) : null,
      ];
    case 'headcount.reported': {
      const claims: Array<Claim | null> = [];
      if (typeof d.total === 'number') claims.push(figure(f.subject, 'headcount', 'total', f.occurredAt, { count: d.total }));
      for (const [fn, n] of Object.entries((d.byFunction ?? {}) as Record<string, unknown>)) {
        if (typeof n === 'number') claims.push(figure(f.subject, 'headcount', comparableText(fn), f.occurredAt, { count: n }));
      }
      return claims;
    }
    default:
      return [];
  }
}

/**
 * The claims a standing fact makes (none for types that cannot contradict one another): a figure for its
 * organization, metric, basis and period; a departure for its person, organization and role; a case's outcome.
 */
export function claimsOf(f: ClaimFact): Claim[] {
  const d = (f.data ?? {}) as Data;
  if (f.type === 'executive.departed') {
    const role = comparableText(d.role);
    if (!role || typeof d.organization !== 'string') return [];
    const destination = d.destination === undefined || d.destination === null ? null : comparableText(d.destination);
    return [
      {
        kind: 'departure',
        key: departureKeyOf(f.subject, d.organization, role),
        value: { occurredAt: f.occurredAt, destination },
        modality: f.modality ?? 'reported',
      },
    ];
  }
  if (f.type === 'lawsuit.status_changed') {
    const group = LAWSUIT_GROUPS[d.status as LawsuitStatus];
    if (!group || !f.occurredAt) return [];
    return [{ kind: 'lawsuit', key: `lawsuit|${f.subject}|${group}`, value: { status: String(d.status), occurredAt: f.occurredAt } }];
  }
  return financialClaims(f, d).filter((c): c is Claim => c !== null);
}

/** Can this type of fact make claims at all? (Corrections of other types never open a conflict.) */
export function canClaim(type: string): boolean {
  return (
    type === 'executive.departed' ||
    type === 'lawsuit.status_changed' ||
    ['revenue.reported', 'financial.loss_reported', 'revenue.target_set', 'funding.round_closed', 'headcount.reported'].includes(type)
  );
}

function overlap(a: string | null | undefined, b: string | null | undefined): boolean | null {
  const pa = a ? parsePeriod(a) : null;
  const pb = b ? parsePeriod(b) : null;
  if (!pa || !pb) return null;
  return pa.start < pb.end && pb.start < pa.end;
}

/**
 * Two departures of one claim where one is a denial: `modality` when the denial contradicts a reported or confirmed
 * departure (`denialContradictsReport`: it had surely happened by the denial's date). A denial and a rumour are
 * never a conflict: the denial answers the rumour (the roster and the counts set it aside) or, dated before it,
 * speaks of an earlier time; two denials never contradict each other.
 */
function denialDisagreement(a: Claim, b: Claim): string[] {
  const [denial, other] = a.modality === 'denied' ? [a, b] : [b, a];
  if (other.modality === 'denied' || other.modality === 'rumored') return [];
  return denialContradictsReport(validTimeOf(denial.value.occurredAt), validTimeOf(other.value.occurredAt)) ? ['modality'] : [];
}

/**
 * The fields on which two claims of the same key disagree ([] when they agree). Figures differ when their amounts
 * (same currency; two currencies are not compared) or counts differ; departures when their dates cannot both be
 * true (the intervals do not overlap: "2024-09" and "2024-09-25" agree) or both name a destination and they differ,
 * and a denial and a departure as `denialDisagreement` says; case outcomes when two different ones fall on
 * overlapping dates.
 */
export function disagreement(a: Claim, b: Claim): string[] {
  if (a.key !== b.key || a.kind !== b.kind) return [];
  const x = a.value;
  const y = b.value;
  if (a.kind === 'financial') {
    const fields: string[] = [];
    if (x.amount && y.amount && x.currency && x.currency === y.currency && canonicalAmount(x.amount) !== canonicalAmount(y.amount))
      fields.push('amount');
    if (typeof x.count === 'number' && typeof y.count === 'number' && x.count !== y.count) fields.push('count');
    return fields;
  }
  if (a.kind === 'departure') {
    if (a.modality === 'denied' || b.modality === 'denied') return denialDisagreement(a, b);
    const fields: string[] = [];
    if (overlap(x.occurredAt, y.occurredAt) === false) fields.push('occurredAt');
    if (x.destination && y.destination && x.destination !== y.destination) fields.push('destination');
    return fields;
  }
  return x.status !== y.status && overlap(x.occurredAt, y.occurredAt) === true ? ['status'] : [];
}

/** The namespace of conflict ids (UUIDv5 of `conflictName`), so ingest and the read model name a conflict alike. */
export const CONFLICT_ID_NAMESPACE = 'f0c1d2e3-4b5a-5c6d-8e7f-90a1b2c3d4e5';

/** The name a conflict's id is made from: its key and its two facts, in a fixed order. */
export function conflictName(key: string, factA: string, factB: string): string {
  const [first, second] = factA < factB ? [factA, factB] : [factB, factA];
  return `conflict|${key}|${first}|${second}`;
}

/** One pair of standing facts in contradiction, as the rules find it. */
export interface ContradictionPair {
  key: string;
  kind: ClaimKind;
  /** The fact recorded first, then the other. */
  a: { factId: string; value: ClaimValue };
  b: { factId: string; value: ClaimValue };
  fields: string[];
}

/**
 * Whether two departures of one claim that disagree are two departures after all: a re-appointment to the role
 * (`appointments`: the dates of those standing, reported or confirmed) lies between them (`reappointedBetween`), so
 * both can be true and they are no conflict. Other kinds of claim: never.
 */
export function reappointedApart(a: Claim, b: Claim, appointments: Iterable<ValidTime> | undefined): boolean {
  if (a.kind !== 'departure' || b.kind !== 'departure' || !appointments) return false;
  return reappointedBetween(validTimeOf(a.value.occurredAt), validTimeOf(b.value.occurredAt), appointments);
}

/**
 * Every pair of the given standing facts (in recording order) whose claims of one key disagree. Appointments among
 * them (`reappointmentKeyOf`) are no claims: one dated between two departures makes them no conflict
 * (`reappointedApart`), whenever it was recorded, as the conflicts read model decides it when the later departure
 * is recorded and again when an appointment of their role is recorded, corrected or retracted.
 */
export function contradictions(facts: ReadonlyArray<{ factId: string } & ClaimFact>): ContradictionPair[] {
  const byKey = new Map<string, Array<{ factId: string; claim: Claim }>>();
  const appointments = new Map<string, ValidTime[]>();
  const pairs: ContradictionPair[] = [];
  for (const f of facts) {
    const reappointment = reappointmentKeyOf(f);
    if (reappointment) appointments.set(reappointment, [...(appointments.get(reappointment) ?? []), validTimeOf(f.occurredAt)]);
  }
  for (const f of facts) {
    for (const claim of claimsOf(f)) {
      const earlier = byKey.get(claim.key) ?? [];
      for (const other of earlier) {
        if (other.factId === f.factId) continue;
        const fields = disagreement(other.claim, claim);
        if (fields.length && !reappointedApart(other.claim, claim, appointments.get(claim.key))) {
          pairs.push({
            key: claim.key,
            kind: claim.kind,
            a: { factId: other.factId, value: other.claim.value },
            b: { factId: f.factId, value: claim.value },
            fields,
          });
        }
      }
      byKey.set(claim.key, [...earlier, { factId: f.factId, claim }]);
    }
  }
  return pairs;
}
