import { DataSource } from 'typeorm';
import { displayNameOf } from '@newsroom/domain';
import { LeadershipRow, rosterAt, Tenure, TenureBound, tenuresOf } from '@newsroom/projections';
import { loadHistory } from '../shared/fact-history.repository';
import { FactVersionDto, sourceDto } from '../shared/fact.dto';
import { anyOf, factColumns, SqlParams, visibleAt } from '../shared/sql.builder';

export interface LeadershipQuery {
  organization: string;
  asOf: string | null;
  knownAt: string | null;
  modality: string[] | null;
}

const boundDto = (b: TenureBound | null, history: Map<string, FactVersionDto[]>) =>
  b && { ...b, sources: b.sources.map(sourceDto), history: history.get(b.eventId) ?? [] };

const tenureDto = (t: Tenure, history: Map<string, FactVersionDto[]>) => ({
  person: t.person, personName: t.personName, role: t.role, roleCategory: t.roleCategory, interim: t.interim,
  start: boundDto(t.start, history), end: boundDto(t.end, history), reason: t.reason, destination: t.destination,
  ...(t.certain !== undefined ? { certain: t.certain } : {}),
});

export type TenureDto = ReturnType<typeof tenureDto>;

/** Who holds which role: the organization's appointments and departures as recorded, paired into tenures. */
export class LeadershipRepository {
  constructor(private readonly db: DataSource) {}

  async report(q: LeadershipQuery) {
    const p = new SqlParams();
    const columns = factColumns('t', { data: false, plain: ['organization', 'kind', 'role', 'role_key', 'role_category', 'interim', 'reason', 'destination'] });
    const rows: LeadershipRow[] = await this.db.query(
      `SELECT ${columns} FROM read_model.leadership_events t
       WHERE t.organization = ${p.add(q.organization)} AND ${visibleAt('t', q.knownAt, p)} AND ${anyOf('t.modality', q.modality, p)}`,
      p.values,
    );
    const history = await loadHistory(this.db, 'read_model.leadership_events', rows, q.knownAt);
    const tenures = tenuresOf(rows);
    return {
      organization: q.organization,
      organizationName: displayNameOf(q.organization),
      asOf: q.asOf,
      knownAt: q.knownAt,
      items: rosterAt(tenures, q.asOf).map((t) => tenureDto(t, history)),
      tenures: tenures.map((t) => tenureDto(t, history)),
    };
  }
}
