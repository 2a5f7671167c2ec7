import { corroborationOf, fallbacksIn } from '@newsroom/domain';
import { FeedItemRow } from '@newsroom/projections';
import type { FeedConflictFields } from './feed-conflicts.mapper';

const TARGET_STATUS = { 'event.corrected': 'corrected', 'event.retracted': 'retracted' } as const;

/**
 * The public shape of a feed item (PRODUCT.md): the headline is rendered in the requested language. An amendment
 * names its target and the status it gave the target, so a client can update the item it already shows.
 */
export function toFeedItemDto(row: FeedItemRow & Partial<FeedConflictFields>, lang: 'en' | 'fr') {
  const targetStatus = TARGET_STATUS[row.type as keyof typeof TARGET_STATUS];
  return {
    position: row.position,
    eventId: row.eventId,
    type: row.type,
    subject: row.subject,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    headline: lang === 'fr' ? row.headlineFr : row.headlineEn,
    lang,
    // The free text with no text in `lang` (the headline shows it in the other language, marked "[en]"): of `data`,
    // or, on an item naming another fact, of that fact as the headline names it (kept with the item).
    fallbacks: row.fallbacks?.[lang] ?? fallbacksIn(row.type, row.data, lang),
    data: row.data,
    sources: row.sources,
    inferred: row.inferred,
    modality: row.modality,
    status: row.status,
    ...(row.targetEventId ? { targetEventId: row.targetEventId } : {}),
    ...(row.targetEventId && targetStatus ? { targetStatus } : {}),
    // A fact's outlets; an attached source's item carries its target's, updated, so clients update that item.
    corroboration: corroborationOf(row.corroboration),
    // Open conflicts of the fact (of the target, on an amendment, source or resolution item); the conflicts this
    // item's event opened or closed, so a client marks or unmarks the items it shows.
    conflictsWith: row.conflictsWith ?? [],
    ...(row.conflictUpdates?.length ? { conflictUpdates: row.conflictUpdates } : {}),
  };
}
