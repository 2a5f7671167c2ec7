import {
  FR_COLON,
  inferredOf,
  isAmendment,
  mergePatch,
  renderHeadline,
  resolvedHeadline,
  sourcedHeadlinePrefix,
  type CorrectionChanges,
  type HeadlineEvent,
  type Modality,
} from '@newsroom/domain';
import { attachedEntries, mergeEntries, ownEntries } from '../corroboration/corroboration-entry.model';
import { factHeadlines } from '../facts/fact-headlines.mapper';
import { ProjectedEvent } from '../projected-event.mapper';
import { FeedChange, FeedItemRow } from './feed-item.types';

// French typography: U+00A0 before the colon, as in the headlines (french-typography.util).
const AMENDMENT_PREFIX = {
  'event.corrected': { en: 'Correction: ', fr: `Correction${FR_COLON}` },
  'event.retracted': { en: 'Retracted: ', fr: `Retrait${FR_COLON}` },
} as const;

const isOrg = (s: unknown): s is string => typeof s === 'string' && s.startsWith('org:');

const named = (d: Record<string, unknown>): unknown[] => [
  d.organization,
  d.by,
  ...(Array.isArray(d.plaintiffs) ? d.plaintiffs : []),
  ...(Array.isArray(d.defendants) ? d.defendants : []),
];

/**
 * The organizations a case's filing names as its parties, as the corrections before left it: a step of the case
 * (`lawsuit.status_changed`, which names only its case) reaches their readers. None for a retracted filing.
 */
export function casePartiesOf(filing: Pick<HeadlineEvent, 'data'> | null): string[] {
  const d = (filing?.data ?? {}) as Record<string, unknown>;
  return [...new Set(named({ plaintiffs: d.plaintiffs, defendants: d.defendants }).filter(isOrg))];
}

/**
 * The organizations an event concerns, for the feed's `organization` filter: those its data names, its target's
 * (for an item naming another fact) and, for a case's step, its case's `parties` (see casePartiesOf).
 */
export function organizationsOf(
  event: ProjectedEvent,
  target?: Pick<FeedItemRow, 'organizations'> | null,
  parties: readonly string[] = [],
): string[] {
  const d = (event.data ?? {}) as Record<string, unknown>;
  // A correction that moves its fact to another organization reaches that organization's readers too: the new value
  // is in its changes, and the target's organizations are the ones it had.
  const changes = event.type === 'event.corrected' ? (d.changes as { data?: unknown } | undefined)?.data : undefined;
  const corrected = changes && typeof changes === 'object' ? named(changes as Record<string, unknown>) : [];
  const found = [event.subject, ...named(d), ...corrected].filter(isOrg);
  return [...new Set([...found, ...(target?.organizations ?? []), ...parties])];
}

/** The fact a feed item shows, as its event recorded it (before any correction). */
export function factOfItem(item: Pick<FeedItemRow, 'type' | 'subject' | 'occurredAt' | 'modality' | 'data'>): HeadlineEvent {
  return {
    type: item.type,
    subject: item.subject,
    occurredAt: item.occurredAt,
    modality: item.modality as Modality,
    data: item.data,
  } as HeadlineEvent;
}

/** Pure: a fact with a correction's changes applied (a new object; the fact is not changed). */
export function correctedFact(fact: HeadlineEvent, changes: CorrectionChanges | undefined): HeadlineEvent {
  if (!changes) return fact;
  return {
    ...fact,
    occurredAt: changes.occurredAt ?? fact.occurredAt,
    // The patched data still fits the fact's type: the correction was checked against its schema when decided.
    data: changes.data ? mergePatch(fact.data, changes.data) : fact.data,
  } as HeadlineEvent;
}

/**
 * Pure: what one event does to the feed. A correction or retraction is an item of its own (so subscribers
 * see it) and changes the status of the item it targets. `target` is the targeted item, if already in the feed;
 * `targetFact` is its fact as the corrections before this event left it (omitted or null: never corrected, so the
 * target item's own headline still says it). An item names the fact as it stands once its event is applied: a
 * correction's item the fact after that correction (each of several successive ones its own state), a retraction's,
 * an attached source's or a resolution's the fact as it stood then. The item is made once, here, so the stored
 * feed, its live stream and a rebuild all show the same words.
 */
export function evolveFeed(
  event: ProjectedEvent,
  target?: FeedItemRow | null,
  targetFact?: HeadlineEvent | null,
  parties: readonly string[] = [],
): FeedChange[] {
  const amendment = isAmendment(event);
  const sourced = event.type === 'event.sourced';
  // An editor's resolution of a conflict points at the fact that stands.
  const resolved = event.type === 'conflict.resolved';
  const targetEventId: string | null =
    amendment || sourced ? (event.data?.targetEventId ?? null) : resolved ? (event.data?.standingEventId ?? null) : null;
  const onTarget = amendment || sourced || resolved;
  const fact = onTarget ? null : factHeadlines(event);
  const prefix = (lang: 'en' | 'fr') =>
    event.type === 'event.sourced'
      ? sourcedHeadlinePrefix(event.data, lang)
      : AMENDMENT_PREFIX[event.type as keyof typeof AMENDMENT_PREFIX][lang];
  // The target's fact as this item names it: after this correction, or as the corrections before left it.
  const named =
    target && event.type === 'event.corrected'
      ? factHeadlines(correctedFact(targetFact ?? factOfItem(target), event.data?.changes))
      : target && targetFact
        ? factHeadlines(targetFact)
        : null;
  const targetHeadline = (lang: 'en' | 'fr') => (named ? named[lang] : lang === 'fr' ? target!.headlineFr : target!.headlineEn);
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
    organizations: organizationsOf(event, target, parties),
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
    // An item that names another fact (a correction, retraction, attached source or resolution) shows that fact's
    // outlets: a correction's item said "0 outlets" of a fact three outlets reported.
    corroboration: onTarget ? (targetEntries ?? target?.corroboration ?? attached?.entries ?? ownEntries(event)) : ownEntries(event),
  };
  const changes: FeedChange[] = [{ kind: 'insert', item }];
  if (targetEventId && amendment) {
    changes.push({ kind: 'status', targetEventId, status: event.type === 'event.retracted' ? 'retracted' : 'corrected' });
  }
  if (targetEventId && targetEntries) changes.push({ kind: 'corroboration', targetEventId, entries: targetEntries });
  return changes;
}
