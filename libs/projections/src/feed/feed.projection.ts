import {
  FR_COLON,
  fallbacksIn,
  inferredOf,
  isAmendment,
  mergePatch,
  renderHeadline,
  resolvedHeadline,
  sourcedHeadlinePrefix,
  type CorrectionChanges,
  type DisplayNames,
  type HeadlineEvent,
  type Modality,
  type OtherNames,
} from '@newsroom/domain';
import { attachedEntries, mergeEntries, ownEntries } from '../corroboration/corroboration-entry.model';
import { factHeadlines } from '../facts/fact-headlines.mapper';
import { ProjectedEvent } from '../projected-event.mapper';
import { mentionsOf } from '../timeline/mentions.mapper';
import { FeedChange, FeedItemRow } from './feed-item.types';

// French typography: U+00A0 before the colon, as in the headlines (french-typography.util).
const AMENDMENT_PREFIX = {
  'event.corrected': { en: 'Correction: ', fr: `Correction${FR_COLON}` },
  'event.retracted': { en: 'Retracted: ', fr: `Retrait${FR_COLON}` },
} as const;

const isOrg = (s: string): boolean => s.startsWith('org:');

/** The subjects an event's data names, the stream subject first: the timeline's mentions (one list, mentionsOf). */
const mentioned = (subject: string, data: unknown): string[] => mentionsOf(subject, data).map((m) => m.subject);

/**
 * The entities a case's filing names, as the corrections before left it: its parties (organizations, people,
 * authorities), as the filing's own item reaches them. A step of the case (`lawsuit.status_changed`, which names only
 * its case) reaches their readers too. None for a retracted filing.
 */
export function casePartiesOf(filing: Pick<HeadlineEvent, 'subject' | 'data'> | null): string[] {
  return filing ? mentioned(filing.subject, filing.data) : [];
}

/**
 * The entities an event concerns, for the feed's `subjects` and `organization` filters: its stream subject and every
 * subject its data names in any role the timeline lists (organization, authority, set_by, destination, plaintiff...),
 * the values a correction gives those fields, its target's (an item naming another fact reaches whoever that fact's
 * item reached), `reached` (those the target's items after its own reached: see correctionsReach) and, for a case's
 * step, its case's `parties` (see casePartiesOf). The stream subject comes first.
 */
export function subjectsOf(
  event: ProjectedEvent,
  target?: Partial<Pick<FeedItemRow, 'subjects' | 'organizations'>> | null,
  parties: readonly string[] = [],
  reached: readonly string[] = [],
): string[] {
  const d = (event.data ?? {}) as Record<string, unknown>;
  // A correction that moves its fact to another entity reaches that entity's readers too: the new value is in its
  // changes, and the target's subjects are the ones it had.
  const changes = event.type === 'event.corrected' ? (d.changes as { data?: unknown } | undefined)?.data : undefined;
  const found = mentioned(event.subject, event.data);
  if (changes && typeof changes === 'object') found.push(...mentioned(event.subject, changes).slice(1));
  // A target stored before its `subjects` were kept has its organizations still (a backfill fills the rest).
  return [...new Set([...found, ...(target?.subjects ?? []), ...(target?.organizations ?? []), ...reached, ...parties])];
}

/**
 * The entities a fact's corrections reached beyond its own item: what each names in its changes (its item reaches
 * them, see subjectsOf). A later item naming that fact (a correction, a retraction, an attached source, a resolution)
 * reaches them too, so a fact moved from one organization to another keeps both readers told of what follows.
 */
export function correctionsReach(subject: string, corrections: ReadonlyArray<CorrectionChanges | undefined>): string[] {
  const out: string[] = [];
  for (const changes of corrections) if (changes?.data) out.push(...mentioned(subject, changes.data).slice(1));
  return out;
}

/** The organizations among an item's subjects (subjectsOf), for the feed's `organization` filter. */
export function organizationsOf(
  event: ProjectedEvent,
  target?: Partial<Pick<FeedItemRow, 'subjects' | 'organizations'>> | null,
  parties: readonly string[] = [],
): string[] {
  return subjectsOf(event, target, parties).filter(isOrg);
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
 * an attached source's or a resolution's the fact as it stood then. It reaches the entities of its target's item, of
 * that fact as it stands once its event is applied, and `reached`: those the corrections before it reached
 * (correctionsReach). `names`: its subject's display names as the facts gave them then (a case's title as its standing
 * filing said it: see casePartiesOf for the filing), else its slug's; `others`: those the facts gave then to the
 * products and cases its data or its target's names (a merge's other side), else their slugs'. The item is made once, here, so the stored feed,
 * its live stream and a rebuild all show the same words and reach the same readers.
 */
export function evolveFeed(
  event: ProjectedEvent,
  target?: FeedItemRow | null,
  targetFact?: HeadlineEvent | null,
  parties: readonly string[] = [],
  reached: readonly string[] = [],
  names: DisplayNames | null = null,
  others: OtherNames | null = null,
): FeedChange[] {
  const amendment = isAmendment(event);
  const sourced = event.type === 'event.sourced';
  // An editor's resolution of a conflict points at the fact that stands.
  const resolved = event.type === 'conflict.resolved';
  const targetEventId: string | null =
    amendment || sourced ? (event.data?.targetEventId ?? null) : resolved ? (event.data?.standingEventId ?? null) : null;
  const onTarget = amendment || sourced || resolved;
  const fact = onTarget ? null : factHeadlines(event, names, others);
  const prefix = (lang: 'en' | 'fr') =>
    event.type === 'event.sourced'
      ? sourcedHeadlinePrefix(event.data, lang)
      : AMENDMENT_PREFIX[event.type as keyof typeof AMENDMENT_PREFIX][lang];
  // The target's fact as this item names it: after this correction, or as the corrections before left it.
  const namedFact =
    target && event.type === 'event.corrected'
      ? correctedFact(targetFact ?? factOfItem(target), event.data?.changes)
      : target
        ? (targetFact ?? factOfItem(target))
        : null;
  const named = namedFact && (event.type === 'event.corrected' || targetFact) ? factHeadlines(namedFact, names, others) : null;
  const targetHeadline = (lang: 'en' | 'fr') => (named ? named[lang] : lang === 'fr' ? target!.headlineFr : target!.headlineEn);
  const headline = (lang: 'en' | 'fr') =>
    fact
      ? fact[lang]
      : target && event.type === 'conflict.resolved'
        ? resolvedHeadline(targetHeadline(lang), event.data?.reason, lang)
        : target
          ? prefix(lang) + targetHeadline(lang)
          : renderHeadline(event, lang, { names, others });
  // An attached source (or a correction's sources) adds to its target's entries; the item carries the result.
  const attached = attachedEntries(event);
  const targetEntries = attached && target ? mergeEntries(target.corroboration, attached.entries) : null;
  // It reaches whoever the fact's items reached before (`reached`: its corrections') and the fact as it now stands.
  const standing = namedFact ? mentioned(namedFact.subject, namedFact.data) : [];
  const subjects = subjectsOf(event, target, parties, [...reached, ...standing]);
  const item: FeedItemRow = {
    position: event.globalPosition,
    eventId: event.id,
    type: event.type,
    subject: event.subject,
    subjects,
    organizations: subjects.filter(isOrg),
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
    // The text its headline shows in the other language is that fact's: an English correction's item naming a role
    // given in French alone marks it "[fr]" and lists `data.role` (its own data, the changes, has no such field).
    fallbacks: namedFact
      ? { en: fallbacksIn(namedFact.type, namedFact.data, 'en'), fr: fallbacksIn(namedFact.type, namedFact.data, 'fr') }
      : null,
  };
  const changes: FeedChange[] = [{ kind: 'insert', item }];
  if (targetEventId && amendment) {
    changes.push({ kind: 'status', targetEventId, status: event.type === 'event.retracted' ? 'retracted' : 'corrected' });
  }
  if (targetEventId && targetEntries) changes.push({ kind: 'corroboration', targetEventId, entries: targetEntries });
  return changes;
}
