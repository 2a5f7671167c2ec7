import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../../database/read-database.module';
import { displayNameOf, type TextLang } from '@newsroom/domain';
import { type ModalitySource, RUN_COLUMNS, runEndsSql, StoredFactRow, Tenure, TenureBound, tenureKey, TenureRow, tenureOfRow, tenuresPageSql, type TenuresView } from '@newsroom/projections';
import { openPage } from '../shared/cursor.codec';
import { EntityLinksRepository } from '../shared/entity-links.repository';
import { loadFactExtras } from '../shared/fact-history.repository';
import { FactVersionDto, sourceDto } from '../shared/fact.dto';
import { corroborationIn, minOutletsSql, type CorroborationMap } from '../shared/corroboration.repository';
import { anyOf, isoText, SqlParams, visibleAt } from '../shared/sql.builder';
import { textsIn } from '../shared/localized-text.mapper';
import { rumourConfirmedSql } from '../shared/rumour-words.repository';

export const LEADERSHIP_VIEWS = ['roster', 'tenures'] as const;

export interface LeadershipQuery {
  organization: string;
  asOf: string | null;
  knownAt: string | null;
  modality: string[] | null;
  /** `roster`: the tenures in force (as of asOf); `tenures`: every tenure on record. */
  show?: (typeof LEADERSHIP_VIEWS)[number];
  /** Only tenures whose appointment or departure has at least this many distinct outlets. */
  minOutlets?: number | null;
  limit?: number;
  cursor?: string | null;
  /** The language of free text (role, destination); default en. */
  lang?: TextLang;
}

/** The per-language role and destination of each bound's fact (by event id), read with the page's sources. */
type TextsById = Map<string, { role_i18n: unknown; destination_i18n: unknown }>;

const TABLE = 'read_model.leadership_events';

/**
 * What a tenure's bound shows beyond its run row: its sources, inferred fields and per-language texts; for a start's
 * `modalityFrom`, which the run row names by id and version only, also where and when it was recorded and its dates.
 */
type BoundRow = {
  fact_id: string;
  version: number;
  sources: TenureBound['sources'];
  inferred: TenureBound['inferred'];
  role_i18n: unknown;
  destination_i18n: unknown;
  organization: string;
  occurred_at: string | null;
  valid_from: string | null;
  valid_to: string | null;
  recorded_from: string;
};

/** A page of tenures, and whether more follow it. */
type Page = { page: Tenure[]; more: boolean };

/**
 * What `tenuresPageSql` reads of each run row: the run columns, valid and recorded times as ISO text and the valid
 * times as timestamps too; sources and data are left in the heap until the page is known.
 */
const RUN_ROW = [
  ...RUN_COLUMNS.map((c) => (['valid_from', 'valid_to', 'recorded_from'].includes(c) ? isoText(`t.${c}`) : `t.${c}`)),
  't.valid_from AS valid_from_at',
  't.valid_to AS valid_to_at',
].join(', ');

/** A fact of a tenure as shown: a bound, or the report a start's modality comes from. */
const factDto = (b: ModalitySource, history: Map<string, FactVersionDto[]>, corroboration: CorroborationMap) => {
  const { version: _version, ...shown } = b;
  return { ...shown, sources: b.sources.map(sourceDto), history: history.get(b.eventId) ?? [], corroboration: corroborationIn(corroboration, b.eventId) };
};

const boundDto = (b: TenureBound | null, history: Map<string, FactVersionDto[]>, corroboration: CorroborationMap) => {
  if (!b) return null;
  const { modalityFrom, ...own } = b;
  return { ...factDto(own, history, corroboration), modalityFrom: modalityFrom && factDto(modalityFrom, history, corroboration) };
};

// The role as the appointment gives it (else the departure), the destination as the departure gives it.
const tenureTexts = (t: Tenure, lang: TextLang, byId: TextsById) => {
  const start = t.start ? byId.get(t.start.eventId) : undefined;
  const end = t.end ? byId.get(t.end.eventId) : undefined;
  return textsIn(lang, {
    role: { i18n: start?.role_i18n ?? end?.role_i18n, plain: t.role },
    destination: { i18n: end?.destination_i18n, plain: t.destination },
  });
};

const tenureDto = (t: Tenure, lang: TextLang, byId: TextsById, history: Map<string, FactVersionDto[]>, corroboration: CorroborationMap, canonical: (s: string) => string = (s) => s) => {
  const { texts, fallbacks } = tenureTexts(t, lang, byId);
  return {
    person: t.person, personName: t.personName, canonicalPerson: canonical(t.person), canonicalPersonName: displayNameOf(canonical(t.person)),
    organization: t.organization, canonicalOrganization: canonical(t.organization), role: texts.role ?? t.role, roleCategory: t.roleCategory, interim: t.interim,
    start: boundDto(t.start, history, corroboration), end: boundDto(t.end, history, corroboration), reason: t.reason, destination: texts.destination,
    lang, fallbacks,
    ...(t.certain !== undefined ? { certain: t.certain } : {}),
  };
};

export type TenureDto = ReturnType<typeof tenureDto>;

/**
 * SQL: whether the rumoured departure `r` (a run row) was denied as recorded at `knownAt`: by a denied departure of the
 * same person, organization (any slug of the entity) and role that answers it (`denialAnswersRumour`: unless the
 * rumour is dated wholly after the denial; undated on either side, it answers), or by a story on it whose latest
 * word is `denies` (as its corroboration counts it: an outlet's last word stands). Each is an index probe: the
 * person's leadership facts by subject, the fact's feed item by event id. Whatever `modality` asks: the denial is not
 * listed, it only sets the rumour aside.
 */
function deniedRumourSql(organizations: string[], knownAt: string | null, p: SqlParams): (r: string) => string {
  const orgs = p.add(organizations, '::text[]');
  const visible = visibleAt('d', knownAt, p);
  const known = knownAt ? ` AND (x.e->>'recordedAt')::timestamptz <= ${p.add(knownAt, '::timestamptz')}` : '';
  return (r) => `(EXISTS (SELECT 1 FROM ${TABLE} d WHERE d.subject = ${r}.subject AND d.role_key = ${r}.role_key
      AND d.organization = ANY(${orgs}) AND d.kind = 'departed' AND d.modality = 'denied' AND ${visible}
      AND (d.valid_to IS NULL OR ${r}.valid_from_at IS NULL OR ${r}.valid_from_at < d.valid_to))
    OR EXISTS (SELECT 1 FROM (
      SELECT DISTINCT ON (x.e->>'key') x.e->>'stance' AS stance
      FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
      WHERE f.event_id = ${r}.fact_id${known}
      ORDER BY x.e->>'key', x.n DESC) w WHERE w.stance = 'denies'))`;
}

/**
 * Who holds which role: the organization's appointments and departures as recorded, paired into tenures, paged.
 * The organization is its whole entity at knownAt: an appointment recorded under one of its slugs and the departure
 * under another pair as one tenure, and a merge's reversal (or a knownAt before it) parts them again.
 * Pairing turns only on some rows (`runEndsSql`): as recorded now, `leadership_runs`, which the projection keeps;
 * at a `knownAt` or for some modalities, one window pass over the matching rows. Over those, the tenures are paired,
 * filtered (the roster as of a date, `minOutlets`), ordered and cut to the page in Postgres (`tenuresPageSql`), so a
 * page reads its own rows whatever the organization's history; it is read beside the entity graph (`readForEntity`).
 * The served page then reads its sources, earlier versions and corroboration, all three at once.
 */
@Injectable()
export class LeadershipRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly links: EntityLinksRepository,
  ) {}

  async report(q: LeadershipQuery) {
    const show = q.show ?? 'roster';
    const limit = q.limit ?? 100;
    const paging = openPage('leadership', q, ['text', 'text', 'text', 'text', 'text', 'text'], this.db);
    const after = paging.after as string[] | null;
    return paging.read(async (knownAt) => {
      q = { ...q, knownAt };
      // The organization stands for its whole entity (subjects merged with it, at knownAt).
      const { graph, result: { page, more } } = await this.links.readForEntity(q.knownAt, q.organization, (organizations) => this.pageOf(q, show, organizations, after, limit));
      const { history, corroboration, texts } = await this.attachSources(page, q.knownAt);
      const lang = q.lang ?? 'en';
      return {
        organization: q.organization,
        organizationName: displayNameOf(q.organization),
        asOf: q.asOf,
        knownAt: q.knownAt,
        show,
        lang,
        items: page.map((t) => tenureDto(t, lang, texts, history, corroboration, (s) => graph.canonicalOf(s))),
        next: more ? await paging.next(tenureKey(page[page.length - 1])) : null,
      };
    });
  }

  /** One page of tenures, paired, filtered, ordered and cut by one statement (`tenuresPageSql`). */
  private async pageOf(q: LeadershipQuery, show: string, organizations: string[], after: string[] | null, limit: number): Promise<Page> {
    const p = new SqlParams();
    const runs = `(${this.runEndsSql(q, organizations, p)}) r`;
    const view: TenuresView = show === 'roster' ? { show: 'roster', asOf: q.asOf ? p.add(q.asOf) : null } : { show: 'tenures' };
    view.deniedRumour = deniedRumourSql(organizations, q.knownAt, p);
    // A rumoured appointment counts as confirmed once the stories attached to it confirm it (as the lawsuits' steps).
    view.confirmedRumour = (r) => rumourConfirmedSql(`${r}.fact_id`, q.knownAt, p);
    // At least minOutlets distinct outlets (as recorded at knownAt) on the appointment or the departure.
    if (q.minOutlets) view.bounds = (factId) => minOutletsSql(factId, q.minOutlets, q.knownAt, p);
    const keyset = after ? after.map((v) => p.add(v, '::text')) : null;
    const rows: TenureRow[] = await this.db.query(tenuresPageSql(runs, view, keyset, p.add(limit + 1, '::int')), p.values);
    return { page: rows.slice(0, limit).map(tenureOfRow), more: rows.length > limit };
  }

  /**
   * SQL for the rows pairing turns on, denied facts left out as they never change a roster: as recorded now,
   * `leadership_runs`; else one window pass over the matching rows. An entity of several slugs (merged at knownAt)
   * always takes the pass, over all its slugs at once: `leadership_runs` holds each slug's run ends, and pairing
   * across slugs needs those of their union (`runEndsSql`'s `acrossOrganizations`).
   */
  private runEndsSql(q: LeadershipQuery, organizations: string[], p: SqlParams): string {
    const merged = organizations.length > 1;
    const organization = merged ? `ANY(${p.add(organizations, '::text[]')})` : p.add(organizations[0]);
    if (!q.knownAt && !q.modality && !merged) return `SELECT ${RUN_ROW} FROM read_model.leadership_runs t WHERE t.organization = ${organization}`;
    // Compared bytewise, as the runs index (leadership_events_runs) holds the organization: the pass reads it in order.
    const where = [`t.organization COLLATE "C" = ${organization}`, visibleAt('t', q.knownAt, p), anyOf('t.modality', q.modality, p), `t.modality <> 'denied'`];
    return runEndsSql(TABLE, where.join(' AND '), RUN_ROW, merged);
  }

  /**
   * Reads the sources of the page's bounds and of the reports their starts' modalities come from (one lookup by key;
   * for the latter also where and when each was recorded, which the run row does not carry) and, at the same time,
   * their earlier versions and corroboration (`loadFactExtras`): independent reads, sent at once on three connections.
   */
  private async attachSources(page: Tenure[], knownAt: string | null): Promise<{ history: Map<string, FactVersionDto[]>; corroboration: CorroborationMap; texts: TextsById }> {
    const bounds = page.flatMap((t) => [t.start, t.end]).filter((b): b is TenureBound => b !== null);
    const modalityFroms = bounds.flatMap((b) => (b.modalityFrom ? [b.modalityFrom] : []));
    const facts: ModalitySource[] = [...bounds, ...modalityFroms];
    if (!facts.length) return { history: new Map(), corroboration: new Map(), texts: new Map() };
    const ids = facts.map((b) => b.eventId);
    const versions = facts.map((b) => b.version);
    const rows = facts.map((b) => ({ fact_id: b.eventId, version: b.version }) as StoredFactRow);
    const [found, { history, corroboration }] = await Promise.all([
      this.db.query<BoundRow[]>(
        `SELECT t.fact_id, t.version, t.sources, t.inferred, t.role_i18n, t.destination_i18n, t.organization, t.occurred_at,
           ${['valid_from', 'valid_to', 'recorded_from'].map((c) => isoText(`t.${c}`)).join(', ')}
         FROM ${TABLE} t
         JOIN unnest($1::uuid[], $2::int[]) AS k(fact_id, version) ON t.fact_id = k.fact_id AND t.version = k.version AND t.part = ''`,
        [ids, versions],
      ),
      loadFactExtras(this.db, TABLE, rows, knownAt),
    ]);
    const byKey = new Map(found.map((r) => [`${r.fact_id}/${r.version}`, r]));
    for (const b of facts) {
      const row = byKey.get(`${b.eventId}/${b.version}`);
      b.sources = row?.sources ?? [];
      b.inferred = row?.inferred ?? [];
    }
    for (const m of modalityFroms) {
      const row = byKey.get(`${m.eventId}/${m.version}`);
      if (!row) continue;
      Object.assign(m, { organization: row.organization, occurredAt: row.occurred_at, from: row.valid_from, to: row.valid_to, recordedAt: row.recorded_from });
    }
    const texts: TextsById = new Map(found.map((r) => [r.fact_id, { role_i18n: r.role_i18n, destination_i18n: r.destination_i18n }]));
    return { history, corroboration, texts };
  }
}
