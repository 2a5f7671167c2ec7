import { Inject, Injectable } from '@nestjs/common';
import { problems } from '@newsroom/platform';
import { DataSource } from 'typeorm';
import { READ_DB } from '../../database/read-database.module';
import { denialAnswersRumour, displayNameOf, type TextLang, type ValidTime } from '@newsroom/domain';
import { departureClaimOf, DepartureGrouping, DepartureRow, groupDepartures } from '@newsroom/projections';
import { openPage, type CursorValue, type PageWindow } from '../shared/cursor.codec';
import { EntityLinksRepository } from '../shared/entity-links.repository';
import { corroborationIn, minOutletsSql, type CorroborationMap } from '../shared/corroboration.repository';
import { loadFactExtras } from '../shared/fact-history.repository';
import { factFields, FactVersionDto } from '../shared/fact.dto';
import { textsIn } from '../shared/localized-text.mapper';
import { anyOf, factColumns, isoText, occurredByAsOf, overlaps, SqlParams, visibleAt } from '../shared/sql.builder';

export interface DeparturesQuery {
  organization: string | null;
  from: string | null;
  to: string | null;
  groupBy: DepartureGrouping | null;
  asOf: string | null;
  knownAt: string | null;
  /** Only facts with at least this many distinct outlets. */
  minOutlets?: number | null;
  modality: string[] | null;
  limit: number;
  cursor: string | null;
  /** The language of free text (role, destination); default en. */
  lang?: TextLang;
}

/** A departure row with its per-language columns (null on rows written before them). */
type LocalizedDepartureRow = DepartureRow & { role_i18n?: unknown; destination_i18n?: unknown };

// Grouping needs every matching departure; more than this is refused (400) rather than counted in part.
const GROUP_CAP = 50_000;

/** A departure row's columns, its free text's per-language columns among them. */
const COLUMNS = factColumns('t', { plain: ['organization', 'role', 'role_category', 'reason', 'destination', 'role_i18n', 'destination_i18n'] });

const departureDto = (r: LocalizedDepartureRow, lang: TextLang, history: Map<string, FactVersionDto[]>, corroboration: CorroborationMap, canonical: (s: string) => string = (s) => s) => {
  const { texts, fallbacks } = textsIn(lang, { role: { i18n: r.role_i18n, plain: r.role }, destination: { i18n: r.destination_i18n, plain: r.destination } });
  return {
    person: r.subject, personName: displayNameOf(r.subject), canonicalPerson: canonical(r.subject), canonicalPersonName: displayNameOf(canonical(r.subject)), organization: r.organization, role: texts.role ?? r.role, roleCategory: r.role_category,
    reason: r.reason, destination: texts.destination, lang, fallbacks, ...factFields(r, history, corroboration),
  };
};

export type DepartureDto = ReturnType<typeof departureDto>;

/** Departures in valid-time order, paged, or grouped by calendar period or role category. */
@Injectable()
export class DeparturesRepository {
  /** The most departures one grouped answer counts (a test lowers it). */
  groupCap = GROUP_CAP;

  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly links: EntityLinksRepository,
  ) {}

  async report(q: DeparturesQuery) {
    const paging = openPage('departures', q.groupBy ? { ...q, cursor: null } : q, ['instant', 'position'], this.db);
    const after = paging.after;
    return paging.read((knownAt) => this.read({ ...q, knownAt }, after, (values) => paging.next(values)));
  }

  private async read(q: DeparturesQuery, after: CursorValue[] | null, next: PageWindow['next']) {
    const limit = q.groupBy ? this.groupCap + 1 : q.limit + 1;
    // An organization stands for its whole entity: departures recorded under any subject merged with it.
    const { graph, result: rows } = await this.links.readForEntity(q.knownAt, q.organization, (organizations): Promise<LocalizedDepartureRow[]> => {
      const p = new SqlParams();
      const where = [
        q.organization ? `t.organization = ANY(${p.add(organizations, '::text[]')})` : 'true',
        visibleAt('t', q.knownAt, p), anyOf('t.modality', q.modality, p), overlaps('t', q.from, q.to, p, 'read_model.departures'), occurredByAsOf('t', q.asOf, p),
        minOutletsSql('t.fact_id', q.minOutlets, q.knownAt, p),
        after ? `(t.valid_from, t.fact_position) > (${p.add(after[0], '::timestamptz')}, ${p.add(after[1], '::bigint')})` : 'true',
      ];
      return this.db.query(
        `SELECT ${COLUMNS} FROM read_model.departures t WHERE ${where.join(' AND ')} ORDER BY t.valid_from, t.fact_position LIMIT ${p.add(limit)}`,
        p.values,
      );
    });
    const canonical = (s: string) => graph.canonicalOf(s);
    const lang = q.lang ?? 'en';
    const header = { organization: q.organization, from: q.from, to: q.to, asOf: q.asOf, knownAt: q.knownAt, lang };
    if (q.groupBy) {
      if (rows.length > this.groupCap) {
        throw problems.validation(
          [{ path: 'groupBy', message: `more than ${this.groupCap} departures match: narrow them with from/to, organization or modality` }],
          'Too many departures to group in one answer; a partial count would pass for a whole one.',
        );
      }
      const [{ history, corroboration }, denials] = await Promise.all([
        loadFactExtras(this.db, 'read_model.departures', rows, q.knownAt),
        this.denials(rows, q.knownAt, (s) => graph.membersOf(s), canonical),
      ]);
      // A rumour is denied by a denied departure of its claim that answers it (listed here or not: whatever the
      // filters; unless the rumour is dated wholly after it) or by a story on it whose latest word denies it (its
      // corroboration's `denies`, at knownAt).
      const deniedRumour = (r: DepartureRow) =>
        (denials.get(departureClaimOf(r, canonical)) ?? []).some((d) => denialAnswersRumour(d, { from: r.valid_from, to: r.valid_to })) ||
        corroborationIn(corroboration, r.fact_id).denies > 0;
      return {
        ...header,
        groupBy: q.groupBy,
        ...groupDepartures(rows, q.groupBy, (r) => departureDto(r, lang, history, corroboration, canonical), canonical, deniedRumour),
      };
    }
    const page = rows.slice(0, q.limit);
    const { history, corroboration } = await loadFactExtras(this.db, 'read_model.departures', page, q.knownAt);
    const last = page[page.length - 1];
    return { ...header, items: page.map((r) => departureDto(r, lang, history, corroboration, canonical)), next: rows.length > q.limit ? await next([last.valid_from, last.fact_position]) : null };
  }

  /**
   * The denied departures of the people rumoured among `rows`, by claim (canonical person, organization, role key:
   * `departureClaimOf`), with their dates, as recorded at knownAt: read from the leadership facts by person (an index
   * probe each; every slug of the person's entity), whatever the report's filters.
   */
  private async denials(rows: DepartureRow[], knownAt: string | null, membersOf: (s: string) => string[], canonical: (s: string) => string): Promise<Map<string, ValidTime[]>> {
    const rumoured = new Set(rows.filter((r) => r.modality === 'rumored').map((r) => r.subject));
    const people = [...new Set([...rumoured].flatMap(membersOf))];
    const byClaim = new Map<string, ValidTime[]>();
    if (!people.length) return byClaim;
    const p = new SqlParams();
    const found: Array<{ subject: string; organization: string; role_key: string; valid_from: string | null; valid_to: string | null }> = await this.db.query(
      `SELECT t.subject, t.organization, t.role_key, ${isoText('t.valid_from')}, ${isoText('t.valid_to')} FROM read_model.leadership_events t
       WHERE t.subject = ANY(${p.add(people, '::text[]')}) AND t.kind = 'departed' AND t.modality = 'denied' AND ${visibleAt('t', knownAt, p)}`,
      p.values,
    );
    for (const d of found) {
      const claim = `${canonical(d.subject)}\u0000${canonical(d.organization)}\u0000${d.role_key}`;
      byClaim.set(claim, [...(byClaim.get(claim) ?? []), { from: d.valid_from, to: d.valid_to }]);
    }
    return byClaim;
  }
}
