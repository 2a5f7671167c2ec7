import { EventStatus, StreamState } from '@newsroom/domain';
import { StoredEvent } from '@newsroom/event-store';
import { EventView, toEventView } from '../../read/event-view.mapper';

export interface StreamPage {
  subject: string;
  /** The stream's version: the streamVersion of its last event. */
  version: number;
  events: Array<EventView & { status: EventStatus }>;
  /** fromVersion of the next page, or null on the last page. */
  next: number | null;
}

export function toStreamPage(subject: string, stream: StoredEvent[], state: StreamState, fromVersion: number, limit: number): StreamPage {
  const page = stream.filter((e) => e.streamVersion >= fromVersion).slice(0, limit);
  const last = page[page.length - 1];
  return {
    subject,
    version: state.version,
    events: page.map((e) => ({ ...toEventView(e), status: state.events.get(e.eventId)?.status ?? 'current' })),
    next: last && last.streamVersion < state.version ? last.streamVersion + 1 : null,
  };
}
