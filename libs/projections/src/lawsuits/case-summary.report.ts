import type { InferredField, Source } from '@newsroom/domain';
import { displayNameOf } from '@newsroom/domain';
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
  /** The latest standing status ("filed" before any change); denied steps are listed but never count. */
  status: string;
  history: CaseStep[];
}

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
 * A step's place in valid time, as the case rules place it (libs/domain lawsuit.rules): its date's end, when it
 * had surely happened (undated first), then its fact's position. "Settled in 2024" comes after a motion of
 * 2024-06-10, and two steps dated alike keep the order they were recorded in.
 */
const stepPlace = (r: LawsuitRow) => ({ at: r.valid_to === null ? -Infinity : Date.parse(r.valid_to), pos: Number(r.fact_position) });

/**
 * Pure: one case from its visible filing and status changes, steps in valid-time order (when each happened, as the
 * timeline orders them), so a step reported late (the amendment of April recorded after the appeal of October) takes
 * its place, and the current status is the latest step that happened, not the latest recorded.
 */
export function summarizeCase(filed: LawsuitRow, steps: LawsuitRow[]): CaseSummary {
  const ordered = steps
    .map((r) => ({ r, ...stepPlace(r) }))
    .sort((a, b) => a.at - b.at || a.pos - b.pos)
    .map(({ r }) => r);
  const history = [step(filed, 'filed'), ...ordered.map((r) => step(r, r.status ?? 'unknown'))];
  const standing = ordered.filter(changesState);
  return {
    case: filed.subject,
    caseName: displayNameOf(filed.subject),
    title: filed.title,
    plaintiffs: filed.plaintiffs ?? [],
    defendants: filed.defendants ?? [],
    court: filed.court,
    claims: filed.claims ?? [],
    filed: history[0],
    status: standing.length ? (standing[standing.length - 1].status ?? 'filed') : 'filed',
    history,
  };
}
