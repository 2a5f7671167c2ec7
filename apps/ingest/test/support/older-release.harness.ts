import { EventToAppend, PgEventStore } from '@newsroom/event-store';

/** What an earlier release wrote of an event: its content as that release took it, under the fingerprint it took. */
export type OlderReleaseEvent = Pick<EventToAppend, 'eventId' | 'type' | 'occurredAt' | 'data' | 'sources' | 'contentHash'> &
  Partial<Pick<EventToAppend, 'modality'>>;

/**
 * Appends an event to `streamId` straight into the store, as an earlier release recorded it, bypassing today's
 * validation and rules (and leaving no kept state, so the next write folds the stream). Answers its place in the log.
 */
export async function recordAsOlderRelease(store: PgEventStore, streamId: string, event: OlderReleaseEvent) {
  const [appended] = await store.appendMany([
    {
      streamId,
      expectedVersion: 'any',
      events: [
        {
          schemaVersion: 1,
          occurredStart: null,
          occurredEnd: null,
          modality: 'reported',
          metadata: { correlationId: 'old-release', causationId: null, actor: 'test' },
          ...event,
        },
      ],
    },
  ]);
  return appended;
}
