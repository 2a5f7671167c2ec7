import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../../database/read-database.module';
import type { TextLang } from '@newsroom/domain';
import { CaseStep, LawsuitRow, normalizeRow, summarizeCase } from '@newsroom/projections';
import { openPage } from '../shared/cursor.codec';
import { EntityLinksRepository } from '../shared/entity-links.repository';
import { EntityNamesRepository } from '../shared/entity-names.repository';
import { loadFactExtras } from '../shared/fact-history.repository';
import { FactVersionDto, sourceDto } from '../shared/fact.dto';
import { corroborationIn, minOutletsSql, type CorroborationMap } from '../shared/corroboration.repository';
import { anyOf, happenedByAsOf, occurredByAsOf, SqlParams, stepsHappenedBy, visibleAt } from '../shared/sql.builder';
import { listIn, textsIn } from '../shared/localized-text.mapper';
import { loadAttachedWords, stepSetsStatusSql } from '../shared/rumour-words.repository';

export interface LawsuitsQuery {
  party: string | null;
  status: string[] | null;
  asOf: string | null;
  knownAt: string | null;
  /** Only cases whose filing has at least this many distinct outlets. */
  minOutlets?: number | null;
  modality: string[] | null;
  limit: number;
  cursor: string | null;
  /** The language of free text (title, court, claims, details); default en. */
  lang?: TextLang;
}

/** A lawsuit row with its per-language columns (null on rows written before them). */
type LocalizedLawsuitRow = LawsuitRow & { title_i18n?: unknown; court_i18n?: unknown; claims_i18n?: unknown; detail_i18n?: unknown };

const stepDto = (s: CaseStep, lang: TextLang, rows: Map<string, LocalizedLawsuitRow>, history: Map<string, FactVersionDto[]>, corroboration: CorroborationMap) => {
  const { texts, fallbacks } = textsIn(lang, { detail: { i18n: rows.get(s.eventId)?.detail_i18n, plain: s.detail } });
  return {
    ...s, detail: texts.detail, fallbacks, sources: s.sources.map(sourceDto), history: history.get(s.eventId) ?? [], corroboration: corroborationIn(corroboration, s.eventId),
  };
};

/** A case's title, court and claims in `lang`, and which of them fell back to the other language. */
function caseTexts(filed: LocalizedLawsuitRow, lang: TextLang) {
  const one = textsIn(lang, { title: { i18n: filed.title_i18n, plain: filed.title }, court: { i18n: filed.court_i18n, plain: filed.court } });
  const claims = listIn(lang, 'claims', filed.claims_i18n, filed.claims);
  return { title: one.texts.title, court: one.texts.court, claims: claims.texts, fallbacks: [...one.fallbacks, ...claims.fallbacks] };
}

/** Cases with their current status and history; a refiled suit is its own case. */
@Injectable()
export class LawsuitsRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly links: EntityLinksRepository,
    private readonly names: EntityNamesRepository,
  ) {}

  /** `stepsBy`: the instant a step must have happened by to count as of `asOf` as sent (a date counts to its end: see stepsHappenedBy). */
  async report(q: LawsuitsQuery, stepsBy: string | null = stepsHappenedBy(q.asOf)) {
    const paging = openPage('lawsuits', q, ['text'], this.db);
    const after = paging.after;
    return paging.read(async (knownAt) => {
      q = { ...q, knownAt };
      // A party stands for its whole entity: cases naming any subject merged with it (at knownAt).
      const { graph, result: found } = await this.links.readForEntity(q.knownAt, q.party, async (parties): Promise<LocalizedLawsuitRow[]> => {
        const p = new SqlParams();
        // The current status is computed in SQL too, so the status filter and the pages agree: the latest step in valid
        // time (as summarizeCase orders them), not the latest recorded, that sets the status (not denied, not a rumour
        // unless a story attached confirms it, as known at knownAt): of the counting steps no other counting step is
        // surely after (its date starting when theirs has ended), the latest recorded (inValidTimeOrder's last).
        const counting = (t: string) => `${visibleAt(t, q.knownAt, p)} AND ${happenedByAsOf(t, stepsBy, p)} AND ${stepSetsStatusSql(t, q.knownAt, p)}`;
        const from = (t: string) => `coalesce(${t}.valid_from, '-infinity'::timestamptz)`;
        const sql = `
          WITH cases AS (
            SELECT DISTINCT ON (t.subject) t.* FROM read_model.lawsuit_events t
            WHERE t.kind = 'filed' AND ${visibleAt('t', q.knownAt, p)} AND ${occurredByAsOf('t', q.asOf, p)}
              AND ${this.modalitySql(q, stepsBy, p)}
              AND ${q.party ? `t.parties && ${p.add(parties, '::text[]')}` : 'true'}
              AND ${after ? `t.subject > ${p.add(after[0])}` : 'true'}
              AND ${minOutletsSql('t.fact_id', q.minOutlets, q.knownAt, p)}
            ORDER BY t.subject, t.fact_position
          )
          SELECT c.*, coalesce(s.status, 'filed') AS current_status FROM cases c
          LEFT JOIN LATERAL (
            SELECT st.status FROM read_model.lawsuit_events st
            WHERE st.subject = c.subject AND st.kind = 'status' AND ${counting('st')}
              AND NOT EXISTS (
                SELECT 1 FROM read_model.lawsuit_events la
                WHERE la.subject = c.subject AND la.kind = 'status' AND la.fact_id <> st.fact_id AND ${counting('la')}
                  AND coalesce(st.valid_to, '-infinity'::timestamptz) <= ${from('la')} AND ${from('st')} < ${from('la')}
              )
            ORDER BY st.fact_position DESC LIMIT 1
          ) s ON true
          WHERE ${anyOf(`coalesce(s.status, 'filed')`, q.status, p)}
          ORDER BY c.subject LIMIT ${p.add(q.limit + 1)}`;
        return (await this.db.query(sql, p.values)).map((r: Record<string, unknown>) => normalizeRow<LawsuitRow>(r));
    });
    const canonical = (subjects: string[]) => [...new Set(subjects.map((s) => graph.canonicalOf(s)))];
    const page = found.slice(0, q.limit);
    const steps = await this.steps(page.map((c) => c.subject), q, stepsBy);
    const rumours = steps.filter((s) => s.modality === 'rumored').map((s) => s.fact_id);
    // A case is named by its filed title as it stood at knownAt (the registry's rule), else by its slug.
    const [{ history, corroboration }, words, names] = await Promise.all([
      loadFactExtras(this.db, 'read_model.lawsuit_events', [...page, ...steps], q.knownAt),
      loadAttachedWords(this.db, rumours, q.knownAt),
      this.names.namesAt(page.map((c) => c.subject), q.knownAt),
    ]);
    const lang = q.lang ?? 'en';
    const rows = new Map([...page, ...steps].map((r) => [r.fact_id, r]));
    const items = page.map((filed) => {
      const c = summarizeCase(
        filed,
        steps.filter((s) => s.subject === filed.subject),
        words,
      );
      const step = (s: CaseStep) => stepDto(s, lang, rows, history, corroboration);
      return {
        ...c,
        caseName: names.in(c.case, lang),
        ...caseTexts(filed, lang),
        lang,
        canonicalPlaintiffs: canonical(c.plaintiffs),
        canonicalDefendants: canonical(c.defendants),
        filed: step(c.filed),
        // A modality filter picks the steps listed (the filing always heads them); the status stays the case's own.
        history: c.history.filter((s, i) => i === 0 || !q.modality || q.modality.includes(s.modality)).map(step),
      };
    });
    return {
      party: q.party, status: q.status, asOf: q.asOf, knownAt: q.knownAt, lang, items,
      next: found.length > q.limit ? await paging.next([page[page.length - 1].subject]) : null,
    };
    });
  }

  /**
   * `modality=` on cases: a case whose filing, or one of whose steps (visible at knownAt, happened by asOf), has one
   * of the modalities. `modality=denied` finds the cases with a denied step, not none (filings are rarely denied).
   */
  private modalitySql(q: LawsuitsQuery, stepsBy: string | null, p: SqlParams): string {
    if (!q.modality) return 'true';
    const steps = `EXISTS (SELECT 1 FROM read_model.lawsuit_events sm WHERE sm.subject = t.subject AND sm.kind = 'status'
      AND ${anyOf('sm.modality', q.modality, p)} AND ${visibleAt('sm', q.knownAt, p)} AND ${happenedByAsOf('sm', stepsBy, p)})`;
    return `(${anyOf('t.modality', q.modality, p)} OR ${steps})`;
  }

  private async steps(cases: string[], q: LawsuitsQuery, stepsBy: string | null): Promise<LocalizedLawsuitRow[]> {
    if (!cases.length) return [];
    const p = new SqlParams();
    const rows = await this.db.query(
      `SELECT * FROM read_model.lawsuit_events st WHERE st.subject = ANY(${p.add(cases, '::text[]')}) AND st.kind = 'status'
         AND ${visibleAt('st', q.knownAt, p)} AND ${happenedByAsOf('st', stepsBy, p)}`,
      p.values,
    );
    return rows.map((r: Record<string, unknown>) => normalizeRow<LocalizedLawsuitRow>(r));
  }
}

export type CaseDto = Awaited<ReturnType<LawsuitsRepository['report']>>['items'][number];
