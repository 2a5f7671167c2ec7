import { FeedItemRow } from './feed-item';

export const FEED_ITEM_COLUMNS = `position, event_id, type, subject, organizations, occurred_at, recorded_at, headline_en,
  headline_fr, data, sources, modality, status, target_event_id, correlation_id`;

export function toFeedItemRow(r: Record<string, any>): FeedItemRow {
  return {
    position: String(r.position),
    eventId: r.event_id,
    type: r.type,
    subject: r.subject,
    organizations: r.organizations ?? [],
    occurredAt: r.occurred_at,
    recordedAt: new Date(r.recorded_at).toISOString(),
    headlineEn: r.headline_en,
    headlineFr: r.headline_fr,
    data: r.data,
    sources: r.sources,
    modality: r.modality,
    status: r.status,
    targetEventId: r.target_event_id,
    correlationId: r.correlation_id,
  };
}
