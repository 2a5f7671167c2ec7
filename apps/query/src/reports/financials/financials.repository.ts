import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../../database/read-database.module';
import { displayNameOf } from '@newsroom/domain';
import { normalizeRow, StoredFactRow } from '@newsroom/projections';
import { openPage } from '../shared/cursor.codec';
import { EntityLinksRepository } from '../shared/entity-links.repository';
import { minOutletsSql, type CorroborationMap } from '../shared/corroboration.repository';
import { loadFactExtras } from '../shared/fact-history.repository';
import { factFields, FactVersionDto } from '../shared/fact.dto';
import { anyOf, occurredByAsOf, SqlParams, visibleAt } from '../shared/sql.builder';

export interface FinancialsQuery {
  organization: string;
  metric: string[] | null;
  basis: string[] | null;
  from: string | null;
  to: string | null;
  asOf: string | null;
  knownAt: string | null;
  /** Only facts with at least this many distinct outlets. */
  minOutlets?: number | null;
  modality: string[] | null;
  limit: number;
  cursor: string | null;
  /** The answer's language (figures carry no free text; the answer says which it was asked in). */
  lang?: 'en' | 'fr';
}

interface PointRow extends StoredFactRow {
  organization: string;
  metric: string;
  basis: string;
  amount: string | null;
  currency: string | null;
  count: string | number | null;
  period: string | null;
  period_start: string | null;
  period_end: string | null;
}

const pointDto = (r: PointRow, history: Map<string, FactVersionDto[]>, corroboration: CorroborationMap, canonical: (s: string) => string) => ({
  organization: r.organization, canonicalOrganization: canonical(r.organization), metric: r.metric, basis: r.basis, period: r.period, periodStart: r.period_start, periodEnd: r.period_end,
  amount: r.amount === null ? null : String(r.amount), currency: r.currency, count: r.count === null ? null : Number(r.count),
  ...factFields(r, history, corroboration),
});

export type PointDto = ReturnType<typeof pointDto>;

/** A time series of money and headcount points ordered by the figure's period, each with its sources. */
@Injectable()
export class FinancialsRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly links: EntityLinksRepository,
  ) {}

  async report(q: FinancialsQuery) {
    const paging = openPage('financials', q, ['instant', 'position', 'text'], this.db);
    const after = paging.after;
    return paging.read(async (knownAt) => {
      q = { ...q, knownAt };
      // The organization stands for its whole entity: figures recorded under any subject merged with it (at knownAt).
      const { graph, result: rows } = await this.links.readForEntity(q.knownAt, q.organization, async (organizations): Promise<PointRow[]> => {
        const p = new SqlParams();
        // Valid-time filters use the figure's own period here: "revenue for 2024" is about 2024, whenever reported.
        const where = [
          organizations.length > 1 ? `t.organization = ANY(${p.add(organizations, '::text[]')})` : `t.organization = ${p.add(organizations[0])}`, `t.basis <> 'none'`, visibleAt('t', q.knownAt, p), anyOf('t.metric', q.metric, p),
          anyOf('t.basis', q.basis, p), anyOf('t.modality', q.modality, p), occurredByAsOf('t', q.asOf, p), minOutletsSql('t.fact_id', q.minOutlets, q.knownAt, p),
          q.from ? `t.period_end > ${p.add(q.from, '::timestamptz')}` : 'true', q.to ? `t.period_start < ${p.add(q.to, '::timestamptz')}` : 'true',
          after ? `(t.period_start, t.fact_position, t.part) > (${p.add(after[0], '::timestamptz')}, ${p.add(after[1], '::bigint')}, ${p.add(after[2])})` : 'true',
        ];
        return (
          await this.db.query(
            `SELECT * FROM read_model.financial_points t WHERE ${where.join(' AND ')}
             ORDER BY t.period_start, t.fact_position, t.part LIMIT ${p.add(q.limit + 1)}`,
            p.values,
          )
        ).map((r: Record<string, unknown>) => normalizeRow<PointRow>(r));
    });
    const page = rows.slice(0, q.limit);
    const { history, corroboration } = await loadFactExtras(this.db, 'read_model.financial_points', page, q.knownAt);
    const last = page[page.length - 1];
    return {
      organization: q.organization, organizationName: displayNameOf(q.organization), metric: q.metric, basis: q.basis,
      asOf: q.asOf, knownAt: q.knownAt, lang: q.lang ?? 'en', items: page.map((r) => pointDto(r, history, corroboration, (s) => graph.canonicalOf(s))),
      next: rows.length > q.limit ? await paging.next([last.period_start, last.fact_position, last.part]) : null,
    };
    });
  }
}
