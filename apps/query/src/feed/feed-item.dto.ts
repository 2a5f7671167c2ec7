import { FeedItemRow } from '@newsroom/projections';

/** The public shape of a feed item (PRODUCT.md): the headline is rendered in the requested language. */
export function toFeedItemDto(row: FeedItemRow, lang: 'en' | 'fr') {
  return {
    position: row.position,
    eventId: row.eventId,
    type: row.type,
    subject: row.subject,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    headline: lang === 'fr' ? row.headlineFr : row.headlineEn,
    data: row.data,
    sources: row.sources,
    modality: row.modality,
    status: row.status,
    ...(row.targetEventId ? { targetEventId: row.targetEventId } : {}),
  };
}

export type FeedItemDto = ReturnType<typeof toFeedItemDto>;
