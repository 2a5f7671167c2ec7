import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../../database/read-database.module';
import { fallbacksIn } from '@newsroom/domain';
import { normalizeRow, StoredFactRow, timelineModel, withLeadRowPayload } from '@newsroom/projections';
import { openPage, type CursorValue } from '../shared/cursor.codec';
import { EntityLinksRepository } from '../shared/entity-links.repository';
import { EntityNamesRepository, SubjectNames } from '../shared/entity-names.repository';
import { minOutletsSql, type CorroborationMap } from '../shared/corroboration.repository';
import { loadFactExtras } from '../shared/fact-history.repository';
import { inCaseStepOrder } from './case-step-order.repository';
import { factFields, FactVersionDto } from '../shared/fact.dto';
import { loadStoryDates, type StoryDates } from '../shared/story-dates.repository';
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

const itemDto = (r: TimelineRow, lang: 'en' | 'fr', history: Map<string, FactVersionDto[]>, corroboration: CorroborationMap, stories: StoryDates, canonical: (s: string) => string, names: SubjectNames) => ({
  type: r.event_type, subject: r.subject, subjectName: names.in(r.subject, lang), canonicalSubject: canonical(r.subject), role: r.mention_role,
  headline: names.headlineOf(r, lang), lang, fallbacks: fallbacksIn(r.event_type, r.data, lang), data: r.data, ...factFields(r, history, corroboration, stories),
});

export type TimelineItemDto = ReturnType<typeof itemDto>;

/** Facts in valid-time order; one row per fact and mentioned subject, so a subject's timeline is an index range. */
@Injectable()
export class TimelineRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly links: EntityLinksRepository,
    private readonly names: EntityNamesRepository,
  ) {}

  /** A page of the timeline; `endpoint` names the list its cursors belong to (an entity's page is its own list). */
  async page(q: TimelineQuery, endpoint = 'timeline') {
    const paging = openPage(endpoint, q, ['instant', 'position'], this.db);
    const after = paging.after;
    return paging.read(async (knownAt) => {
      q = { ...q, knownAt };
      // A subject asked for stands for its whole entity: facts recorded under any subject merged with it.
      const { graph, result: rows } = await this.links.readForEntity(q.knownAt, q.subject, (members) => this.rowsOf(q, members, after));
      // A case's steps in the lawsuits report's order, in the places (keys) they take: the cursor is the last place's key.
      const last = rows[q.limit - 1];
      const page = await inCaseStepOrder(this.db, rows.slice(0, q.limit), q.knownAt, (cases) => this.stepsOf(q, cases));
      // The stories' dates as GET /v1/sources/{id} has them (one id, one date), read with the history and corroboration.
      // And the subjects' names at knownAt: a case's step is headlined by the case's filed title as it stood then.
      const [{ history, corroboration }, stories, names] = await Promise.all([
        loadFactExtras(this.db, 'read_model.timeline_facts', page, q.knownAt),
        loadStoryDates(this.db, page.flatMap((r) => r.sources ?? [])),
        this.names.namesOfRows(page, q.knownAt),
      ]);
      return {
        items: page.map((r) => itemDto(r, q.lang, history, corroboration, stories, (s) => graph.canonicalOf(s), names)),
        next: rows.length > q.limit ? await paging.next([last.valid_from, last.fact_position]) : null,
      };
    });
  }

  /**
   * The cases `members` are parties to, as their filings stood at `knownAt` (now without it), with the role the
   * filing gives them: a case's steps name only the case, and belong on its parties' timelines too.
   */
  private async casesOf(members: string[], knownAt: string | null): Promise<Map<string, string>> {
    const p = new SqlParams();
    const rows: Array<{ subject: string; mention_role: string }> = await this.db.query(
      `SELECT DISTINCT ON (c.subject) c.subject, c.mention_role FROM read_model.timeline_facts c
       WHERE c.mention = ANY(${p.add(members, '::text[]')}) AND c.event_type = 'lawsuit.filed'
         AND c.mention_role IN ('plaintiff', 'defendant') AND ${visibleAt('c', knownAt, p)}
       ORDER BY c.subject, c.mention_role`,
      p.values,
    );
    return new Map(rows.map((r) => [r.subject, r.mention_role]));
  }

  /**
   * The page's rows (one more than the limit) among the facts naming any of `members` (none: primary rows), and the
   * steps of the cases they are parties to (their role: the party's, plaintiff or defendant).
   */
  private async rowsOf(q: TimelineQuery, members: string[], after: CursorValue[] | null): Promise<TimelineRow[]> {
    const cases = q.subject ? await this.casesOf(members, q.knownAt) : new Map<string, string>();
    const p = new SqlParams();
    const mentions = [...members, ...[...cases.keys()].filter((c) => !members.includes(c))];
    const stepsOnly = mentions.length > members.length ? ` AND (t.mention = ANY(${p.add(members, '::text[]')}) OR t.event_type = 'lawsuit.status_changed')` : '';
    const where = [
      q.subject ? (mentions.length > 1 ? `t.mention = ANY(${p.add(mentions, '::text[]')})${stepsOnly}` : `t.mention = ${p.add(mentions[0])}`) : 't.is_primary', ...this.filters(q, p),
      after ? `(t.valid_from, t.fact_position) > (${p.add(after[0], '::timestamptz')}, ${p.add(after[1], '::bigint')})` : 'true',
    ];
    // A fact naming two subjects of one entity is one item.
    return (await this.rowsWhere(`${mentions.length > 1 ? 'DISTINCT ON (t.valid_from, t.fact_position)' : ''} *`, where, p, q.limit + 1)).map((r) =>
      !members.includes(r.mention) && cases.has(r.mention) ? { ...r, mention_role: cases.get(r.mention)! } : r,
    );
  }

  /** The steps of these cases that pass the page's filters, every page's, in the timeline's order. */
  private stepsOf(q: TimelineQuery, cases: string[]): Promise<TimelineRow[]> {
    const p = new SqlParams();
    const where = [`t.is_primary AND t.event_type = 'lawsuit.status_changed' AND t.mention = ANY(${p.add(cases, '::text[]')})`, ...this.filters(q, p)];
    return this.rowsWhere('*', where, p, null);
  }

  /** What the page asks of a fact, whichever subject it is listed under: visible at knownAt, of these types, dates... */
  private filters(q: TimelineQuery, p: SqlParams): string[] {
    return [
      visibleAt('t', q.knownAt, p), anyOf('t.event_type', q.types, p), anyOf('t.modality', q.modality, p), overlaps('t', q.from, q.to, p, 'read_model.timeline_facts'),
      occurredByAsOf('t', q.asOf, p), minOutletsSql('t.fact_id', q.minOutlets, q.knownAt, p),
    ];
  }

  private async rowsWhere(select: string, where: string[], p: SqlParams, limit: number | null): Promise<TimelineRow[]> {
    const rows = await this.db.query(
      // Mention rows are keys: each page row gets its version's payload and headlines from the subject's row.
      withLeadRowPayload(
        timelineModel,
        'read_model.timeline_facts',
        `SELECT ${select} FROM read_model.timeline_facts t WHERE ${where.join(' AND ')} ORDER BY t.valid_from, t.fact_position${limit === null ? '' : ` LIMIT ${p.add(limit)}`}`,
        'k.valid_from, k.fact_position',
      ),
      p.values,
    );
    return rows.map((r: Record<string, unknown>) => normalizeRow<TimelineRow>(r));
  }
}
