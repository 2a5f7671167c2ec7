import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { renderHeadline, type HeadlineEvent } from '@newsroom/domain';
import { toConflictRow, type ConflictSide } from '@newsroom/projections';
import { READ_DB } from '../../database/read-database.module';
import { openPage } from '../shared/cursor.codec';
import { corroborationIn, loadCorroboration, type CorroborationMap } from '../shared/corroboration.repository';
import { EntityNamesRepository, SubjectNames } from '../shared/entity-names.repository';
import { sourceDto } from '../shared/fact.dto';
import { anyOf, SqlParams } from '../shared/sql.builder';

export interface ConflictsQuery {
  status: 'open' | 'resolved' | null;
  kind: string | null;
  subject: string | null;
  knownAt: string | null;
  lang: 'en' | 'fr';
  limit: number;
  cursor: string | null;
}

type Row = Parameters<typeof toConflictRow>[0] & {
  a_headline: string | null;
  b_headline: string | null;
  a_modality: string | null;
  b_modality: string | null;
};

/**
 * A side's headline, rendered from the same state of the fact as its `value` and `occurredAt` (the fact as it stood
 * at knownAt, as it stands now without it: see `evolveConflicts`), so the words never say another figure or date than the value. A side written before
 * the projection kept its data falls back to its event's feed headline (as first recorded) until a rebuild.
 */
function sideHeadline(s: ConflictSide, subject: string, modality: string | null, stored: string | null, lang: 'en' | 'fr', names: SubjectNames) {
  if (s.data === undefined) return stored;
  const fact = { type: s.type, subject, occurredAt: s.occurredAt, modality: modality ?? 'reported', data: s.data } as HeadlineEvent;
  return renderHeadline(fact, lang, { names: names.givenTo(subject), others: names.othersIn(s.data) });
}

const sideDto = (s: ConflictSide, headline: string | null, modality: string | null, corroboration: CorroborationMap) => ({
  eventId: s.eventId,
  type: s.type,
  occurredAt: s.occurredAt,
  headline,
  modality,
  value: s.value,
  sources: (s.sources ?? []).map(sourceDto),
  // The outlets behind each side, where an editor decides which stands (a side's sources are only its own).
  corroboration: corroborationIn(corroboration, s.eventId),
});

function conflictDto(r: Row, lang: 'en' | 'fr', names: SubjectNames, corroboration: CorroborationMap) {
  // The row's state and sides are the ones in force at knownAt (now without it): see STATE.
  const c = toConflictRow(r);
  const closed = c.status === 'resolved';
  return {
    conflictId: c.conflictId,
    kind: c.kind,
    subject: c.subject,
    subjectName: names.in(c.subject, lang),
    key: c.key,
    fields: c.fields,
    status: c.status,
    openedAt: c.openedAt,
    openedEventId: c.openedEventId,
    closedAt: closed ? c.closedAt : null,
    resolution:
      closed && c.closedBy && c.closedEventId
        ? { by: c.closedBy, eventId: c.closedEventId, standingEventId: c.standingEventId, reason: c.reason }
        : null,
    // Both facts of a conflict are in one stream: the conflict's subject is theirs.
    sides: [
      sideDto(c.a, sideHeadline(c.a, c.subject, r.a_modality, r.a_headline, lang, names), r.a_modality, corroboration),
      sideDto(c.b, sideHeadline(c.b, c.subject, r.b_modality, r.b_headline, lang, names), r.b_modality, corroboration),
    ],
  };
}

/**
 * A conflict's state columns: read_model.conflicts' (now) and read_model.conflict_states' (at knownAt) alike, its
 * sides among them: at a knownAt each side's value, date and data are the ones of the state then in force.
 */
const STATE = [
  'fields',
  'side_a',
  'side_b',
  'status',
  'opened_event_id',
  'opened_position',
  'opened_at',
  'closed_event_id',
  'closed_position',
  'closed_at',
  'closed_by',
  'standing_event_id',
  'resolution_reason',
];

export type ConflictDto = ReturnType<typeof conflictDto>;

/** Pairs of standing facts that contradict each other, open and resolved, in the order they opened. */
@Injectable()
export class ConflictsRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly names: EntityNamesRepository,
  ) {}

  async report(q: ConflictsQuery) {
    const p = new SqlParams();
    const paging = openPage('conflicts', q, ['position', 'text'], this.db);
    const after = paging.after;
    return paging.read(async (knownAt) => {
      q = { ...q, knownAt };
      // At knownAt each conflict is as it stood then (`s`, its latest state recorded by then; none: not opened yet),
      // in the order of the openings then in force; now, as the row has it. Read from the states in that order (an
      // index on opened_position), so a page stops at its limit rather than judging every conflict first.
      const st = q.knownAt ? 's' : 'c';
      const k = q.knownAt ? p.add(q.knownAt, '::timestamptz') : null;
      const from = k
        ? `read_model.conflict_states s JOIN read_model.conflicts c ON c.conflict_id = s.conflict_id`
        : 'read_model.conflicts c';
      const inForce = k
        ? `s.from_at <= ${k} AND NOT EXISTS (SELECT 1 FROM read_model.conflict_states y
             WHERE y.conflict_id = s.conflict_id AND y.from_position > s.from_position AND y.from_at <= ${k})`
        : 'true';
      const where = [
        inForce,
        q.status ? `${st}.status = ${p.add(q.status)}` : 'true',
        anyOf('c.kind', q.kind ? [q.kind] : null, p),
        q.subject ? `c.subject = ${p.add(q.subject)}` : 'true',
        after ? `(${st}.opened_position, c.conflict_id::text) > (${p.add(after[0], '::bigint')}, ${p.add(after[1])})` : 'true',
      ];
      const headline = q.lang === 'fr' ? 'headline_fr' : 'headline_en';
      const rows: Row[] = await this.db.query(
        `SELECT c.conflict_id, c.claim_key, c.kind, c.subject, ${STATE.map((col) => `${st}.${col}`).join(', ')},
           fa.${headline} AS a_headline, fb.${headline} AS b_headline, fa.modality AS a_modality, fb.modality AS b_modality
         FROM ${from}
         LEFT JOIN read_model.feed_items fa ON fa.event_id = c.a_event_id
         LEFT JOIN read_model.feed_items fb ON fb.event_id = c.b_event_id
         WHERE ${where.join(' AND ')}
         ORDER BY ${st}.opened_position, c.conflict_id::text LIMIT ${p.add(q.limit + 1)}`,
        p.values,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const conflicts = page.map(toConflictRow);
      const sides = conflicts.flatMap((c) => [c.a.eventId, c.b.eventId]);
      // A case is named by its filed title (a product by its announced name) as it stood at knownAt, as are the
      // products and cases the sides' data names.
      const [corroboration, names] = await Promise.all([
        loadCorroboration(this.db, [...new Set(sides)], q.knownAt),
        this.names.namesOfRows(
          page.flatMap((r, i) => [
            { subject: String(r.subject), data: conflicts[i].a.data },
            { subject: String(r.subject), data: conflicts[i].b.data },
          ]),
          q.knownAt,
        ),
      ]);
      return {
        status: q.status,
        kind: q.kind,
        subject: q.subject,
        knownAt: q.knownAt,
        lang: q.lang,
        items: page.map((r) => conflictDto(r, q.lang, names, corroboration)),
        next: rows.length > q.limit ? await paging.next([String(last.opened_position), last.conflict_id]) : null,
      };
    });
  }
}
