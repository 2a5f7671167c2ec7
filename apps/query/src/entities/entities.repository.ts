import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../database/read-database.module';
import { displayNameOf, parseSubject } from '@newsroom/domain';
import { SqlParams, visibleAt } from '../reports/shared/sql.builder';
import { TimelineQuery, TimelineRepository } from '../reports/timeline/timeline.repository';

/** An entity page: the subject as seen in standing facts, and the facts that name it. */
@Injectable()
export class EntitiesRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly timeline: TimelineRepository,
  ) {}

  /** Null when no fact standing at `knownAt` names the subject. */
  async find(q: TimelineQuery & { subject: string }) {
    const p = new SqlParams();
    const [seen] = await this.db.query(
      `SELECT min(t.recorded_from) AS first_seen, max(t.recorded_from) AS last_seen FROM read_model.timeline_facts t
       WHERE t.mention = ${p.add(q.subject)} AND ${visibleAt('t', q.knownAt, p)}`,
      p.values,
    );
    if (!seen?.first_seen) return null;
    const [registered] = await this.db.query(`SELECT display_name FROM read_model.entities WHERE subject = $1`, [q.subject]);
    const page = await this.timeline.page(q);
    return {
      subject: q.subject,
      kind: parseSubject(q.subject)!.kind,
      displayName: registered?.display_name ?? displayNameOf(q.subject),
      firstSeenAt: new Date(seen.first_seen).toISOString(),
      lastSeenAt: new Date(seen.last_seen).toISOString(),
      asOf: q.asOf,
      knownAt: q.knownAt,
      ...page,
    };
  }
}
