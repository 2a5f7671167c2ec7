import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../../database/read-database.module';
import { displayNameIn, fallbacksIn } from '@newsroom/domain';
import { normalizeRow, StoredFactRow, timelineModel, withLeadRowPayload } from '@newsroom/projections';
import { decodeCursor, encodeCursor, type CursorValue } from '../shared/cursor.codec';
import { EntityLinksRepository } from '../shared/entity-links.repository';
import { minOutletsSql, type CorroborationMap } from '../shared/corroboration.repository';
import { loadFactExtras } from '../shared/fact-history.repository';
import { factFields, FactVersionDto } from '../shared/fact.dto';
import { anyOf, occurredByAsOf, overlaps, SqlParams, visibleAt } from '../shared/sql.builder';

export interface TimelineQuery {
  /** Facts mentioning this subject (in any role); every fact when null. */
  subject: string | null;
  from: string | null;
  to: string | null;
  types: string[] | null;
  asOf: string | null;
  knownAt: string | null;
  /** Only facts with at least this many distinct outlets. */
  minOutlets?: number | null;
  modality: string[] | null;
  limit: number;
  cursor: string | null;
  lang: 'en' | 'fr';
}

interface TimelineRow extends StoredFactRow {
  mention: string;
  mention_role: string;
  headline_en: string;
  headline_fr: string;
}

const itemDto = (r: TimelineRow, lang: 'en' | 'fr', history: Map<string, FactVersionDto[]>, corroboration: CorroborationMap, canonical: (s: string) => string) => ({
  type: r.event_type, subject: r.subject, subjectName: displayNameIn(r.subject, lang), canonicalSubject: canonical(r.subject), role: r.mention_role,
  headline: lang === 'fr' ? r.headline_fr : r.headline_en, lang, fallbacks: fallbacksIn(r.event_type, r.data, lang), data: r.data, ...factFields(r, history, corroboration),
});

export type TimelineItemDto = ReturnType<typeof itemDto>;

/** Facts in valid-time order; one row per fact and mentioned subject, so a subject's timeline is an index range. */
@Injectable()
export class TimelineRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly links: EntityLinksRepository,
  ) {}

  async page(q: TimelineQuery) {
    const after = decodeCursor(q.cursor, ['instant', 'position']);
    // A subject asked for stands for its whole entity: facts recorded under any subject merged with it.
    const { graph, result: rows } = await this.links.readForEntity(q.knownAt, q.subject, (members) => this.rowsOf(q, members, after));
    const page = rows.slice(0, q.limit);
    const { history, corroboration } = await loadFactExtras(this.db, 'read_model.timeline_facts', page, q.knownAt);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => itemDto(r, q.lang, history, corroboration, (s) => graph.canonicalOf(s))),
      next: rows.length > q.limit ? encodeCursor([last.valid_from, last.fact_position]) : null,
    };
  }

  /** The page's rows (one more than the limit) among the facts naming any of `members` (none: primary rows). */
  private async rowsOf(q: TimelineQuery, members: string[], after: CursorValue[] | null): Promise<TimelineRow[]> {
    const p = new SqlParams();
    const where = [
      q.subject ? (members.length > 1 ? `t.mention = ANY(${p.add(members, '::text[]')})` : `t.mention = ${p.add(members[0])}`) : 't.is_primary', visibleAt('t', q.knownAt, p), anyOf('t.event_type', q.types, p),
      anyOf('t.modality', q.modality, p), overlaps('t', q.from, q.to, p, 'read_model.timeline_facts'), occurredByAsOf('t', q.asOf, p), minOutletsSql('t.fact_id', q.minOutlets, q.knownAt, p),
      after ? `(t.valid_from, t.fact_position) > (${p.add(after[0], '::timestamptz')}, ${p.add(after[1], '::bigint')})` : 'true',
    ];
    return (
      await this.db.query(
        // A fact naming two subjects of one entity is one item.
        // Mention rows are keys: each page row gets its version's payload and headlines from the subject's row.
        withLeadRowPayload(
          timelineModel,
          'read_model.timeline_facts',
          `SELECT ${members.length > 1 ? 'DISTINCT ON (t.valid_from, t.fact_position)' : ''} * FROM read_model.timeline_facts t WHERE ${where.join(' AND ')} ORDER BY t.valid_from, t.fact_position LIMIT ${p.add(q.limit + 1)}`,
          'k.valid_from, k.fact_position',
        ),
        p.values,
      )
    ).map((r: Record<string, unknown>) => normalizeRow<TimelineRow>(r));
  }
}
