import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../database/read-database.module';
import { fallbacksIn, outletKey } from '@newsroom/domain';
import { normalizeRow, sourcesModel, stanceOfPart, StoredFactRow, withLeadRowPayload } from '@newsroom/projections';
import { openPage } from '../reports/shared/cursor.codec';
import { EntityNamesRepository } from '../reports/shared/entity-names.repository';
import { loadFactExtras } from '../reports/shared/fact-history.repository';
import { factFields } from '../reports/shared/fact.dto';
import { loadStoryDates } from '../reports/shared/story-dates.repository';
import { anyOf, occurredByAsOf, SqlParams, visibleAt } from '../reports/shared/sql.builder';

export interface SourcesFilter {
  asOf: string | null;
  knownAt: string | null;
  modality: string[] | null;
  limit: number;
  cursor: string | null;
}

interface SourceFactRow extends StoredFactRow {
  source_id: string;
  quote: string | null;
  headline_en: string;
  headline_fr: string;
}

/** A row of read_model.sources. */
interface SourceRow {
  id: string;
  outlet: string;
  url: string | null;
  title: string | null;
  language: string | null;
  published_at: string | null;
  first_recorded_at: string | Date;
}

/**
 * SQL: the ids of the story of registry row `alias`, all written forms of it (one `story_key`: "T3 Daily" and
 * "t3  daily" citing one url). A row registered before story keys were kept is a story of its own.
 */
const storyIds = (alias: string) =>
  `(CASE WHEN ${alias}.story_key IS NULL THEN ARRAY[${alias}.id]
     ELSE ARRAY(SELECT g.id FROM read_model.sources g WHERE g.story_key = ${alias}.story_key) END)`;

/** SQL: registry row `alias` is its story's first sighting (the one listed: its id and outlet as first written). */
const firstOfStory = (alias: string) =>
  `(${alias}.story_key IS NULL OR NOT EXISTS (SELECT 1 FROM read_model.sources e WHERE e.story_key = ${alias}.story_key
     AND (e.first_position, e.id) < (${alias}.first_position, ${alias}.id)))`;

const sourceDto = (r: SourceRow) => ({
  id: r.id,
  outlet: r.outlet,
  url: r.url,
  title: r.title,
  language: r.language,
  publishedAt: r.published_at,
  firstRecordedAt: new Date(r.first_recorded_at).toISOString(),
});

/** Stories (sources) and the standing facts each backs. */
@Injectable()
export class SourcesRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly names: EntityNamesRepository,
  ) {}

  /** The story of `alias` (any of its written forms) backs a fact standing at knownAt. */
  private backs(alias: string, f: SourcesFilter, p: SqlParams): string {
    return `EXISTS (SELECT 1 FROM read_model.source_facts t WHERE t.source_id = ANY(${storyIds(alias)}) AND ${visibleAt('t', f.knownAt, p)}
      AND ${anyOf('t.modality', f.modality, p)} AND ${occurredByAsOf('t', f.asOf, p)})`;
  }

  /**
   * Sources backing at least one standing fact, in the order they were first recorded, each story once (under its
   * first sighting); `outlet` matches as corroboration compares outlets (outletKey: case, spacing, apostrophes...).
   */
  async list(f: SourcesFilter & { outlet: string | null }) {
    const p = new SqlParams();
    const paging = openPage('sources', f, ['instant', 'text'], this.db);
    const after = paging.after;
    return paging.read(async (knownAt) => {
      f = { ...f, knownAt };
      const rows: SourceRow[] = await this.db.query(
        `SELECT s.* FROM read_model.sources s
       WHERE ${f.outlet ? this.outletIs('s', f.outlet, p) : 'true'} AND ${firstOfStory('s')} AND ${this.backs('s', f, p)}
         AND ${after ? `(s.first_recorded_at, s.id) > (${p.add(after[0], '::timestamptz')}, ${p.add(after[1])})` : 'true'}
       ORDER BY s.first_recorded_at, s.id LIMIT ${p.add(f.limit + 1)}`,
        p.values,
      );
      const page = rows.slice(0, f.limit).map(sourceDto);
      const last = page[page.length - 1];
      return {
        outlet: f.outlet,
        asOf: f.asOf,
        knownAt: f.knownAt,
        items: page,
        next: rows.length > f.limit ? await paging.next([last.firstRecordedAt, last.id]) : null,
      };
    });
  }

  /** Registry row `alias` is of the outlet as a reader reads it (a row without a key: as written). */
  private outletIs(alias: string, outlet: string, p: SqlParams): string {
    return `(${alias}.outlet_key = ${p.add(outletKey({ outlet }))} OR ${alias}.outlet_key IS NULL AND ${alias}.outlet = ${p.add(outlet)})`;
  }

  /**
   * One source and a page of the facts its story backs (any of its written forms, see `storyIds`: the story is shown
   * as first sighted), each fact once with the story's latest word on it; null when it backs none (at knownAt).
   */
  async find(id: string, f: SourcesFilter & { lang: 'en' | 'fr' }) {
    const [source]: Array<SourceRow & { ids: string[] }> = await this.db.query(
      `SELECT f.*, ${storyIds('f')} AS ids FROM read_model.sources s
       CROSS JOIN LATERAL (SELECT * FROM read_model.sources f WHERE f.id = s.id OR f.story_key = s.story_key
         ORDER BY f.first_position, f.id LIMIT 1) f
       WHERE s.id = $1`,
      [id],
    );
    if (!source) return null;
    const p = new SqlParams();
    const paging = openPage(`source:${source.id}`, f, ['position'], this.db);
    const after = paging.after;
    return paging.read(async (knownAt) => {
      f = { ...f, knownAt };
      const rows: SourceFactRow[] = (
        await this.db.query(
          // Source links are keys: each page row gets its version's payload and headlines from the version's lead row.
          withLeadRowPayload(
            sourcesModel,
            'read_model.source_facts',
            // One row per fact (a version stands at knownAt): of two written forms on it, the latest word (an attached
            // story's said_at; the fact's own source said it first).
            `SELECT * FROM (SELECT DISTINCT ON (t.fact_position) * FROM read_model.source_facts t
             WHERE t.source_id = ANY(${p.add(source.ids, '::text[]')}) AND ${visibleAt('t', f.knownAt, p)}
             AND ${anyOf('t.modality', f.modality, p)} AND ${occurredByAsOf('t', f.asOf, p)}
             AND ${after ? `t.fact_position > ${p.add(after[0], '::bigint')}` : 'true'}
             ORDER BY t.fact_position, t.said_at DESC NULLS LAST) t
           ORDER BY t.fact_position LIMIT ${p.add(f.limit + 1)}`,
            'k.fact_position',
          ),
          p.values,
        )
      ).map((r: Record<string, unknown>) => normalizeRow<SourceFactRow>(r));
      if (!rows.length && !after) return null;
      const page = rows.slice(0, f.limit);
      // Corroboration as every report counts it (the feed's entries of each fact, at knownAt), and earlier versions.
      // And the dates of the stories each fact cites, as this endpoint gives them (one id, one date).
      // And the subjects' names at knownAt (a case's filed title, a product's announced name).
      const [{ history, corroboration }, stories, names] = await Promise.all([
        loadFactExtras(this.db, 'read_model.source_facts', page, f.knownAt),
        loadStoryDates(
          this.db,
          page.flatMap((r) => r.sources ?? []),
        ),
        this.names.namesOfRows(page, f.knownAt),
      ]);
      const items = page.map((r) => ({
        type: r.event_type,
        subject: r.subject,
        subjectName: names.in(r.subject, f.lang),
        headline: names.headlineOf(r, f.lang),
        lang: f.lang,
        fallbacks: fallbacksIn(r.event_type, r.data, f.lang),
        stance: stanceOfPart(r.part),
        quote: r.quote,
        data: r.data,
        ...factFields(r, history, corroboration, stories),
      }));
      const last = page[page.length - 1];
      return {
        ...sourceDto(source),
        asOf: f.asOf,
        knownAt: f.knownAt,
        items,
        next: rows.length > f.limit ? await paging.next([last.fact_position]) : null,
      };
    });
  }
}

export type SourceFactDto = NonNullable<Awaited<ReturnType<SourcesRepository['find']>>>['items'][number];
export type SourceDto = ReturnType<typeof sourceDto>;
