import type { InferredField } from '@newsroom/domain';
import { factStatusOf, sourceIdOf, StoredFactRow } from '@newsroom/projections';
import { corroborationIn, type CorroborationMap } from './corroboration.repository';
import type { StoryDates } from './story-dates.repository';

/** A source as a read model stores it: as submitted, so the optional fields may be missing. */
export interface RecordedSource {
  outlet: string;
  url?: string | null;
  title?: string | null;
  language?: string | null;
  publishedAt?: string | null;
  quote?: string | null;
  via?: string | null;
}

/** A source as reports show it: the story's stable id first. */
export const sourceDto = (s: RecordedSource) => ({
  id: sourceIdOf(s),
  outlet: s.outlet,
  url: s.url ?? null,
  title: s.title ?? null,
  language: s.language ?? null,
  publishedAt: s.publishedAt ?? null,
  quote: s.quote ?? null,
  ...(s.via ? { via: s.via } : {}),
});

/** As sourceDto, with the story's date as the registry has it when `stories` (loadStoryDates) knows the story. */
const storySourceDto = (s: RecordedSource, stories: StoryDates | undefined) => {
  const dto = sourceDto(s);
  return stories?.has(dto.id) ? { ...dto, publishedAt: stories.get(dto.id) ?? null } : dto;
};

/** One earlier version of a corrected fact, as recorded. */
export interface FactVersionDto {
  version: number;
  occurredAt: string | null;
  data: unknown;
  recordedFrom: string;
  recordedTo: string | null;
  supersededBy: 'corrected' | 'retracted' | null;
  changeReason: string | null;
  endReason: string | null;
  /** The fields this version's sources did not state (a correction may change the list). */
  inferred: InferredField[];
}

/** The fields every fact in a report carries: when, how sure, its standing, its sources and its history. */
export function factFields(
  r: StoredFactRow,
  history: Map<string, FactVersionDto[]>,
  corroboration: CorroborationMap = new Map(),
  stories?: StoryDates,
) {
  return {
    factId: r.fact_id,
    occurredAt: r.occurred_at,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    modality: r.modality,
    status: factStatusOf(r),
    recordedAt: r.recorded_from,
    sources: (r.sources ?? []).map((s) => storySourceDto(s, stories)),
    inferred: r.inferred ?? [],
    history: history.get(r.fact_id) ?? [],
    corroboration: corroborationIn(corroboration, r.fact_id),
  };
}
