import { Command } from '@nestjs/cqrs';
import { Story, StoryRequest } from '@newsroom/domain';
import { RequestMeta, WriteRejection } from '../shared/write.types';

type StoryItemResult =
  | { index: number; id: string; status: 'created' | 'duplicate'; globalPosition: string; streamVersion: number }
  | { index: number; status: 'rejected' };

/**
 * `recorded`: every event is stored (`created` when at least one is new, not all duplicates).
 * `rejected`: nothing was stored; the rejection names each failing event as `events[i]`.
 */
export type StoryResult =
  | { status: 'recorded'; created: boolean; body: { story: Story; results: StoryItemResult[] } }
  | { status: 'rejected'; rejection: WriteRejection };

/** Record a story and the events it backs, all or nothing. */
export class RecordStoryCommand extends Command<StoryResult> {
  constructor(
    readonly request: StoryRequest,
    readonly meta: RequestMeta,
    /** The request's Idempotency-Key: it names the events that carry no id (`keyedRecordIntent`). */
    readonly key?: string,
  ) {
    super();
  }
}
