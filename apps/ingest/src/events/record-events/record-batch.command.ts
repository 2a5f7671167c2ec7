import { Command } from '@nestjs/cqrs';
import { FieldError } from '@newsroom/domain';
import { RequestMeta } from '../shared/write.types';

export type BatchItemResult =
  | { index: number; id: string; status: 'created' | 'duplicate'; globalPosition: string; streamVersion: number }
  | {
      index: number;
      /** The item's own `id` as sent, else null: nothing was recorded under any id. */
      id: string | null;
      status: 'rejected';
      error: { status: number; code: string; message?: string; errors?: FieldError[]; errorsOmitted?: number };
    };

/** The body of a batch answer (PRODUCT.md): one result per item, in order, and the counts. */
export interface BatchResult {
  results: BatchItemResult[];
  created: number;
  duplicates: number;
  rejected: number;
}

/** Record a batch of envelopes as sent (not yet validated): each item stands alone, an invalid one is rejected on its own. */
export class RecordBatchCommand extends Command<BatchResult> {
  constructor(
    readonly items: readonly unknown[],
    readonly meta: RequestMeta,
    /** The request's Idempotency-Key: it names the items that carry no id (`keyedRecordIntent`). */
    readonly key?: string,
    /** Each item's numbers JSON.parse read as another value, by index, with their paths in the item: it is refused. */
    readonly inexactNumbers: ReadonlyMap<number, FieldError[]> = new Map(),
  ) {
    super();
  }
}
