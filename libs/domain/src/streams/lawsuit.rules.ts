import { DOMAIN_ERROR_CODES, DomainError } from '../errors/domain.errors';
import { withArticle } from '../values/article.util';
import { CLOSED_LAWSUIT_STATUSES, type LawsuitStatus } from '../events/lawsuit-status-changed.event';
import type { StoryEvent } from '../events/story-event.types';
import { parsePeriod } from '../values/period.value';
import { inValidTimeOrder } from '../values/valid-time-order.util';
import { stepCounts } from './rumour-words.util';
import type { StreamEventState, StreamState } from './stream-state.types';

/**
 * A standing step of a case, placed in valid time as the lawsuits report places it (inValidTimeOrder): after every
 * step its date is surely after, and in the order recorded among steps whose dates overlap. A date is a period: an
 * appeal dated only "2025" is neither before nor after a motion of 2025-03, so recorded first, it comes first.
 */
interface PlacedStep {
  /** The step's event id (null for a step not recorded yet: the one being decided). */
  eventId: string | null;
  status: LawsuitStatus;
  occurredAt: string | null;
  start: number;
  end: number;
  order: number;
  /** Whether it sets the case's status: not denied, and not a rumour no attached story confirms (stepCounts). */
  counts: boolean;
}

interface CaseOnRecord {
  filing: { occurredAt: string | null; start: number } | null;
  /** Every standing step, denied and rumoured ones included, in valid-time order. */
  steps: PlacedStep[];
}

const isClosing = (status: LawsuitStatus): boolean => CLOSED_LAWSUIT_STATUSES.includes(status);

const bounds = (occurredAt: string | null): { start: number; end: number } => {
  const period = occurredAt === null ? null : parsePeriod(occurredAt);
  // Undated steps come first, as in the report (only amendments' own events are undated; steps never are).
  return period ? { start: Date.parse(period.start), end: Date.parse(period.end) } : { start: -Infinity, end: -Infinity };
};

/** A step of `status` dated `occurredAt`, `order` in its stream, with its place in valid time. */
function placed(
  status: LawsuitStatus,
  occurredAt: string | null,
  order: number,
  counts: boolean,
  eventId: string | null = null,
): PlacedStep {
  return { eventId, status, occurredAt, ...bounds(occurredAt), order, counts };
}

/**
 * Two closing steps whose dates overlap are accounts of one outcome (the same one reported again, or a rival account:
 * one outlet says settled, another dismissed), not a case that went on after it closed: both stand, and the conflicts
 * report lists the rival pair.
 */
const sameOutcome = (a: PlacedStep, b: PlacedStep): boolean =>
  isClosing(a.status) && isClosing(b.status) && a.start < b.end && b.start < a.end;

/** The case as its standing events tell it, leaving out the event `except` (the one a correction replaces). */
function caseOnRecord(events: Map<string, StreamEventState>, except?: string): CaseOnRecord {
  let filing: CaseOnRecord['filing'] = null;
  const steps: PlacedStep[] = [];
  let order = 0;
  for (const [id, e] of events) {
    order += 1;
    if (e.status === 'retracted' || id === except) continue;
    if (e.type === 'lawsuit.filed') filing = { occurredAt: e.occurredAt, start: bounds(e.occurredAt).start };
    else if (e.type === 'lawsuit.status_changed' && e.data?.status) {
      steps.push(placed(e.data.status, e.occurredAt, order, stepCounts(e), id));
    }
  }
  return { filing, steps: inValidTimeOrder(steps, (s) => s) };
}

/** The status the case has after its last standing step that counts, in valid time (null: filed, nothing since). */
export function latestCaseStatus(events: Map<string, StreamEventState>): LawsuitStatus | null {
  const standing = caseOnRecord(events).steps.filter((s) => s.counts);
  return standing.length ? standing[standing.length - 1].status : null;
}

const dated = (s: { occurredAt: string | null }): string => (s.occurredAt ? ` on ${s.occurredAt}` : '');

/**
 * A step must happen on or after its case's filing, and the case's steps in valid time must keep "after withdrawn,
 * dismissed or settled, only appealed": the step just before a new one must not close the case (unless the new one
 * is an appeal), and a new closing step must not come just before a step that is not an appeal. So a settlement of
 * September reported after an appeal of the next year takes its place before the appeal, and the case stays open
 * after the appeal. Only dates that do not overlap order steps: a coarse date ("2025") neither precedes nor follows
 * the finer ones inside it, which keep the order they were recorded in. A denied step, and a rumoured one no attached story confirms, is on record but changes nothing: it
 * neither closes the case nor is refused by a closed one (a rumour is not the case's state). `prefix` names where the
 * step's fields are in the request ('' for a new event, 'changes.' for a correction).
 */
function assertStepFits(
  subject: string,
  onRecord: CaseOnRecord,
  step: PlacedStep,
  prefix: string,
  closedPath = `${prefix}data.status`,
): void {
  const { filing } = onRecord;
  if (filing && step.end <= filing.start) {
    throw new DomainError(
      DOMAIN_ERROR_CODES.CASE_STEP_BEFORE_FILING,
      'rule',
      `${subject} was filed${dated(filing)}; a step of the case cannot happen before its filing`,
      [{ path: `${prefix}occurredAt`, message: `is before the case's filing${dated(filing)}` }],
    );
  }
  if (!step.counts) return;
  // The step's neighbours in the order the report will show once it stands (its own order breaks ties with the
  // steps its date overlaps: a new step goes after them, a corrected one keeps its place in the stream).
  const standing = inValidTimeOrder([...onRecord.steps.filter((s) => s.counts), step], (s) => s);
  const at = standing.indexOf(step);
  const previous = standing[at - 1];
  if (previous && isClosing(previous.status) && step.status !== 'appealed' && !sameOutcome(previous, step)) {
    throw new DomainError(
      DOMAIN_ERROR_CODES.CASE_CLOSED,
      'rule',
      `${subject} was ${previous.status}${dated(previous)}, before this step; only appealed may follow`,
      [{ path: closedPath, message: `the case was ${previous.status}${dated(previous)}: only appealed may follow` }],
    );
  }
  const next = standing[at + 1];
  if (next && isClosing(step.status) && next.status !== 'appealed' && !sameOutcome(step, next)) {
    throw new DomainError(
      DOMAIN_ERROR_CODES.CASE_CLOSED,
      'rule',
      `${subject} has ${withArticle(next.status)} step${dated(next)}, after this one; ${withArticle(step.status)} case can only be appealed next`,
      [
        {
          path: closedPath,
          message: `would close the case before its ${next.status} step${dated(next)}: only appealed may follow ${step.status}`,
        },
      ],
    );
  }
}

/**
 * A step of the filing's date must not precede it: a new or corrected filing date is checked against the steps. The
 * refusal names every standing step before the date by its event id, so an editor refiling a case whose filing was
 * retracted knows which steps to correct or retract first.
 */
function assertFilingFits(subject: string, onRecord: CaseOnRecord, occurredAt: string | null, path: string): void {
  const start = bounds(occurredAt).start;
  const early = onRecord.steps.filter((s) => s.end <= start);
  if (!early.length) return;
  const [first] = early;
  const ids = early.map((s) => s.eventId).filter((id): id is string => id !== null);
  const act = ids.length ? `; correct or retract ${ids.length === 1 ? 'it' : 'them'} first (${stepList(early)})` : '';
  throw new DomainError(
    DOMAIN_ERROR_CODES.CASE_STEP_BEFORE_FILING,
    'rule',
    `${subject} has ${withArticle(first.status)} step${dated(first)}, before this filing date; a step cannot precede its case's filing${act}`,
    [
      {
        path,
        message: `is after the case's ${first.status} step${dated(first)}${early.length > 1 ? ` and ${early.length - 1} more` : ''}`,
      },
    ],
  );
}

/** The steps a refusal names, at most five: `event <id> (settled on 2024-09)`. */
function stepList(steps: readonly PlacedStep[]): string {
  const named = steps.slice(0, 5).map((s) => `event ${s.eventId} (${s.status}${dated(s)})`);
  return steps.length > 5 ? `${named.join(', ')} and ${steps.length - 5} more` : named.join(', ');
}

/** A case is filed once; status changes need a filed, open case (an appeal reopens a closed one), all in valid time. */
export function assertLawsuitRules(state: StreamState, event: StoryEvent & { occurredAt: string | null; modality?: string }): void {
  if (event.type !== 'lawsuit.filed' && event.type !== 'lawsuit.status_changed') return;
  const lawsuit = state.lawsuit ?? { filed: false, status: null };
  if (event.type === 'lawsuit.filed') {
    if (lawsuit.filed) {
      throw new DomainError(
        DOMAIN_ERROR_CODES.CASE_ALREADY_FILED,
        'rule',
        `${state.subject} is already filed; a refiled suit is a new case`,
        [{ path: 'subject', message: 'this case is already filed: a refiled suit is a new case subject' }],
      );
    }
    assertFilingFits(state.subject, caseOnRecord(state.events), event.occurredAt, 'occurredAt');
    return;
  }
  if (!lawsuit.filed) {
    throw new DomainError(DOMAIN_ERROR_CODES.CASE_NOT_FILED, 'rule', `${state.subject} has no lawsuit.filed event on record`, [
      { path: 'subject', message: 'no lawsuit.filed is on record for this case' },
    ]);
  }
  const step = placed(event.data.status, event.occurredAt, Infinity, event.modality !== 'denied' && event.modality !== 'rumored');
  assertStepFits(state.subject, caseOnRecord(state.events), step, '');
}

/**
 * A correction of a case's event must leave the case as the rules would have taken it: a step's new date or status
 * is checked against the other standing steps (as if recorded in the step's place in the stream), a filing's new
 * date against every step.
 */
export function assertCorrectedLawsuitRules(
  state: StreamState,
  targetEventId: string,
  target: StreamEventState,
  corrected: { occurredAt: string | null; data: unknown },
): void {
  if (target.type === 'lawsuit.filed') {
    if (corrected.occurredAt !== target.occurredAt) {
      assertFilingFits(state.subject, caseOnRecord(state.events, targetEventId), corrected.occurredAt, 'changes.occurredAt');
    }
    return;
  }
  if (target.type !== 'lawsuit.status_changed') return;
  const status = (corrected.data as { status?: LawsuitStatus }).status ?? target.data.status;
  // A correction of the detail alone moves nothing: a case recorded before these rules is not judged again by it.
  if (status === target.data.status && corrected.occurredAt === target.occurredAt) return;
  const order = [...state.events.keys()].indexOf(targetEventId) + 1;
  const step = placed(status, corrected.occurredAt, order, stepCounts(target));
  // A correction of the date alone is refused on the date; one of the status (with the date or not), on the status.
  const closedPath = status === target.data.status ? 'changes.occurredAt' : 'changes.data.status';
  assertStepFits(state.subject, caseOnRecord(state.events, targetEventId), step, 'changes.', closedPath);
}

/**
 * A story attached to a rumoured step that confirms it makes the step count from then on, as if it had been recorded
 * as reported: it must fit the case as a new step would (a confirmed settlement before a dismissal already on record
 * is CASE.CLOSED on `stance`). A denial, like a retraction, only takes a step out and is always accepted.
 */
export function assertConfirmedStepFits(
  state: StreamState,
  targetEventId: string,
  target: StreamEventState,
  confirmed: StreamEventState,
): void {
  if (target.type !== 'lawsuit.status_changed' || stepCounts(target) || !stepCounts(confirmed)) return;
  const order = [...state.events.keys()].indexOf(targetEventId) + 1;
  const step = placed(target.data.status, target.occurredAt, order, true);
  assertStepFits(state.subject, caseOnRecord(state.events, targetEventId), step, '', 'stance');
}
