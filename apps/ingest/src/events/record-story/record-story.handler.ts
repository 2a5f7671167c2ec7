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
        (error.errors ?? [{ path: '', message: error.message }]).map((e) => storyProblem(index, e)),
      );
      // The story is every event's first source: what is wrong with it is said once.
      const once = errors.filter((e, i) => !e.path.startsWith('story.') || errors.findIndex((o) => o.path === e.path) === i);
      const first = rejected[0].error;
      return {
        status: 'rejected',
        rejection: {
          status: first.status,
          code: first.code,
          message: `No event of the story was recorded: ${first.message}`,
          errors: once,
        },
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

/**
 * An event's field problem as the story request has it. A conflict on the id the request's Idempotency-Key gave an
 * event without one names the body field that id stands for, `events[1].id` (the header is no field of an event),
 * and says where the id came from.
 */
function storyProblem(index: number, e: { path: string; message: string }): { path: string; message: string } {
  if (e.path === 'Idempotency-Key')
    return {
      path: storyPath(index, 'id'),
      message: `has none: the id the Idempotency-Key gives it at this place was ${e.message} (give the event its own id, or send another key)`,
    };
  return { path: storyPath(index, e.path), message: e.message };
}

/**
 * Where an event's error is in the request: each event's sources are the story, then its own (`sources[0]` is the
 * story, `sources[2]` the event's `sources[1]`).
 */
function storyPath(index: number, path: string): string {
  const source = /^sources\[(\d+)\](.*)$/.exec(path);
  if (source && source[1] === '0') return `story${source[2]}`;
  const own = source ? `sources[${Number(source[1]) - 1}]${source[2]}` : path;
  return `events[${index}]${own ? `.${own}` : ''}`;
}
