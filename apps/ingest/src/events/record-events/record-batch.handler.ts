import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FieldError, Submission, validateSubmission } from '@newsroom/domain';
import { boundedFieldProblems, isUuid } from '@newsroom/platform';
import { EventWriter } from '../shared/event-writer.service';
import { keyedIdOf, keyedRecordIntent, refusedSubmission } from '../shared/intents.mapper';
import { refusingInexactNumbers } from '../shared/inexact-numbers.util';
import type { RefusedSubmission } from '../shared/write.types';
import { BatchItemResult, BatchResult, RecordBatchCommand } from './record-batch.command';

/** Validates each item, records the valid ones (each on its own, not all or nothing) and answers per item. */
@CommandHandler(RecordBatchCommand)
export class RecordBatchHandler implements ICommandHandler<RecordBatchCommand, BatchResult> {
  constructor(private readonly writer: EventWriter) {}

  async execute({ items, meta, key, inexactNumbers }: RecordBatchCommand): Promise<BatchResult> {
    const results: BatchItemResult[] = new Array(items.length);
    const valid: Array<{ index: number; submission: Submission }> = [];
    const refused: Array<{ index: number; submission: RefusedSubmission }> = [];
    items.forEach((item, index) => {
      const v = refusingInexactNumbers(validateSubmission(item), inexactNumbers.get(index));
      if (v.ok) valid.push({ index, submission: v.value });
      else {
        results[index] = {
          index,
          id: idOf(item),
          status: 'rejected',
          error: { status: 400, code: 'REQUEST.INVALID', message: NOT_THE_SCHEMA, ...listed(v.errors) },
        };
        const named = refusedSubmission(item, keyedIdOf(key, index));
        if (named) refused.push({ index, submission: named });
      }
    });
    // A refused item that is a stored event's content as an earlier release recorded it is a retry: a duplicate.
    // One read for all of them, before anything is written: a store fault then fails the request with nothing recorded.
    const replays = await this.writer.storedReplays(refused.map((r) => r.submission));
    replays.forEach((o, i) => {
      const { index } = refused[i];
      if (o) results[index] = { index, id: o.eventId, status: o.status, globalPosition: o.globalPosition, streamVersion: o.streamVersion };
    });
    if (valid.length) {
      const outcomes = await this.writer.write(
        valid.map((v) => keyedRecordIntent(v.submission, key, v.index)),
        meta,
        false,
      );
      outcomes.forEach((o, i) => {
        const index = valid[i].index;
        results[index] =
          o.status === 'rejected'
            ? {
                index,
                // Nothing was recorded under a refused item's id: the client's own, as sent, else none (a key-derived
                // id would answer 404), as for an item refused by the schema.
                id: valid[i].submission.id ?? null,
                status: 'rejected',
                error: { status: o.error.status, code: o.error.code, message: o.error.message, ...listed(o.error.errors) },
              }
            : { index, id: o.eventId, status: o.status, globalPosition: o.globalPosition, streamVersion: o.streamVersion };
      });
    }
    const count = (s: BatchItemResult['status']) => results.filter((r) => r.status === s).length;
    return { results: withinErrorBudget(results), created: count('created'), duplicates: count('duplicate'), rejected: count('rejected') };
  }
}

/** As a Kafka submission's dead letter says it: an item past the errors' budget keeps this and its count (t20). */
const NOT_THE_SCHEMA = 'The event does not match the schema.';

/** An item's field errors bounded as a problem's are (paths and messages cut, 100 and 8 kB at most, the rest counted). */
function listed(errors: FieldError[] | undefined): { errors?: FieldError[]; errorsOmitted?: number } {
  if (!errors?.length) return {};
  const bounded = boundedFieldProblems(errors);
  return { errors: bounded.errors, ...(bounded.omitted ? { errorsOmitted: bounded.omitted } : {}) };
}

/**
 * The field errors of a whole answer, in bytes of JSON: each item's are bounded (8 kB), and a batch of 1,000 items each
 * refused on many fields would still answer 8 MB. Past this, an item keeps its code and message and counts its errors.
 */
export const BATCH_ERRORS_BUDGET = 256 * 1024;

/** The results with their field errors, in order, until the budget is spent; later items count theirs in `errorsOmitted`. */
function withinErrorBudget(results: BatchItemResult[]): BatchItemResult[] {
  let left = BATCH_ERRORS_BUDGET;
  return results.map((r) => {
    if (r.status !== 'rejected' || !r.error.errors) return r;
    const size = JSON.stringify(r.error.errors).length;
    if (size <= left) {
      left -= size;
      return r;
    }
    left = 0;
    const { errors, ...error } = r.error;
    return { ...r, error: { ...error, errorsOmitted: errors.length + (error.errorsOmitted ?? 0) } };
  });
}

/**
 * The id an invalid item was sent with, when it is a UUID (echoed so the client can match the result; the index
 * matches every item). Another value is not echoed: the answer says `id` is a UUID or null, and the error names it.
 */
function idOf(item: unknown): string | null {
  const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
  return isUuid(id) ? id : null;
}
