import type { AttachedWord, InferredField, Source } from '@newsroom/domain';
import { displayNameOf, inValidTimeOrder, rumourConfirmed } from '@newsroom/domain';
import type { StoredFactRow } from '../facts/fact-version.types';
import { changesState, factStatusOf } from '../facts/visibility.util';

export interface LawsuitRow extends StoredFactRow {
  kind: 'filed' | 'status';
  title: string | null;
  plaintiffs: string[];
  defendants: string[];
  parties: string[];
  court: string | null;
  claims: string[];
  status: string | null;
  detail: string | null;
}

export interface CaseStep {
  eventId: string;
  status: string;
  detail: string | null;
  occurredAt: string | null;
  modality: string;
  factStatus: 'current' | 'corrected';
  recordedAt: string;
  /** The sources as recorded (validated by the envelope schema on the way in, read back from jsonb). */
  sources: Source[];
  /** The fields its sources do not state ([] when none). */
  inferred: InferredField[];
}

export interface CaseSummary {
  case: string;
  caseName: string;
  title: string | null;
  plaintiffs: string[];
  defendants: string[];
  court: string | null;
  claims: string[];
  filed: CaseStep;
  /**
   * The latest standing status ("filed" before any change); denied steps are listed but never count, and rumoured
   * ones count only once a story attached to them confirms them (stepSetsStatus).
   */
  status: string;
  /**
   * The latest rumoured step after the standing one that does not count (unconfirmed) and was not denied: "filed,
   * appeal rumoured". Null when there is none, or when it is the status the case has.
   */
  rumoredStatus: string | null;
  history: CaseStep[];
}

/**
 * The words of the stories attached to each rumoured step (`POST /v1/events/{id}/sources`), by the step's fact id:
 * each outlet's latest word, as recorded at the report's knownAt. A step without an entry has none.
 */
export type AttachedWords = ReadonlyMap<string, readonly AttachedWord[]>;

const NO_WORDS: AttachedWords = new Map();

/**
 * Whether a step sets its case's status: not denied (changesState), and not a rumour unless the stories attached to
 * it confirm it (rumourConfirmed: an outlet's latest word confirms, none denies), as the case rules count steps.
 */
function stepSetsStatus(r: Pick<LawsuitRow, 'modality' | 'fact_id'>, words: AttachedWords = NO_WORDS): boolean {
  return changesState(r) && (r.modality !== 'rumored' || rumourConfirmed(words.get(r.fact_id)));
}

/**
 * A rumour set aside, as the roster sets aside a denied rumoured departure: a denied step of the same status is
 * listed with it (whatever its date), or an outlet's latest word on it denies it.
 */
const setAside = (r: LawsuitRow, steps: readonly LawsuitRow[], words: AttachedWords): boolean =>
  steps.some((d) => d.modality === 'denied' && d.status === r.status) || !!words.get(r.fact_id)?.some(([, stance]) => stance === 'denies');

const step = (r: LawsuitRow, status: string): CaseStep => ({
  eventId: r.fact_id,
  status,
  detail: r.detail,
  occurredAt: r.occurred_at,
  modality: r.modality,
  factStatus: factStatusOf(r),
  recordedAt: r.recorded_from,
  sources: r.sources,
  inferred: r.inferred ?? [],
});

/**
 * A step's place in valid time, as the case rules place it (libs/domain inValidTimeOrder): its date's period (undated
 * first), its fact's position (the order recorded, which breaks ties between overlapping dates), and whether it sets
 * the status. An appeal dated only "2025" recorded before a motion of 2025-03 comes before it, not at the year's end.
 */
type PlacedStep = Pick<StoredFactRow, 'fact_id' | 'modality' | 'valid_from' | 'valid_to' | 'fact_position'>;
const stepPlace = (r: PlacedStep, words: AttachedWords) => ({
  start: r.valid_from === null ? -Infinity : Date.parse(r.valid_from),
  end: r.valid_to === null ? -Infinity : Date.parse(r.valid_to),
  order: Number(r.fact_position),
  counts: stepSetsStatus(r, words),
});

/** A case's standing steps in the order its history lists them (the timeline orders a case's steps so too). */
export function caseStepsInOrder<T extends PlacedStep>(steps: readonly T[], words: AttachedWords = NO_WORDS): T[] {
  return inValidTimeOrder(steps, (r) => stepPlace(r, words));
}

/**
 * Pure: one case from its visible filing and status changes, steps in valid-time order (when each happened), so a
 * step reported late (the amendment of April recorded after the appeal of October) takes its place, and the current
 * status is the latest step that happened, not the latest recorded: the last step that counts in that order.
 */
export function summarizeCase(filed: LawsuitRow, steps: LawsuitRow[], words: AttachedWords = NO_WORDS): CaseSummary {
  const ordered = caseStepsInOrder(steps, words);
  const history = [step(filed, 'filed'), ...ordered.map((r) => step(r, r.status ?? 'unknown'))];
  const last = ordered.findLastIndex((r) => stepSetsStatus(r, words));
  const status = last >= 0 ? (ordered[last].status ?? 'filed') : 'filed';
  const rumour = ordered
    .slice(last + 1)
    .findLast((r) => r.modality === 'rumored' && !stepSetsStatus(r, words) && !setAside(r, ordered, words));
  return {
    case: filed.subject,
    caseName: displayNameOf(filed.subject),
    title: filed.title,
    plaintiffs: filed.plaintiffs ?? [],
    defendants: filed.defendants ?? [],
    court: filed.court,
    claims: filed.claims ?? [],
    filed: history[0],
    status,
    rumoredStatus: rumour?.status && rumour.status !== status ? rumour.status : null,
    history,
  };
}
