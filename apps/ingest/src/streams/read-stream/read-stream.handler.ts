import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { IngestEventStore } from '../../events/shared/event-store.port';
import { EVENT_STORE } from '../../ingest.tokens';
import { foldStoredStream } from '../../read/event-view.mapper';
import { ReadStreamQuery } from './read-stream.query';
import { StreamPage, toStreamPage } from './stream-page.mapper';

/**
 * The whole stream is read and folded even for one page: each event's status can depend on any later event.
 * A subject's stream is one company's or person's story, small enough for that.
 */
@QueryHandler(ReadStreamQuery)
export class ReadStreamHandler implements IQueryHandler<ReadStreamQuery, StreamPage | null> {
  constructor(@Inject(EVENT_STORE) private readonly store: IngestEventStore) {}

  async execute({ subject, fromVersion, limit }: ReadStreamQuery): Promise<StreamPage | null> {
    const stream = await this.store.readStream(subject);
    if (stream.length === 0) return null;
    return toStreamPage(subject, stream, foldStoredStream(subject, stream), fromVersion, limit);
  }
}
