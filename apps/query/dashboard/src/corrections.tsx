// How a timeline row reads once corrected, from what the feed's items carry: a correction's item names its fact as
// corrected (its headline is "Correction: " + the corrected fact's headline, in the feed's language, with that
// fact's fallbacks) and gives the changes it made (`data.changes`, `occurredAt` among them). Nothing is made up.
import type { FactVersion, FeedItem, InferredField } from './types';

/** The service's prefix on a correction's headline (libs/projections feed.projection: U+00A0 before the French colon). */
const CORRECTION_PREFIX: Record<'en' | 'fr', string> = { en: 'Correction: ', fr: 'Correction\u00a0: ' };

export interface CorrectedView {
  /** The date as the latest correction giving one set it; else the item's own. */
  occurredAt: string | null;
  /** The date it replaces, when a correction changed it (shown struck through). */
  was: string | null;
  /** The fact's headline as the latest correction names it; else the item's own. */
  headline: string;
  /** The fallbacks of that headline. */
  fallbacks: string[];
}

export function correctedView(item: FeedItem, amendments: FeedItem[], lang: 'en' | 'fr'): CorrectedView {
  const view: CorrectedView = { occurredAt: item.occurredAt, was: null, headline: item.headline, fallbacks: item.fallbacks ?? [] };
  for (const a of amendments) {
    if (a.type !== 'event.corrected') continue;
    const date: unknown = a.data?.changes?.occurredAt;
    if (typeof date === 'string' && date !== view.occurredAt) {
      view.was = view.was ?? view.occurredAt;
      view.occurredAt = date;
    }
    const prefix = CORRECTION_PREFIX[a.lang ?? lang];
    if (a.headline.startsWith(prefix) && a.headline.length > prefix.length) {
      view.headline = a.headline.slice(prefix.length);
      view.fallbacks = a.fallbacks ?? [];
    }
  }
  if (view.was === view.occurredAt) view.was = null;
  return view;
}

/** RFC 7396, as a correction's `changes.data` applies to its fact: null removes, an object merges, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const isObject = target !== null && typeof target === 'object' && !Array.isArray(target);
  const merged: Record<string, unknown> = isObject ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete merged[k];
    else merged[k] = mergePatch(merged[k], v);
  }
  return merged;
}

/**
 * A corrected row's earlier versions, newest first, as the reports give a fact's `history`: each with its date, data
 * and fields its sources did not state, when it was recorded and until when, and the reason of the correction that
 * replaced it. Built from the feed's items: the fact's own, then each correction's `changes` and `reason` (a
 * retraction or an attached source makes no version). The version shown on the row is not among them.
 */
export function earlierVersions(item: FeedItem, amendments: FeedItem[]): FactVersion[] {
  const corrections = amendments.filter((a) => a.type === 'event.corrected');
  const versions: FactVersion[] = [];
  let occurredAt = item.occurredAt;
  let data: unknown = item.data;
  let inferred: InferredField[] = item.inferred ?? [];
  let recordedFrom = item.recordedAt;
  let changeReason: string | null = null;
  for (const [n, c] of corrections.entries()) {
    const reason = typeof c.data?.reason === 'string' ? (c.data.reason as string) : null;
    versions.push({
      version: n + 1,
      occurredAt,
      data,
      recordedFrom,
      recordedTo: c.recordedAt,
      supersededBy: 'corrected',
      changeReason,
      endReason: reason,
      inferred,
    });
    const changes = c.data?.changes ?? {};
    if (typeof changes.occurredAt === 'string') occurredAt = changes.occurredAt;
    if (changes.data !== undefined) data = mergePatch(data, changes.data);
    if (Array.isArray(changes.inferred)) inferred = changes.inferred as InferredField[];
    recordedFrom = c.recordedAt;
    changeReason = reason;
  }
  return versions.reverse();
}

/**
 * A headline cut where the service marked text shown in the other language ("… (Head of Research [en])"): the text
 * before each mark, and whether a mark followed it. The page shows its own badge there instead, one marker, not two.
 */
export function headlineParts(headline: string, lang: 'en' | 'fr'): Array<{ text: string; marked: boolean }> {
  const mark = lang === 'fr' ? ' [en]' : ' [fr]';
  const pieces = headline.split(mark);
  return pieces.map((text, i) => ({ text, marked: i < pieces.length - 1 })).filter((p) => p.text || p.marked);
}

/** The value at a fallback's path ("data.role", "data.claims[1]") in an item's `data`; undefined when it has none. */
function valueAt(data: unknown, path: string): unknown {
  const steps = path
    .replace(/^data\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((s) => s !== undefined && s !== '');
  let v: unknown = data;
  for (const s of steps) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** The text a value shows in the other language than `lang`: a plain string as is, a per-language one's other text. */
function otherText(value: unknown, lang: 'en' | 'fr'): string | null {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return null;
  const texts = value as Record<string, unknown>;
  const other = texts[lang === 'fr' ? 'en' : 'fr'];
  return typeof other === 'string' ? other : null;
}

/**
 * Of the fields an item lists in `fallbacks` (every text of its fact given only in the other language), those its
 * headline shows: the text marked "[en]" / "[fr]" there. A restructuring whose `from` and `to` are in French and
 * whose `detail` is English alone lists `data.detail`, which its headline never shows: none. A field whose text the
 * item's data does not give (a corrected fact's) counts when the headline marks something.
 */
export function shownFallbacks(headline: string, lang: 'en' | 'fr', fallbacks: string[], data: unknown): string[] {
  const mark = lang === 'fr' ? ' [en]' : ' [fr]';
  if (!headline.includes(mark)) return [];
  return fallbacks.filter((path) => {
    const text = otherText(valueAt(data, path), lang);
    return text === null || headline.includes(`${text}${mark}`);
  });
}

/**
 * A headline cut as `headlineParts` does, the text of the other language before each mark apart (`foreign`) when the
 * item's data tells it (a shown fallback's text, `shownFallbacks`), so that it can carry its own `lang`.
 */
export function headlineSegments(
  headline: string,
  lang: 'en' | 'fr',
  fallbacks: string[] = [],
  data?: unknown,
): Array<{ text: string; foreign: boolean; marked: boolean }> {
  const texts = shownFallbacks(headline, lang, fallbacks, data)
    .map((path) => otherText(valueAt(data, path), lang))
    .filter((text): text is string => !!text)
    .sort((a, b) => b.length - a.length);
  return headlineParts(headline, lang).flatMap((p) => {
    const text = p.marked ? texts.find((t) => p.text.endsWith(t)) : undefined;
    if (!text) return [{ text: p.text, foreign: false, marked: p.marked }];
    const before = p.text.slice(0, p.text.length - text.length);
    return [...(before ? [{ text: before, foreign: false, marked: false }] : []), { text, foreign: true, marked: true }];
  });
}

/** A headline without the service's "[en]" / "[fr]" marks: for a dialog's title (fallback.tsx's spokenHeadline says them). */
export const plainHeadline = (headline: string, lang: 'en' | 'fr') =>
  headlineParts(headline, lang)
    .map((p) => p.text)
    .join('');
