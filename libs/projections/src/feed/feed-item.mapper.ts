import type { InferredField, Source } from '@newsroom/domain';
import type { CorroborationRecord } from '../corroboration/corroboration-entry.model';
import { FeedItemRow } from './feed-item.types';

export const FEED_ITEM_COLUMNS = `position, event_id, type, subject, organizations, occurred_at, recorded_at, headline_en,
  headline_fr, data, sources, modality, status, target_event_id, correlation_id, inferred, corroboration, subjects,
  fallbacks`;

/** A row of read_model.feed_items as the pg driver returns it (bigint as string, jsonb parsed, timestamptz as Date). */
export interface FeedItemDbRow {
  position: string | number;
  event_id: string;
  type: string;
  subject: string;
  organizations: string[] | null;
  /** Absent on rows read before the column existed. */
  subjects?: string[] | null;
  occurred_at: string | null;
  recorded_at: Date | string;
  headline_en: string;
  headline_fr: string;
  data: unknown;
  /** The sources as recorded (validated by the envelope schema on the way in, read back from jsonb). */
  sources: Source[];
  modality: string;
  status: FeedItemRow['status'];
  inferred: InferredField[] | null;
  target_event_id: string | null;
  correlation_id: string | null;
  /** Read back from jsonb as the projection wrote it; absent on rows read before the column existed. */
  corroboration?: CorroborationRecord[] | null;
  /** Absent on rows read before the column existed, null on a fact's own item. */
  fallbacks?: { en: string[]; fr: string[] } | null;
}

export function toFeedItemRow(r: FeedItemDbRow): FeedItemRow {
  return {
    position: String(r.position),
    eventId: r.event_id,
    type: r.type,
    subject: r.subject,
    subjects: r.subjects?.length ? r.subjects : [r.subject, ...(r.organizations ?? []).filter((o) => o !== r.subject)],
    organizations: r.organizations ?? [],
    occurredAt: r.occurred_at,
    recordedAt: new Date(r.recorded_at).toISOString(),
    headlineEn: r.headline_en,
    headlineFr: r.headline_fr,
    data: r.data,
    sources: r.sources,
    inferred: r.inferred ?? [],
    modality: r.modality,
    status: r.status,
    targetEventId: r.target_event_id,
    correlationId: r.correlation_id,
    corroboration: r.corroboration ?? [],
    fallbacks: r.fallbacks ?? null,
  };
}
