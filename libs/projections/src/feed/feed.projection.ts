import { inferredOf, isAmendment, renderHeadline, resolvedHeadline, sourcedHeadlinePrefix } from '@newsroom/domain';
import { attachedEntries, mergeEntries, ownEntries } from '../corroboration/corroboration-entry.model';
import { factHeadlines } from '../facts/fact-headlines.mapper';
import { ProjectedEvent } from '../projected-event.mapper';
import { FeedChange, FeedItemRow } from './feed-item.types';

const AMENDMENT_PREFIX = {
  'event.corrected': { en: 'Correction: ', fr: 'Correction : ' },
  'event.retracted': { en: 'Retracted: ', fr: 'Rétracté : ' },
} as const;

const isOrg = (s: unknown): s is string => typeof s === 'string' && s.startsWith('org:');

/** The organizations an event concerns, for the feed's `organization` filter. */
export function organizationsOf(event: ProjectedEvent, target?: Pick<FeedItemRow, 'organizations'> | null): string[] {
  const d = event.data ?? {};
  const found = [
    event.subject,
    'organization' in d ? d.organization : undefined,
    'by' in d ? d.by : undefined,
    ...('plaintiffs' in d ? (d.plaintiffs ?? []) : []),
    ...('defendants' in d ? (d.defendants ?? []) : []),
  ].filter(isOrg);
  return [...new Set([...found, ...(target?.organizations ?? [])])];
}

/**
 * Pure: what one event does to the feed. A correction or retraction is an item of its own (so subscribers
 * see it) and changes the status of the item it targets. `target` is the targeted item, if already in the feed.
 */
export function evolveFeed(event: ProjectedEvent, target?: FeedItemRow | null): FeedChange[] {
  const amendment = isAmendment(event);
  const sourced = event.type === 'event.sourced';
  // An editor's resolution of a conflict points at the fact that stands.
  const resolved = event.type === 'conflict.resolved';
  const targetEventId: string | null =
    amendment || sourced ? (event.data?.targetEventId ?? null) : resolved ? (event.data?.standingEventId ?? null) : null;
  const fact = amendment || sourced || resolved ? null : factHeadlines(event);
  const prefix = (lang: 'en' | 'fr') =>
    event.type === 'event.sourced'
      ? sourcedHeadlinePrefix(event.data, lang)
      : AMENDMENT_PREFIX[event.type as keyof typeof AMENDMENT_PREFIX][lang];
  const targetHeadline = (lang: 'en' | 'fr') => (lang === 'fr' ? target!.headlineFr : target!.headlineEn);
  const headline = (lang: 'en' | 'fr') =>
    fact
      ? fact[lang]
      : target && event.type === 'conflict.resolved'
        ? resolvedHeadline(targetHeadline(lang), event.data?.reason, lang)
        : target
          ? prefix(lang) + targetHeadline(lang)
          : renderHeadline(event, lang);
  // An attached source (or a correction's sources) adds to its target's entries; the item carries the result.
  const attached = attachedEntries(event);
  const targetEntries = attached && target ? mergeEntries(target.corroboration, attached.entries) : null;
  const item: FeedItemRow = {
    position: event.globalPosition,
    eventId: event.id,
    type: event.type,
    subject: event.subject,
    organizations: organizationsOf(event, target),
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    headlineEn: headline('en'),
    headlineFr: headline('fr'),
    data: event.data,
    sources: event.sources ?? [],
    inferred: inferredOf(event.metadata),
    modality: event.modality,
    status: 'current',
    targetEventId,
    correlationId: event.metadata?.correlationId ?? null,
    corroboration: sourced ? (targetEntries ?? attached?.entries ?? []) : ownEntries(event),
  };
  const changes: FeedChange[] = [{ kind: 'insert', item }];
  if (targetEventId && amendment) {
    changes.push({ kind: 'status', targetEventId, status: event.type === 'event.retracted' ? 'retracted' : 'corrected' });
  }
  if (targetEventId && targetEntries) changes.push({ kind: 'corroboration', targetEventId, entries: targetEntries });
  return changes;
}
