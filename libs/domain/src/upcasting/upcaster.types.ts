import type { EventType } from '../events/event-catalog.registry';
import type { EventOf } from '../events/story-event.types';

/** One step: turns `type` data stored at `fromVersion` into `fromVersion + 1`. Pure; old data is untyped input. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  up(data: unknown): unknown;
}

/** An event as read from the log, at whatever schema version it was written: its data is not trusted to a type. */
export interface VersionedEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/** An event brought to today's schema: `type` narrows `data`. */
export type UpcastEvent<T extends EventType = EventType> = EventOf<T, { schemaVersion: number }>;
