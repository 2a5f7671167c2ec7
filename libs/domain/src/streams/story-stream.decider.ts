import { textOf } from '../values/text.value';
import { withArticle } from '../values/article.util';
import { DOMAIN_ERROR_CODES, DomainError } from '../errors/domain.errors';
import {
  CURRENT_SCHEMA_VERSION,
  SUBJECT_KIND_BY_TYPE,
  isRecordableEventType,
  type RecordableEventType,
} from '../events/event-catalog.registry';
import type { CorrectionRequest } from '../submission/correction-request.schema';
import type { RetractionRequest } from '../submission/retraction-request.schema';
import type { SourceRequest } from '../submission/source-request.schema';
import type { Submission } from '../submission/submission.schema';
import { inferredPathErrors } from '../values/inferred.value';
import { sameMoney } from '../values/money.value';
import { parsePeriod } from '../values/period.value';
import { parseSubject } from '../values/subject.value';
import { checkCorrectedData } from './corrected-data.rules';
import { assertFigureDates } from './figure-dates.rules';
import { assertConfirmedStepFits, assertCorrectedLawsuitRules, assertLawsuitRules } from './lawsuit.rules';
import { absentRemovals, mergePatch, patchAsChecked, sameJsonValue } from './merge-patch.util';
import { assertNotOwnTarget } from './own-target.rules';
import { withWord } from './rumour-words.util';
import { assertPublishedBy, sourcesAt } from './source-dates.rules';
import type { NewEvent, StreamEventState, StreamState } from './stream-state.types';

/**
 * Decides a new story event from a validated submission against its subject's stream, at `now` (the write's clock: a
 * source is not published after it). Throws DomainError.
 */
export function decideRecord(state: StreamState, submission: Submission, now: Date): NewEvent {
  if (!isRecordableEventType(submission.type)) {
    throw new DomainError(
      DOMAIN_ERROR_CODES.EVENT_TYPE_NOT_RECORDABLE,
      'validation',
      `${textOf((submission as { type: unknown }).type)} cannot be recorded directly`,
      [{ path: 'type', message: 'must be a recordable event type' }],
    );
  }
  if (submission.subject !== state.subject) {
    throw new DomainError(DOMAIN_ERROR_CODES.STREAM_SUBJECT_MISMATCH, 'validation', 'the submission belongs to another stream', [
      { path: 'subject', message: `must be ${state.subject}` },
    ]);
  }
  const kind = SUBJECT_KIND_BY_TYPE[submission.type];
  if (kind && parseSubject(submission.subject)?.kind !== kind) {
    throw DomainError.validation([{ path: 'subject', message: `must be ${withArticle(kind)} subject` }]);
  }
  if (submission.expectedVersion !== undefined && submission.expectedVersion !== state.version) {
    throw new DomainError(
      DOMAIN_ERROR_CODES.STREAM_VERSION_MISMATCH,
      'conflict',
      `expected version ${submission.expectedVersion} but ${state.subject} is at ${state.version}`,
      [{ path: 'expectedVersion', message: `the stream is at version ${state.version}` }],
    );
  }
  assertLawsuitRules(state, submission);
  assertFigureDates(submission.type, submission.occurredAt, submission.data);
  assertNotOwnTarget(submission.type, submission.subject, submission.data);
  assertPublishedBy(now, sourcesAt('sources', submission.sources));
  return recordedFrom(submission);
}

function recordedFrom<T extends RecordableEventType>(submission: Submission<T>): NewEvent<T> {
  return {
    type: submission.type,
    subject: submission.subject,
    occurredAt: submission.occurredAt,
    data: submission.data,
    sources: submission.sources,
    modality: submission.modality ?? 'reported',
    schemaVersion: CURRENT_SCHEMA_VERSION[submission.type],
    ...(submission.inferred?.length ? { inferred: submission.inferred } : {}),
  };
}

// Shared by corrections, retractions and attached sources: the target must exist here, be a story fact and still stand.
function findAmendableTarget(state: StreamState, targetEventId: string): StreamEventState {
  const target = state.events.get(targetEventId);
  if (!target) {
    throw new DomainError(DOMAIN_ERROR_CODES.EVENT_NOT_FOUND, 'not_found', `event ${targetEventId} is not in stream ${state.subject}`);
  }
  if (
    target.type === 'event.corrected' ||
    target.type === 'event.retracted' ||
    target.type === 'event.sourced' ||
    target.type === 'conflict.resolved' ||
    target.type.startsWith('entity.')
  ) {
    throw new DomainError(
      DOMAIN_ERROR_CODES.EVENT_NOT_CORRECTABLE,
      'rule',
      `event ${targetEventId} is ${withArticle(target.type)} and cannot be amended`,
    );
  }
  if (target.status === 'retracted') {
    throw new DomainError(DOMAIN_ERROR_CODES.EVENT_RETRACTED, 'rule', `event ${targetEventId} is retracted`);
  }
  return target;
}

/** Decides an event.corrected in the target's stream; the patched data must still fit the target's type. */
export function decideCorrection(state: StreamState, targetEventId: string, req: CorrectionRequest, now: Date): NewEvent {
  const target = findAmendableTarget(state, targetEventId);
  const { occurredAt, data, inferred } = req.changes ?? {};
  const hasData = data !== undefined && data !== null && Object.keys(data).length > 0;
  if (occurredAt === undefined && !hasData && inferred === undefined) {
    throw DomainError.validation([{ path: 'changes', message: 'must change occurredAt, data or inferred' }]);
  }
  if (occurredAt !== undefined && parsePeriod(occurredAt) === null) {
    throw DomainError.validation([{ path: 'changes.occurredAt', message: 'must be a date or period' }]);
  }
  const absent = hasData ? absentRemovals(target.data, data) : [];
  if (absent.length) {
    throw DomainError.validation(
      absent.map((path) => ({ path: `changes.data.${path}`, message: `the event has no ${path} to remove` })),
      `the correction removes fields the ${target.type} does not have`,
    );
  }
  // The patch as it is stored: its text in the form the schema keeps (trimmed, one line's spaces joined), so the
  // correction's own data, the fact it makes and the check below read what the reports will show.
  let patch = data;
  if (hasData) patch = patchAsChecked(data, checkCorrectedData(target.type, target.data, data)) as Record<string, unknown>;
  const corrected = hasData ? mergePatch(target.data, patch) : target.data;
  // A correction that leaves the fact as it stands would still mark it corrected and announce a change in the feed
  // and the reports' history (a retried request, or a value set to what it already is, "30" as "30.0", "CTO " as
  // "CTO"). `inferred` is not kept in the decision state, so a correction that gives it counts as a change.
  const sameData = sameJsonValue(corrected, target.data, sameMoney);
  if (inferred === undefined && (occurredAt === undefined || occurredAt === target.occurredAt) && sameData) {
    throw new DomainError(DOMAIN_ERROR_CODES.CORRECTION_NO_CHANGE, 'rule', `the correction leaves event ${targetEventId} as it stands`, [
      { path: 'changes', message: 'changes nothing: the event already has these values' },
    ]);
  }
  assertCorrectedLawsuitRules(state, targetEventId, target, { occurredAt: occurredAt ?? target.occurredAt, data: corrected });
  if (occurredAt !== undefined || hasData) assertFigureDates(target.type, occurredAt ?? target.occurredAt, corrected, 'changes.data.');
  if (hasData) assertNotOwnTarget(target.type, state.subject, corrected, 'changes.data.');
  assertPublishedBy(now, sourcesAt('sources', req.sources));
  // The new list names fields of the fact as corrected (its date and data after this correction).
  const pathErrors = inferred ? inferredPathErrors({ occurredAt: occurredAt ?? target.occurredAt, data: corrected }, inferred) : [];
  if (pathErrors.length) {
    throw DomainError.validation(pathErrors.map((e) => ({ path: `changes.inferred[${e.index}].path`, message: e.message })));
  }
  return {
    type: 'event.corrected',
    subject: state.subject,
    occurredAt: null,
    data: { targetEventId, changes: hasData ? { ...req.changes, data: patch } : req.changes, reason: req.reason },
    sources: req.sources ?? [],
    modality: 'reported',
    schemaVersion: CURRENT_SCHEMA_VERSION['event.corrected'],
  };
}

/** Decides an event.retracted in the target's stream. */
export function decideRetraction(state: StreamState, targetEventId: string, req: RetractionRequest): NewEvent {
  findAmendableTarget(state, targetEventId);
  return {
    type: 'event.retracted',
    subject: state.subject,
    occurredAt: null,
    data: { targetEventId, reason: req.reason },
    sources: [],
    modality: 'reported',
    schemaVersion: CURRENT_SCHEMA_VERSION['event.retracted'],
  };
}

/** Decides an event.sourced in the target's stream: another outlet confirming or denying a standing fact. */
export function decideSourcing(state: StreamState, targetEventId: string, req: SourceRequest, now: Date): NewEvent {
  const target = findAmendableTarget(state, targetEventId);
  assertPublishedBy(now, [{ path: 'source', publishedAt: req.source.publishedAt }]);
  // As evolve takes it: the outlet's word on a rumoured step of a case, which may confirm it.
  if (target.rumored)
    assertConfirmedStepFits(state, targetEventId, target, { ...target, words: withWord(target.words, req.source, req.stance) });
  return {
    type: 'event.sourced',
    subject: state.subject,
    occurredAt: null,
    data: { targetEventId, source: req.source, stance: req.stance },
    sources: [req.source],
    modality: req.stance === 'denies' ? 'denied' : 'reported',
    schemaVersion: CURRENT_SCHEMA_VERSION['event.sourced'],
  };
}
