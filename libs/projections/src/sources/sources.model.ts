import type { FactModel } from '../facts/fact-model.types';
import { RECORDABLE_EVENT_TYPES, type Source, type Stance } from '@newsroom/domain';
import { headlinesOf } from '../timeline/timeline.model';
import { sourceIdOf } from '../facts/source-id.util';

/** The stories (sources) behind each fact version, one row per source with the quote it gives. */
export const sourcesModel: FactModel = {
  types: RECORDABLE_EVENT_TYPES,
  // said_at: the position of an attached story's word (its event.sourced, see SourcesProjection); null on these rows.
  columns: { source_id: 'plain', quote: 'plain', headline_en: 'plain', headline_fr: 'plain', said_at: 'plain' },
  // The first source's row keeps the payload and headlines; the other source links are keys and their quote.
  leadRowColumns: ['headline_en', 'headline_fr'],
  rows: (f) => {
    const headlines = headlinesOf(f);
    const rows = f.sources.map((s) => {
      const id = sourceIdOf(s);
      return { part: id, columns: { source_id: id, quote: s.quote ?? null, said_at: null, ...headlines } };
    });
    // Sources are required on story events; a row without one still lets a correction find the fact.
    return rows.length ? rows : [{ part: '', columns: { source_id: '', quote: null, said_at: null, ...headlines } }];
  },
};

export interface SourceRecord {
  id: string;
  outlet: string;
  url: string | null;
  title: string | null;
  language: string | null;
  publishedAt: string | null;
  firstPosition: string;
  firstRecordedAt: string;
}

/** Pure: the registry entries the sources of an opened version stand for. */
export function sourceRecordsOf(sources: readonly Source[], position: string, recordedAt: string): SourceRecord[] {
  return sources.map((s) => ({
    id: sourceIdOf(s),
    outlet: String(s.outlet ?? ''),
    url: s.url ?? null,
    title: s.title ?? null,
    language: s.language ?? null,
    publishedAt: s.publishedAt ?? null,
    firstPosition: position,
    firstRecordedAt: recordedAt,
  }));
}

/**
 * The `part` of an attached source's link row (POST /v1/events/{id}/sources): its stance and the story. The fact's
 * own sources' rows have the story id alone; an attached story's row says whether it confirms or denies the fact.
 */
export const attachedPart = (stance: Stance, sourceId: string): string => `${stance}:${sourceId}`;

/** The stance of a link row by its part: an attached source's own, `confirms` for one of the fact's sources. */
export const stanceOfPart = (part: string): Stance => (part.startsWith('denies:') ? 'denies' : 'confirms');
