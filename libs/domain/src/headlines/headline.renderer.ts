import type { EventDataMap, EventType, RecordableEventType } from '../events/event-catalog.registry';
import type { CorrectionChanges } from '../events/event-corrected.event';
import { isAmendment, type AmendmentEvent } from '../events/story-event.types';
import { mergePatch } from '../streams/merge-patch.util';
import type { DisplayNames } from '../entities/subject-names.rules';
import { displayNameOf } from './display-name.format';
import { isEntityEvent, renderEntityHeadline } from './entity-headline.renderer';
import { FR_COLON, guillemets } from './french-typography.util';
import { FR_HEADLINES } from './headline-fr.renderer';
import { EN_HEADLINES } from './headline-en.renderer';
import { parenthesized } from './headline-parts.util';
import type { HeadlineEvent, HeadlineLang, HeadlineRenderers } from './headline.types';

const RENDERERS = { en: EN_HEADLINES, fr: FR_HEADLINES } as const;

const PREFIX = {
  en: { rumored: 'Rumor: ', denied: 'Denied: ', corrected: 'Correction: ', retracted: 'Retracted: ' },
  // French typography: U+00A0 before the colon (french-typography.util).
  fr: { rumored: `Rumeur${FR_COLON}`, denied: `Démenti${FR_COLON}`, corrected: `Correction${FR_COLON}`, retracted: `Retrait${FR_COLON}` },
} as const;

export interface HeadlineOptions {
  /**
   * For event.corrected / event.retracted: the target event as it stood before. With it the headline
   * repeats the target's (corrected) headline; without it, it names the subject and the reason.
   */
  target?: HeadlineEvent;
  /**
   * The event's subject's display names when a fact gives them (a product's announced name, a case's filed title:
   * see NAMING_FACTS); without them the subject is named from its slug. A target is of the same subject (its stream).
   */
  names?: DisplayNames | null;
  /**
   * The display names facts give the other subjects its data (or its target's) names (namedSubjectsIn: a merge's other
   * side, a product asking for an intervention); a subject without them is named by its slug.
   */
  others?: OtherNames | null;
}

/** Display names given by facts to subjects an event's data names, by subject. */
export type OtherNames = ReadonlyMap<string, DisplayNames>;

/** A value naming a subject (or a list of them) with the names a fact gives it, as text given per language reads. */
const named = (value: unknown, others: OtherNames): unknown =>
  Array.isArray(value) ? value.map((v) => named(v, others)) : typeof value === 'string' ? (others.get(value) ?? value) : value;

/** The event with every subject its data names that a fact names given as that name (a new object). */
function withOthersNamed<E extends HeadlineEvent>(event: E, others: OtherNames | null | undefined): E {
  const data = event.data as unknown;
  if (!others?.size || typeof data !== 'object' || data === null) return event;
  const renamed = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, named(v, others)]));
  return { ...event, data: renamed };
}

/** The subject's name in a headline: the one a fact gives, else its slug's. */
const nameIn = (subject: string, lang: HeadlineLang, names: DisplayNames | null | undefined): string =>
  names?.[lang] ?? displayNameOf(subject);

function renderFact(event: HeadlineEvent, lang: HeadlineLang, names?: DisplayNames | null, others?: OtherNames | null): string {
  if (isEntityEvent(event)) return renderEntityHeadline(event, lang, names, others);
  const name = nameIn(event.subject, lang, names);
  const text =
    isAmendment(event) || event.type === 'event.sourced' || event.type === 'conflict.resolved'
      ? `${event.type}: ${name}`
      : renderStory(RENDERERS[lang], withOthersNamed(event, others), name);
  const prefix = event.modality === 'rumored' || event.modality === 'denied' ? PREFIX[lang][event.modality] : '';
  return prefix + text;
}

function renderStory<T extends RecordableEventType>(renderers: HeadlineRenderers, event: HeadlineEvent<T>, name: string): string {
  // Data is never absent in a valid event; a malformed one still gets a headline instead of a crash.
  return renderers[event.type]({ ...event, data: event.data ?? ({} as EventDataMap[T]) }, name);
}

// The patched data still fits the target's type: the correction was checked against its schema when decided.
function amended<T extends EventType>(target: HeadlineEvent<T>, changes: CorrectionChanges): HeadlineEvent<T> {
  return {
    ...target,
    occurredAt: changes.occurredAt ?? target.occurredAt,
    data: changes.data ? (mergePatch(target.data, changes.data) as EventDataMap[T]) : target.data,
  };
}

function renderAmendment(event: HeadlineEvent & AmendmentEvent, lang: HeadlineLang, options: HeadlineOptions): string {
  const corrected = event.type === 'event.corrected';
  const prefix = PREFIX[lang][corrected ? 'corrected' : 'retracted'];
  if (options.target) {
    const changes = event.type === 'event.corrected' ? (event.data?.changes ?? {}) : {};
    return prefix + renderFact(amended(options.target, changes), lang, options.names, options.others);
  }
  const name = nameIn(event.subject, lang, options.names);
  const what =
    lang === 'fr'
      ? `information sur ${name} ${corrected ? 'modifiée' : 'retirée'}`
      : `earlier report on ${name} ${corrected ? 'amended' : 'withdrawn'}`;
  return prefix + what + parenthesized(event.data?.reason);
}

const SOURCED = {
  en: { confirms: (o: string) => `${o} confirms: `, denies: (o: string) => `${o} denies: ` },
  fr: { confirms: (o: string) => `${o} confirme${FR_COLON}`, denies: (o: string) => `${o} dément${FR_COLON}` },
} as const;

/** "Outlet confirms: " / "Outlet (via Other) denies: ", put before the target's headline. */
export function sourcedHeadlinePrefix(data: Partial<EventDataMap['event.sourced']> | undefined, lang: HeadlineLang): string {
  const source = data?.source;
  const outlet = source?.via ? `${source.outlet} (${source.via})` : (source?.outlet ?? '?');
  return SOURCED[lang][data?.stance === 'denies' ? 'denies' : 'confirms'](outlet);
}

// Another outlet on a fact: its name and stance before the target's headline (or the subject without it).
function renderSourcing(event: HeadlineEvent<'event.sourced'>, lang: HeadlineLang, { target, names, others }: HeadlineOptions): string {
  return sourcedHeadlinePrefix(event.data, lang) + (target ? renderFact(target, lang, names, others) : nameIn(event.subject, lang, names));
}

const RESOLVED = {
  en: {
    standing: (headline: string) => `Conflict resolved: "${headline}" stands`,
    on: (name: string) => `Conflict resolved on ${name}`,
  },
  // The standing fact's headline is a clause: quoted, it can be the subject of "est retenu".
  fr: {
    standing: (headline: string) => `Contradiction tranchée${FR_COLON}${guillemets(headline)} est retenu`,
    on: (name: string) => `Contradiction tranchée sur ${name}`,
  },
} as const;

/** 'Conflict resolved: "<the standing fact's headline>" stands (reason)', in English or French. */
export function resolvedHeadline(standingHeadline: string, reason: unknown, lang: HeadlineLang): string {
  return RESOLVED[lang].standing(standingHeadline) + parenthesized(reason);
}

// An editor's word on a contradiction: the fact that stands (or the subject without it) and the reason.
function renderResolution(
  event: HeadlineEvent<'conflict.resolved'>,
  lang: HeadlineLang,
  { target, names, others }: HeadlineOptions,
): string {
  if (target) return resolvedHeadline(renderFact(target, lang, names, others), event.data?.reason, lang);
  return RESOLVED[lang].on(nameIn(event.subject, lang, names)) + parenthesized(event.data?.reason);
}

/** A one-line headline in English or French, built from the event's data. */
export function renderHeadline(event: HeadlineEvent, lang: HeadlineLang, options: HeadlineOptions = {}): string {
  if (isAmendment(event)) return renderAmendment(event, lang, options);
  if (event.type === 'event.sourced') return renderSourcing(event, lang, options);
  if (event.type === 'conflict.resolved') return renderResolution(event, lang, options);
  return renderFact(event, lang, options.names, options.others);
}
