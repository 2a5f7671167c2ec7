import type { CorrectionEventType, EventDataMap, EventType } from './event-catalog.registry';

/**
 * One event type and its data, as emmett's `Event<Type, Data>`: a union over the catalog, so checking `type`
 * narrows `data` to the shape its zod schema infers. A field renamed in a schema fails to compile where it is read.
 */
export type StoryEvent<T extends EventType = EventType> = EventOf<T, object>;

/**
 * A carrier of events (recorded, stored, projected, a fact version) as a union of the same kind: its own fields
 * on every member, next to the member's `type` and `data`. For a generic T it simplifies to `Fields & { type: T;
 * data: EventDataMap[T] }`, so code written once for any T keeps the two together.
 */
export type EventOf<T extends EventType, Fields> = { [K in T]: Fields & { type: K; data: EventDataMap[K] } }[T];

export type AmendmentEvent = StoryEvent<CorrectionEventType>;

/** Is this a correction or a retraction? Narrows any event carrier (typed or raw) to the two amendment types. */
export function isAmendment<E extends { type: string }>(event: E): event is E & AmendmentEvent {
  return event.type === 'event.corrected' || event.type === 'event.retracted';
}
