import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PgEventStore } from '@newsroom/event-store';
import { EventDetailView, foldStoredStream, toEventDetail } from '../../read/event-view';
import { GetEventQuery } from './get-event.query';

/** Reads the event's whole stream: its status comes from the same fold the write rules use. */
@QueryHandler(GetEventQuery)
export class GetEventHandler implements IQueryHandler<GetEventQuery, EventDetailView | null> {
  constructor(private readonly store: PgEventStore) {}

  async execute({ eventId }: GetEventQuery): Promise<EventDetailView | null> {
    const event = await this.store.findEvent(eventId);
    if (!event) return null;
    const stream = await this.store.readStream(event.streamId);
    return toEventDetail(event.eventId, stream, foldStoredStream(event.streamId, stream));
  }
}
