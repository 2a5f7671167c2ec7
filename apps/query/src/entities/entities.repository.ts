import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../database/read-database.module';
import { parseSubject } from '@newsroom/domain';
import { distinctNames } from '@newsroom/projections';
import { EntityLinksRepository } from '../reports/shared/entity-links.repository';
import { EntityNamesRepository } from '../reports/shared/entity-names.repository';
import { SqlParams, visibleAt } from '../reports/shared/sql.builder';
import { TimelineQuery, TimelineRepository } from '../reports/timeline/timeline.repository';

/**
 * An entity page: the subject as seen in standing facts, and the facts that name it. A subject merged with others
 * (at knownAt) is one entity: its canonical subject, the subjects merged into it, its names, and the facts naming any.
 */
@Injectable()
export class EntitiesRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly timeline: TimelineRepository,
    private readonly links: EntityLinksRepository,
    private readonly names: EntityNamesRepository,
  ) {}

  /** Null when no fact standing at `knownAt` names the subject or a subject merged with it. */
  async find(q: TimelineQuery & { subject: string }) {
    const graph = await this.links.graph(q.knownAt);
    const members = graph.membersOf(q.subject);
    const canonical = members[0];
    const p = new SqlParams();
    const mentions = p.add(members, '::text[]');
    // First seen: when the earliest fact that still names the entity was first recorded, not its latest version (a
    // correction made the entity look newer than it is). In the order of the (mention, recorded_from) index, the
    // first row, of any version recorded by knownAt, whose fact has a version naming the entity visible at knownAt:
    // one ordered index scan per subject of the entity (as `= ANY`, Postgres 15 reads every row of them and sorts),
    // stopping at the first such row.
    // Last seen: the newest version visible, read from the same index backwards.
    const recordedBy = q.knownAt ? `AND v.recorded_from <= ${p.add(q.knownAt, '::timestamptz')}` : '';
    // Its subjects' names at knownAt: a product's announced name, a case's filed title (once recorded), else the slug's.
    const named = this.names.namesAt(members, q.knownAt);
    const [seen] = await this.db.query(
      `SELECT (SELECT min(f.recorded_from) FROM unnest(${mentions}) AS m(mention) CROSS JOIN LATERAL (
                SELECT v.recorded_from FROM read_model.timeline_facts v
                WHERE v.mention = m.mention ${recordedBy}
                  AND EXISTS (SELECT 1 FROM read_model.timeline_facts t WHERE t.fact_id = v.fact_id AND t.mention = v.mention
                    AND ${visibleAt('t', q.knownAt, p)})
                ORDER BY v.recorded_from LIMIT 1) f) AS first_seen,
              (SELECT max(l.recorded_from) FROM unnest(${mentions}) AS m(mention) CROSS JOIN LATERAL (
                SELECT t.recorded_from FROM read_model.timeline_facts t WHERE t.mention = m.mention AND ${visibleAt('t', q.knownAt, p)}
                ORDER BY t.recorded_from DESC LIMIT 1) l) AS last_seen`,
      p.values,
    );
    const names = await named;
    if (!seen?.first_seen) return null;
    // An authority's name in French from the glossary ("procureur général de Californie"); a case's title in French.
    const nameIn = (s: string) => names.in(s, q.lang ?? 'en');
    const aliases = graph.aliasNamesOf(canonical);
    const page = await this.timeline.page(q, `entity:${q.subject}`);
    return {
      subject: q.subject,
      canonicalSubject: canonical,
      kind: parseSubject(q.subject)!.kind,
      displayName: nameIn(canonical),
      displayNames: names.of(canonical),
      lang: q.lang,
      mergedSubjects: members.slice(1).map((s) => ({ subject: s, displayName: nameIn(s) })),
      aliases,
      names: distinctNames([...members.map((s) => names.of(s).en), ...aliases]),
      firstSeenAt: new Date(seen.first_seen).toISOString(),
      lastSeenAt: new Date(seen.last_seen).toISOString(),
      asOf: q.asOf,
      knownAt: q.knownAt,
      ...page,
    };
  }
}
