import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { storyToSubmissions } from '@newsroom/domain';
import { EventWriter } from '../shared/event-writer.service';
import { keyedRecordIntent } from '../shared/intents.mapper';
import { RecordStoryCommand, StoryResult } from './record-story.command';

/** The story becomes each event's first source; the events are decided and appended in one transaction. */
@CommandHandler(RecordStoryCommand)
export class RecordStoryHandler implements ICommandHandler<RecordStoryCommand, StoryResult> {
  constructor(private readonly writer: EventWriter) {}

  async execute({ request, meta, key }: RecordStoryCommand): Promise<StoryResult> {
    const outcomes = await this.writer.write(
      storyToSubmissions(request).map((s, index) => keyedRecordIntent(s, key, index)),
      meta,
      true,
    );
    // The events that were fine are reported as BATCH.NOT_RECORDED; the reasons are the others'.
    const rejected = outcomes.flatMap((o, index) =>
      o.status === 'rejected' && o.error.code !== 'BATCH.NOT_RECORDED' ? [{ index, error: o.error }] : [],
    );
    if (rejected.length) {
      const errors = rejected.flatMap(({ index, error }) =>
        (error.errors ?? [{ path: '', message: error.message }]).map((e) => ({
          path: `events[${index}]${e.path ? `.${e.path}` : ''}`,
          message: e.message,
        })),
      );
      const first = rejected[0].error;
      return {
        status: 'rejected',
        rejection: { status: first.status, code: first.code, message: `No event of the story was recorded: ${first.message}`, errors },
      };
    }
    const results = outcomes.map((o, index) =>
      o.status === 'rejected'
        ? { index, status: o.status }
        : { index, id: o.eventId, status: o.status, globalPosition: o.globalPosition, streamVersion: o.streamVersion },
    );
    return { status: 'recorded', created: results.some((r) => r.status === 'created'), body: { story: request.story, results } };
  }
}
