import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { IngestEventStore } from '../shared/event-store.port';
import { EVENT_STORE } from '../../ingest.tokens';
import { EventDetailView, foldStoredStream, toEventDetail } from '../../read/event-view.mapper';
import { GetEventQuery } from './get-event.query';

/** Reads the event's whole stream: its status comes from the same fold the write rules use. */
@QueryHandler(GetEventQuery)
export class GetEventHandler implements IQueryHandler<GetEventQuery, EventDetailView | null> {
  constructor(@Inject(EVENT_STORE) private readonly store: IngestEventStore) {}

  async execute({ eventId }: GetEventQuery): Promise<EventDetailView | null> {
    const event = await this.store.findEvent(eventId);
    if (!event) return null;
    const stream = await this.store.readStream(event.streamId);
    return toEventDetail(event.eventId, stream, foldStoredStream(event.streamId, stream));
  }
}
