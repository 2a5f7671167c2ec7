import type { Source } from '@newsroom/domain';
/** A feed item as stored in read_model.feed_items and served by the query service. */
export interface FeedItemRow {
  position: string;
  eventId: string;
  type: string;
  subject: string;
  organizations: string[];
  occurredAt: string | null;
  recordedAt: string;
  headlineEn: string;
  headlineFr: string;
  /** The event's data as the item shows it (the feed serves every type, and reads it back from jsonb). */
  data: unknown;
  /** The sources as recorded (validated by the envelope schema on the way in, read back from jsonb). */
  sources: Source[];
  modality: string;
  status: 'current' | 'corrected' | 'retracted';
  targetEventId: string | null;
  correlationId: string | null;
}

export type FeedChange =
  | { kind: 'insert'; item: FeedItemRow }
  | { kind: 'status'; targetEventId: string; status: 'corrected' | 'retracted' };
