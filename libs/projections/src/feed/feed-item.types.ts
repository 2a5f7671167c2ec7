import type { InferredField, Source } from '@newsroom/domain';
import type { CorroborationRecord } from '../corroboration/corroboration-entry.model';
/** A feed item as stored in read_model.feed_items and served by the query service. */
export interface FeedItemRow {
  position: string;
  eventId: string;
  type: string;
  subject: string;
  /**
   * Every entity the item concerns (subjectsOf): its stream subject first, every subject its data names in the roles
   * the timeline lists, its target's, a case step's parties. The feed's `subjects` filter matches any of them.
   */
  subjects: string[];
  /** The organizations among `subjects`: what the feed's `organization` filter matches. */
  organizations: string[];
  occurredAt: string | null;
  recordedAt: string;
  headlineEn: string;
  headlineFr: string;
  /** The event's data as the item shows it (the feed serves every type, and reads it back from jsonb). */
  data: unknown;
  /** The sources as recorded (validated by the envelope schema on the way in, read back from jsonb). */
  sources: Source[];
  /** The fields its sources do not state (the event's `inferred`); [] when none. */
  inferred: InferredField[];
  modality: string;
  status: 'current' | 'corrected' | 'retracted';
  targetEventId: string | null;
  correlationId: string | null;
  /** The outlets' words on the item's fact (its own sources and attached ones); an attached source's item: its target's. */
  corroboration: CorroborationRecord[];
  /**
   * On an item that names another fact (an amendment, an attached source, a resolution): the fallbacks of that fact as
   * its headline names it, per language. Null (or absent) on a fact's own item, whose `data` has them.
   */
  fallbacks?: { en: string[]; fr: string[] } | null;
}

export type FeedChange =
  | { kind: 'insert'; item: FeedItemRow }
  | { kind: 'status'; targetEventId: string; status: 'corrected' | 'retracted' }
  | { kind: 'corroboration'; targetEventId: string; entries: CorroborationRecord[] };
