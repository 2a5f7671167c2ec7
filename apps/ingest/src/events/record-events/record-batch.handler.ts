import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FieldError, Submission, validateSubmission } from '@newsroom/domain';
import { boundedFieldProblems } from '@newsroom/platform';
import { EventWriter } from '../shared/event-writer.service';
import { keyedRecordIntent } from '../shared/intents.mapper';
import { BatchItemResult, BatchResult, RecordBatchCommand } from './record-batch.command';

/** Validates each item, records the valid ones (each on its own, not all or nothing) and answers per item. */
@CommandHandler(RecordBatchCommand)
export class RecordBatchHandler implements ICommandHandler<RecordBatchCommand, BatchResult> {
  constructor(private readonly writer: EventWriter) {}

  async execute({ items, meta, key }: RecordBatchCommand): Promise<BatchResult> {
    const results: BatchItemResult[] = new Array(items.length);
    const valid: Array<{ index: number; submission: Submission }> = [];
    items.forEach((item, index) => {
      const v = validateSubmission(item);
      if (v.ok) valid.push({ index, submission: v.value });
      else
        results[index] = {
          index,
          id: idOf(item),
          status: 'rejected',
          error: { status: 400, code: 'REQUEST.INVALID', ...listed(v.errors) },
        };
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
    return { results, created: count('created'), duplicates: count('duplicate'), rejected: count('rejected') };
  }
}

/** An item's field errors bounded as a problem's are (paths and messages cut, 100 and 8 kB at most, the rest counted). */
function listed(errors: FieldError[] | undefined): { errors?: FieldError[]; errorsOmitted?: number } {
  if (!errors?.length) return {};
  const bounded = boundedFieldProblems(errors);
  return { errors: bounded.errors, ...(bounded.omitted ? { errorsOmitted: bounded.omitted } : {}) };
}

/** The id an invalid item was sent with, when it has a string one (echoed so the client can match the result). */
function idOf(item: unknown): string | null {
  const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}
