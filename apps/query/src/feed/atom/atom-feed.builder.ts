import { v5 as uuidv5 } from 'uuid';
import {
  type Corroboration,
  corroborationOf,
  CorrectionChanges,
  FR_COLON,
  HeadlineEvent,
  mergePatch,
  type DisplayNames,
  type OtherNames,
  outletKey,
  renderHeadline,
} from '@newsroom/domain';
import { FeedItemRow } from '@newsroom/projections';
import { AtomSource } from './atom-feed.repository';
import { el, XmlElement } from './xml.writer';

const ATOM_NS = 'http://www.w3.org/2005/Atom';
// Feed ids are name-based UUIDs (RFC 9562 v5) of the feed's filters in this namespace: stable across restarts.
const FEED_NAMESPACE = '6f1b7d4e-2c1a-5b8e-9f3d-4a6c8e0b2d17';

export interface AtomFeedOptions {
  /** The feed's own URL, as requested (link rel="self"). */
  selfUrl: string;
  /** The query service's origin, for the links to each event's feed item. */
  baseUrl: string;
  lang: 'en' | 'fr';
  filter: { types: string[] | null; subjects: string[] | null; organization: string | null };
}

const TEXT = {
  en: {
    title: 'Newsroom timeline',
    corrected: 'Corrected',
    retracted: 'Retracted',
    retractedTitle: 'Retracted: ',
    reason: 'reason',
    occurred: 'Occurred',
    sources: 'Sources',
    none: 'no date',
    status: 'Status',
    colon: ': ',
    modality: { reported: 'reported', confirmed: 'confirmed', denied: 'denied', rumored: 'rumored' } as Record<string, string>,
    // "3 outlets: 2 confirm, 1 denies" (the verb agrees with its count).
    outlets: (n: number) => `${n} ${n === 1 ? 'outlet' : 'outlets'}`,
    confirm: (n: number) => `${n} ${n === 1 ? 'confirms' : 'confirm'}`,
    deny: (n: number) => `${n} ${n === 1 ? 'denies' : 'deny'}`,
  },
  // French typography: U+00A0 before ":" (as in the headlines, "Retrait : …"; french-typography.util).
  fr: {
    title: 'Chronologie de la rédaction',
    corrected: 'Corrigé',
    retracted: 'Retiré',
    retractedTitle: `Retrait${FR_COLON}`,
    reason: 'motif',
    occurred: 'Date',
    sources: 'Sources',
    none: 'sans date',
    status: 'Statut',
    colon: FR_COLON,
    // The modality in words of the reader's language (the JSON answers keep the codes).
    modality: { reported: 'rapporté', confirmed: 'confirmé', denied: 'démenti', rumored: 'rumeur' } as Record<string, string>,
    // « 3 médias : 2 confirment, 1 dément » (0 and 1 take the singular in French).
    outlets: (n: number) => `${n} ${n <= 1 ? 'média' : 'médias'}`,
    confirm: (n: number) => `${n} ${n <= 1 ? 'confirme' : 'confirment'}`,
    deny: (n: number) => `${n} ${n <= 1 ? 'dément' : 'démentent'}`,
  },
} as const;

/** An event as it stands after its corrections and retraction, in position order. */
export interface CurrentItem {
  item: FeedItemRow;
  occurredAt: string | null;
  data: unknown;
  /** The headline of the current value in the feed's language. */
  headline: string;
  status: 'current' | 'corrected' | 'retracted';
  /** The newest amendment's recording time, else the event's. */
  updated: string;
  /** The reason given by the newest amendment. */
  reason: string | null;
}

/**
 * The fact's outlets as every report counts them (its feed item's entries: its own sources, the attached ones, its
 * corrections'), else its own sources, each confirming it (an item stored before it kept entries).
 */
function corroborationOfItem(item: FeedItemRow): Corroboration {
  const entries = item.corroboration?.length
    ? item.corroboration
    : item.sources.map((s) => ({ outlet: s.outlet, via: s.via ?? null, stance: 'confirms' as const }));
  return corroborationOf(entries);
}

/** "3 outlets: 2 confirm, 1 denies" in the feed's language. */
function corroborationLine(c: Pick<Corroboration, 'outlets' | 'confirms' | 'denies'>, lang: 'en' | 'fr'): string {
  const t = TEXT[lang];
  return `${t.outlets(c.outlets)}${t.colon}${t.confirm(c.confirms)}, ${t.deny(c.denies)}`;
}

const reasonOf = (a: FeedItemRow) => {
  const d = a.data as { reason?: unknown } | null;
  return typeof d?.reason === 'string' ? d.reason : null;
};

/**
 * Folds the corrections (JSON merge patches) and retraction of an event into what the entry shows. `names`: the
 * subject's names now when a fact gives them (a corrected step names its case by its filed title); `othersIn`: those
 * of the products and cases the corrected data names.
 */
export function currentItem(
  item: FeedItemRow,
  amendments: readonly FeedItemRow[],
  lang: 'en' | 'fr',
  names: DisplayNames | null = null,
  othersIn: (data: unknown) => OtherNames | null = () => null,
): CurrentItem {
  let data = item.data;
  let occurredAt = item.occurredAt;
  let status: CurrentItem['status'] = 'current';
  let corrected = false;
  for (const a of amendments) {
    if (a.type === 'event.retracted') status = 'retracted';
    else if (a.type === 'event.corrected') {
      const changes = (a.data as { changes?: CorrectionChanges } | null)?.changes ?? {};
      if (changes.data) data = mergePatch(data, changes.data);
      if (changes.occurredAt !== undefined) occurredAt = changes.occurredAt;
      corrected = true;
      if (status === 'current') status = 'corrected';
    }
  }
  const stored = lang === 'fr' ? item.headlineFr : item.headlineEn;
  const headline = corrected
    ? renderHeadline({ type: item.type, subject: item.subject, occurredAt, modality: item.modality, data } as HeadlineEvent, lang, {
        names,
        others: othersIn(data),
      })
    : stored;
  const last = amendments[amendments.length - 1];
  return { item, occurredAt, data, headline, status, updated: last?.recordedAt ?? item.recordedAt, reason: last ? reasonOf(last) : null };
}

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The entry's HTML content (escaped once here as HTML; the XML writer escapes it again as text). */
function contentHtml(c: CurrentItem, lang: 'en' | 'fr'): string {
  const t = TEXT[lang];
  const parts = [`<p>${html(c.headline)}</p>`];
  if (c.status !== 'current') {
    const what = c.status === 'retracted' ? t.retracted : t.corrected;
    parts.push(
      `<p><strong>${t.status}${t.colon}${html(what)}</strong> (${html(c.updated)})${c.reason ? ` ${t.reason}${t.colon}${html(c.reason)}` : ''}</p>`,
    );
  }
  parts.push(`<p>${t.occurred}${t.colon}${html(c.occurredAt ?? t.none)} · ${html(t.modality[c.item.modality] ?? c.item.modality)}</p>`);
  // An editor's act (a merge, an alias name) cites no outlet: no "0 outlets" line (t28).
  const corroboration = corroborationOfItem(c.item);
  if (corroboration.outlets > 0) parts.push(`<p>${html(corroborationLine(corroboration, lang))}</p>`);
  if (c.item.sources.length) {
    const li = c.item.sources.map((s) => {
      const name = html(s.outlet) + (s.title ? `${t.colon}${html(s.title)}` : '');
      return `<li>${s.url ? `<a href="${html(s.url)}">${name}</a>` : name}</li>`;
    });
    parts.push(`<p>${t.sources}${t.colon.trimEnd()}</p><ul>${li.join('')}</ul>`);
  }
  parts.push(`<pre>${html(JSON.stringify(c.data, null, 2) ?? 'null')}</pre>`);
  return parts.join('');
}

function summaryText(c: CurrentItem, lang: 'en' | 'fr'): string {
  const t = TEXT[lang];
  const reason = c.reason ? ` (${t.reason}${t.colon}${c.reason})` : '';
  if (c.status === 'retracted') return `${t.retracted}${reason}${t.colon}${c.headline}`;
  if (c.status === 'corrected') return `${t.corrected}${reason}${t.colon}${c.headline}`;
  return c.headline;
}

function entry(c: CurrentItem, options: AtomFeedOptions): XmlElement {
  const t = TEXT[options.lang];
  const title = c.status === 'retracted' ? t.retractedTitle + c.headline : c.headline;
  // One author per outlet as a reader tells them apart (outletKey: "T3 Daily" and "t3  daily" are one), as first
  // written; the outlets attached later (confirming or denying, see the content's count) are contributors.
  const byKey = new Map<string, FeedItemRow['sources'][number]>();
  for (const s of c.item.sources) {
    const key = outletKey({ outlet: s.outlet });
    if (!byKey.has(key)) byKey.set(key, s);
  }
  const contributors = new Map<string, string>();
  for (const e of c.item.corroboration ?? []) {
    const key = outletKey({ outlet: e.outlet });
    if (!byKey.has(key) && !contributors.has(key)) contributors.set(key, e.outlet);
  }
  const feedItem = `${options.baseUrl}/v1/feed?after=${BigInt(c.item.position) - 1n}&limit=1&lang=${options.lang}`;
  return el(
    'entry',
    {},
    el('id', {}, `urn:uuid:${c.item.eventId}`),
    el('title', { type: 'text' }, title),
    el('updated', {}, c.updated),
    el('published', {}, c.item.recordedAt),
    // Outlets are the authors of what an entry reports; the feed's own author covers an entry without sources.
    ...[...byKey.values()].map((s) => el('author', {}, el('name', {}, s.outlet), s.url ? el('uri', {}, s.url) : undefined)),
    ...[...contributors.values()].map((name) => el('contributor', {}, el('name', {}, name))),
    el('link', { rel: 'alternate', type: 'application/json', href: feedItem }),
    ...c.item.sources.filter((s) => s.url).map((s) => el('link', { rel: 'related', type: 'text/html', href: s.url!, title: s.outlet })),
    el('category', { term: c.item.type }),
    el('category', { term: c.status, scheme: 'urn:newsroom:status' }),
    el('summary', { type: 'text' }, summaryText(c, options.lang)),
    el('content', { type: 'html' }, contentHtml(c, options.lang)),
  );
}

/** The canonical form of the filters (sorted lists), which names the feed. */
function canonicalFilter(o: AtomFeedOptions): string {
  const f = o.filter;
  return JSON.stringify({
    types: f.types ? [...f.types].sort() : null,
    subjects: f.subjects ? [...f.subjects].sort() : null,
    organization: f.organization,
    lang: o.lang,
  });
}

/**
 * The Atom document (RFC 4287) of the newest events, newest first. Each entry is one event as it stands now:
 * a correction changes its `updated`, title and content; a retraction says so. Amendments are not entries.
 */
export function buildAtomFeed(source: AtomSource, options: AtomFeedOptions): XmlElement {
  const items = source.events.map((e) =>
    currentItem(e, source.amendments.get(e.eventId) ?? [], options.lang, source.namesOf?.(e.subject) ?? null, source.othersIn),
  );
  const updated = items.reduce((max, c) => (c.updated > max ? c.updated : max), '1970-01-01T00:00:00.000Z');
  const t = TEXT[options.lang];
  const scope = [options.filter.types?.join(', '), options.filter.subjects?.join(', '), options.filter.organization]
    .filter(Boolean)
    .join(' · ');
  return el(
    'feed',
    { xmlns: ATOM_NS, 'xml:lang': options.lang },
    el('id', {}, `urn:uuid:${uuidv5(canonicalFilter(options), FEED_NAMESPACE)}`),
    el('title', { type: 'text' }, scope ? `${t.title}${t.colon}${scope}` : t.title),
    el('updated', {}, updated),
    el('link', { rel: 'self', type: 'application/atom+xml', href: options.selfUrl }),
    el('author', {}, el('name', {}, 'Newsroom event backbone')),
    el('generator', {}, 'newsroom query service'),
    ...items.map((c) => entry(c, options)),
  );
}
