import { Query } from '@nestjs/cqrs';
import { EventDetailView } from '../../read/event-view.mapper';

/** One event with its status and correction history; null when no event has that id. */
export class GetEventQuery extends Query<EventDetailView | null> {
  constructor(readonly eventId: string) {
    super();
  }
}
