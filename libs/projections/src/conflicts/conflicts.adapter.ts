import {
  CONFLICT_ID_NAMESPACE,
  canClaim,
  claimsOf,
  isRecordableEventType,
  mergePatch,
  reappointmentKeyOf,
  rumouredReappointmentKeyOf,
  validTimeOf,
  type ClaimKind,
  type Source,
} from '@newsroom/domain';
import { uuidv5 } from '@newsroom/platform';
import { EntityManager } from 'typeorm';
import type { Projection } from '../projection.types';
import type { ProjectedEvent } from '../projected-event.mapper';
import type { AppointmentVersion, AppointmentWord, ConflictFactRow, ConflictRow, ConflictSet, ConflictSide } from './conflict-row.types';
import { stateColumns, writeConflictStates } from './conflict-states.writer';
import {
  addAppointment,
  addFact,
  addWord,
  emptyConflictSet,
  evolveConflicts,
  isConflictEvent,
  takesConflictEvent,
} from './conflicts.projection';
import { write } from '../write-pipeline.util';

/** A conflict's id: UUIDv5 of its name, the same one ingest computes to check a resolution. */
export const conflictIdOf = (name: string): string => uuidv5(name, CONFLICT_ID_NAMESPACE);

interface FactDbRow {
  fact_id: string;
  subject: string;
  type: string;
  occurred_at: string | null;
  data: unknown;
  /** Absent only on a database that did not migrate to 1764902300000 (then: as recorded, reported). */
  modality?: string | null;
  sources: Source[] | null;
  position: string | number;
  recorded_at: Date | string;
  retracted?: boolean;
}

interface ConflictDbRow {
  conflict_id: string;
  claim_key: string;
  kind: ClaimKind;
  subject: string;
  fields: string[];
  side_a: ConflictSide;
  side_b: ConflictSide;
  status: 'open' | 'resolved';
  opened_event_id: string;
  opened_position: string | number;
  opened_at: Date | string;
  closed_event_id: string | null;
  closed_position: string | number | null;
  closed_at: Date | string | null;
  closed_by: ConflictRow['closedBy'];
  standing_event_id: string | null;
  resolution_reason: string | null;
}

/** A version of an appointment, as read_model.leadership_events keeps it. */
interface AppointmentDbRow {
  fact_id: string;
  event_type: string;
  subject: string;
  occurred_at: string | null;
  data: unknown;
  modality: string;
  position_from: string | number;
  position_to: string | number | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * The versions of the appointments the leadership read model keeps that `where` ($1) picks: reported or confirmed,
 * and rumoured ones too (`modalities`), which count only where the stories attached to them confirm them.
 */
const appointmentRows = (
  manager: EntityManager,
  where: 'fact_id = ANY($1::uuid[])' | 'subject = ANY($1::text[])',
  values: string[],
  modalities: readonly string[] = ['reported', 'confirmed', 'rumored'],
) =>
  manager.query<AppointmentDbRow[]>(
    `SELECT fact_id, event_type, subject, occurred_at, data, modality, position_from, position_to FROM read_model.leadership_events
     WHERE ${where} AND kind = 'appointed' AND modality = ANY($2::text[])`,
    [values, modalities],
  );

/**
 * A version of an appointment as the fold keeps it, or null when it re-opens no role (`reappointmentKeyOf`), nor
 * would once confirmed (`rumouredReappointmentKeyOf`).
 */
function toAppointment(r: AppointmentDbRow): AppointmentVersion | null {
  const fact = { type: r.event_type, subject: r.subject, occurredAt: r.occurred_at, data: r.data, modality: r.modality };
  const key = reappointmentKeyOf(fact);
  const rumoured = key ? null : rumouredReappointmentKeyOf(fact);
  if (!key && !rumoured) return null;
  return {
    factId: r.fact_id,
    key: (key ?? rumoured)!,
    validTime: validTimeOf(r.occurred_at),
    fact,
    positionFrom: String(r.position_from),
    positionTo: r.position_to === null ? null : String(r.position_to),
    ...(rumoured ? { rumored: true as const } : {}),
  };
}

interface WordDbRow {
  event_id: string;
  fact_id: string;
  outlet: string;
  stance: AppointmentWord['stance'];
  position: string | number;
}

const toFact = (r: FactDbRow): ConflictFactRow => ({
  factId: r.fact_id,
  subject: r.subject,
  type: r.type,
  occurredAt: r.occurred_at,
  data: r.data,
  modality: r.modality ?? 'reported',
  sources: r.sources ?? [],
  position: String(r.position),
  recordedAt: iso(r.recorded_at),
});

export const toConflictRow = (r: ConflictDbRow): ConflictRow => ({
  conflictId: r.conflict_id,
  key: r.claim_key,
  kind: r.kind,
  subject: r.subject,
  fields: r.fields,
  a: r.side_a,
  b: r.side_b,
  status: r.status,
  openedEventId: r.opened_event_id,
  openedPosition: String(r.opened_position),
  openedAt: iso(r.opened_at),
  closedEventId: r.closed_event_id,
  closedPosition: r.closed_position === null ? null : String(r.closed_position),
  closedAt: r.closed_at === null ? null : iso(r.closed_at),
  closedBy: r.closed_by,
  standingEventId: r.standing_event_id,
  reason: r.resolution_reason,
});

/**
 * read_model.conflicts (with conflict_states, every open and closed state each went through, and conflict_facts and
 * conflict_claims, the standing facts that can claim and their claim keys). A batch loads the facts sharing a claim key with its events and their conflicts, folds the events in order
 * over them (evolveConflicts, pure), and writes what changed. The two facts of a conflict are in one stream (the
 * organization, person or case), so they reach the projector in order on one partition.
 */
export class ConflictsProjection implements Projection {
  readonly name = 'conflicts';
  readonly tables = ['conflicts', 'conflict_states', 'conflict_facts', 'conflict_claims', 'conflict_words'] as const;
  private readonly conflicts: string;
  private readonly states: string;
  private readonly facts: string;
  private readonly claims: string;
  private readonly words: string;

  constructor(tableSuffix = '') {
    this.conflicts = `read_model.conflicts${tableSuffix}`;
    this.states = `read_model.conflict_states${tableSuffix}`;
    this.facts = `read_model.conflict_facts${tableSuffix}`;
    this.claims = `read_model.conflict_claims${tableSuffix}`;
    this.words = `read_model.conflict_words${tableSuffix}`;
  }

  handles(event: ProjectedEvent): boolean {
    return takesConflictEvent(event);
  }

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    await this.applyMany(manager, [event]);
  }

  async applyMany(manager: EntityManager, all: ProjectedEvent[]): Promise<void> {
    const events = all.filter(takesConflictEvent);
    // Appointments alone change nothing here unless they can re-open a role (reported or confirmed, with a role): then
    // the open departure conflicts of that role are read, the only thing such a batch loads.
    // An attached story is looked up among the rumoured appointments (by the leadership read model's primary key).
    if (!events.some((e) => isConflictEvent(e) || reappointmentKeyOf(e) !== null || e.type === 'event.sourced')) return;
    const set = await this.load(manager, events);
    for (const event of events) evolveConflicts(set, event, conflictIdOf);
    await this.save(manager, set);
  }

  /** The facts and conflicts the batch can touch: its amendments' targets, and whatever shares a claim key with it. */
  private async load(manager: EntityManager, events: ProjectedEvent[]): Promise<ConflictSet> {
    const set = emptyConflictSet();
    // The amendments' targets, and the batch's own facts: one already on record (standing, or retracted and kept as a
    // tombstone) is a replay, which evolveConflicts recognises by finding it in the set.
    const targets = events.flatMap((e) =>
      e.type === 'event.corrected' || e.type === 'event.retracted'
        ? [e.data.targetEventId]
        : isRecordableEventType(e.type) && canClaim(e.type)
          ? [e.id]
          : [],
    );
    const known = new Map<string, ConflictFactRow>();
    if (targets.length) {
      const rows: FactDbRow[] = await manager.query(`SELECT * FROM ${this.facts} WHERE fact_id = ANY($1::uuid[])`, [[...new Set(targets)]]);
      for (const r of rows) {
        if (r.retracted) set.facts.set(r.fact_id, null);
        else known.set(r.fact_id, toFact(r));
      }
    }
    // Every key the batch's facts claim, before and after each correction in it.
    const keys = new Set<string>();
    const draft = new Map(known);
    // The facts of each departure key, every version of the batch's counted (see loadAppointments).
    const holders = new Map<string, Set<string>>();
    const hold = (id: string, fact: Pick<ConflictFactRow, 'type' | 'subject' | 'occurredAt' | 'data' | 'modality'>) => {
      for (const c of claimsOf(fact)) if (c.kind === 'departure') holders.set(c.key, (holders.get(c.key) ?? new Set()).add(id));
    };
    for (const e of events) {
      let fact: Pick<ConflictFactRow, 'type' | 'subject' | 'occurredAt' | 'data' | 'modality'> | undefined;
      if (e.type === 'event.corrected') {
        const t = draft.get(e.data.targetEventId);
        if (!t) continue;
        for (const c of claimsOf(t)) keys.add(c.key);
        hold(e.data.targetEventId, t);
        const ch = e.data.changes ?? {};
        const next = { ...t, occurredAt: ch.occurredAt ?? t.occurredAt, data: ch.data ? mergePatch(t.data, ch.data) : t.data };
        draft.set(t.factId, next);
        fact = next;
      } else if (e.type === 'event.retracted') {
        fact = draft.get(e.data.targetEventId);
      } else if (isRecordableEventType(e.type) && canClaim(e.type)) {
        fact = { type: e.type, subject: e.subject, occurredAt: e.occurredAt, data: e.data, modality: e.modality };
        draft.set(e.id, { ...fact, factId: e.id, sources: [], position: e.globalPosition, recordedAt: e.recordedAt });
      }
      for (const c of fact ? claimsOf(fact) : []) keys.add(c.key);
      if (fact && e.type !== 'event.retracted') hold(e.type === 'event.corrected' ? e.data.targetEventId : e.id, fact);
    }
    const keyList = [...keys];
    if (keyList.length) {
      const rows: FactDbRow[] = await manager.query(
        `SELECT f.* FROM ${this.facts} f WHERE NOT f.retracted AND f.fact_id IN (SELECT c.fact_id FROM ${this.claims} c WHERE c.claim_key = ANY($1::text[]))`,
        [keyList],
      );
      for (const r of rows) if (!known.has(r.fact_id)) known.set(r.fact_id, toFact(r));
    }
    for (const fact of known.values()) {
      addFact(set, fact);
      hold(fact.factId, fact);
    }
    const reappointed = await this.loadReappointed(manager, set, events, targets, known);
    await this.loadAppointments(manager, set, holders, new Set([...reappointed.values()].map((r) => r.key)));
    const resolutions = events.flatMap((e) => (e.type === 'conflict.resolved' ? [e.data.conflictId] : []));
    // A corrected fact's closed conflicts of a key it no longer claims: their sides follow the fact too.
    const corrected = [
      ...new Set(events.flatMap((e) => (e.type === 'event.corrected' && known.has(e.data.targetEventId) ? [e.data.targetEventId] : []))),
    ];
    if (keyList.length || resolutions.length) {
      const bySide = corrected.length ? ' OR a_event_id = ANY($3::uuid[]) OR b_event_id = ANY($3::uuid[])' : '';
      const rows: ConflictDbRow[] = await manager.query(
        `SELECT * FROM ${this.conflicts} WHERE claim_key = ANY($1::text[]) OR conflict_id = ANY($2::uuid[])${bySide}`,
        corrected.length ? [keyList, resolutions, corrected] : [keyList, resolutions],
      );
      for (const r of rows) set.conflicts.set(r.conflict_id, toConflictRow(r));
    }
    // Loaded after the batch's keys' conflicts, so a conflict of both is the same row.
    for (const [id, row] of reappointed) if (!set.conflicts.has(id)) set.conflicts.set(id, row);
    return set;
  }

  /**
   * The departure conflicts the batch's appointments can close or reopen: those of the keys its appointments (and
   * every version of the appointments it corrects or retracts) speak to, open or closed by an appointment, in one
   * query by key (conflicts_i6), with their two facts and the keys' appointments (`loadAppointments`). A batch without
   * an appointment, or an amendment of one, reads nothing here; one whose keys have no such conflict reads the
   * conflicts only. The batch's amendments of facts this read model does not keep are looked up among the
   * leadership read model's appointments (by its primary key), whose versions join the set.
   */
  private async loadReappointed(
    manager: EntityManager,
    set: ConflictSet,
    events: ProjectedEvent[],
    targets: string[],
    known: Map<string, ConflictFactRow>,
  ): Promise<Map<string, ConflictRow>> {
    const keys = new Set<string>();
    const appointed = new Set<string>();
    // The batch's rumoured appointments, by id, with the key they speak to once confirmed.
    const rumours = new Map<string, string>();
    for (const e of events) {
      const key = reappointmentKeyOf(e);
      if (key) keys.add(key);
      const rumoured = rumouredReappointmentKeyOf(e);
      if (rumoured) rumours.set(e.id, rumoured);
      if (e.type === 'executive.appointed') appointed.add(e.id);
    }
    // The facts the batch's stories are attached to: a rumoured appointment of the batch, or perhaps one on record.
    const attachedTo = new Set(events.flatMap((e) => (e.type === 'event.sourced' && e.data?.targetEventId ? [e.data.targetEventId] : [])));
    for (const id of attachedTo) if (rumours.has(id)) keys.add(rumours.get(id)!);
    // Amended facts neither kept here nor appointments of the batch: perhaps appointments on record.
    const others = [...new Set(targets)].filter((id) => !known.has(id) && !set.facts.has(id) && !appointed.has(id));
    const attachedOthers = [...attachedTo].filter((id) => !appointed.has(id) && !set.facts.has(id) && !others.includes(id));
    if (others.length || attachedOthers.length) {
      // A story attached to a reported appointment changes nothing here: those are looked up among the rumours only.
      const amended = new Set(others);
      const rows = (
        others.length
          ? await appointmentRows(manager, 'fact_id = ANY($1::uuid[])', [...others, ...attachedOthers])
          : await appointmentRows(manager, 'fact_id = ANY($1::uuid[])', attachedOthers, ['rumored'])
      ).filter((r) => amended.has(r.fact_id) || r.modality === 'rumored');
      // A rumoured one counts with words only: those on record, or a story the batch attaches to it.
      const words = await this.loadWords(
        manager,
        set,
        rows.filter((r) => r.modality === 'rumored').map((r) => r.fact_id),
      );
      for (const r of rows) {
        const version = toAppointment(r);
        if (!version || (version.rumored && !words.has(r.fact_id) && !attachedTo.has(r.fact_id))) continue;
        addAppointment(set, version);
        keys.add(version.key);
      }
    }
    // An amendment of the batch's own or a loaded appointment may move it to another key.
    const drafts = new Map<string, { type: string; subject: string; occurredAt: string | null; data: unknown; modality: string }>();
    const rumoured = new Set(set.appointments.filter((v) => v.rumored).map((v) => v.factId));
    for (const v of set.appointments) drafts.set(v.factId, v.fact);
    for (const e of events) {
      if (e.type === 'executive.appointed')
        drafts.set(e.id, { type: e.type, subject: e.subject, occurredAt: e.occurredAt, data: e.data, modality: e.modality });
      if (e.type !== 'event.corrected') continue;
      const before = drafts.get(e.data.targetEventId);
      if (!before) continue;
      const ch = e.data.changes ?? {};
      const next = {
        ...before,
        occurredAt: ch.occurredAt ?? before.occurredAt,
        data: ch.data ? mergePatch(before.data, ch.data) : before.data,
      };
      drafts.set(e.data.targetEventId, next);
      // A batch's own rumour counts only once a story attached in the batch confirms it: its key is then already in.
      const key = rumoured.has(e.data.targetEventId) ? rumouredReappointmentKeyOf(next) : reappointmentKeyOf(next);
      if (key && (!rumours.has(e.data.targetEventId) || attachedTo.has(e.data.targetEventId))) keys.add(key);
    }
    const found = new Map<string, ConflictRow>();
    if (!keys.size) return found;
    const rows: ConflictDbRow[] = await manager.query(
      `SELECT * FROM ${this.conflicts} WHERE claim_key = ANY($1::text[]) AND kind = 'departure' AND (status = 'open' OR closed_by = 'appointment')`,
      [[...keys]],
    );
    for (const r of rows) found.set(r.conflict_id, toConflictRow(r));
    const sides = [...new Set(rows.flatMap((r) => [r.side_a.eventId, r.side_b.eventId]))].filter((id) => !set.facts.has(id));
    if (sides.length) {
      const facts: FactDbRow[] = await manager.query(`SELECT * FROM ${this.facts} WHERE fact_id = ANY($1::uuid[])`, [sides]);
      for (const f of facts) {
        if (f.retracted) set.facts.set(f.fact_id, null);
        else addFact(set, toFact(f));
      }
    }
    return found;
  }

  /**
   * The appointments of the departure keys where two facts may disagree: a key two facts claim (those on record and
   * the batch's, `draft`). Every version of them the leadership read model keeps, from which the fold takes those
   * standing at each departure's position: in the live projector the read model is where the batch begins (each read
   * model's writes go with the batch's commit), so the batch's own appointments come from its events; a rebuild reads
   * the live read model, ahead of its fold, so the positions keep it to what was recorded by then. Read only for
   * keys two facts claim (`holders`: those on record and every version of the batch's): a log of appointments, or of
   * departures each alone on its key, reads nothing more. The person's appointments are found by the subject index.
   * `also`: the keys of the departure conflicts the batch's appointments can close or reopen (`loadReappointed`).
   */
  private async loadAppointments(
    manager: EntityManager,
    set: ConflictSet,
    holders: ReadonlyMap<string, ReadonlySet<string>>,
    also: ReadonlySet<string>,
  ): Promise<void> {
    const keys = new Set([...holders].filter(([, ids]) => ids.size > 1).map(([key]) => key));
    for (const key of also) keys.add(key);
    if (!keys.size) return;
    const subjects = [...new Set([...keys].map((key) => key.split('|')[1]))];
    const rows = await appointmentRows(manager, 'subject = ANY($1::text[])', subjects);
    const versions = rows.map(toAppointment).filter((v): v is AppointmentVersion => !!v && keys.has(v.key));
    // A rumoured one counts where the stories attached to it confirm it: their words, read only when there is one.
    const rumoured = [...new Set(versions.filter((v) => v.rumored && !set.words.has(v.factId)).map((v) => v.factId))];
    await this.loadWords(manager, set, rumoured);
    for (const v of versions) addAppointment(set, v);
  }

  /** The words on record on the given rumoured appointments, into the set; the ids of those that have some. */
  private async loadWords(manager: EntityManager, set: ConflictSet, factIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (!factIds.length) return found;
    const rows: WordDbRow[] = await manager.query(
      `SELECT event_id, fact_id, outlet, stance, position FROM ${this.words} WHERE fact_id = ANY($1::uuid[])`,
      [[...new Set(factIds)]],
    );
    for (const r of rows) {
      addWord(set, { eventId: r.event_id, factId: r.fact_id, outlet: r.outlet, stance: r.stance, position: String(r.position) });
      found.add(r.fact_id);
    }
    return found;
  }

  private async save(manager: EntityManager, set: ConflictSet): Promise<void> {
    if (set.newWords.length) {
      await write(
        manager,
        `INSERT INTO ${this.words} (event_id, fact_id, outlet, stance, position)
         SELECT event_id, fact_id, outlet, stance, position FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, fact_id uuid, outlet text, stance text, position bigint)
         ON CONFLICT (fact_id, event_id) DO NOTHING`,
        [
          JSON.stringify(
            set.newWords.map((w) => ({ event_id: w.eventId, fact_id: w.factId, outlet: w.outlet, stance: w.stance, position: w.position })),
          ),
        ],
      );
    }
    const dirty = [...set.dirtyFacts];
    if (dirty.length) {
      await write(manager, `DELETE FROM ${this.claims} WHERE fact_id = ANY($1::uuid[])`, [dirty]);
      // A retracted fact stays as a tombstone, as it stood (recorded and retracted in one batch: inserted as one).
      const gone = dirty.flatMap((id) => (set.facts.get(id) === null && set.retracted.has(id) ? [set.retracted.get(id)!] : []));
      const kept = dirty.map((id) => set.facts.get(id)).filter((f): f is ConflictFactRow => !!f);
      const written = [...kept.map((f) => ({ f, retracted: false })), ...gone.map((f) => ({ f, retracted: true }))];
      if (written.length) {
        await write(
          manager,
          `INSERT INTO ${this.facts} (fact_id, subject, type, occurred_at, data, modality, sources, position, recorded_at, retracted)
           SELECT fact_id, subject, type, occurred_at, data, modality, sources, position, recorded_at, retracted
           FROM jsonb_to_recordset($1::jsonb) AS x(fact_id uuid, subject text, type text, occurred_at text, data jsonb, modality text, sources jsonb, position bigint, recorded_at timestamptz, retracted boolean)
           ON CONFLICT (fact_id) DO UPDATE SET occurred_at = EXCLUDED.occurred_at, data = EXCLUDED.data, position = EXCLUDED.position, retracted = EXCLUDED.retracted`,
          [
            JSON.stringify(
              written.map(({ f, retracted }) => ({
                fact_id: f.factId,
                subject: f.subject,
                type: f.type,
                occurred_at: f.occurredAt,
                data: f.data,
                modality: f.modality,
                sources: f.sources,
                position: f.position,
                recorded_at: f.recordedAt,
                retracted,
              })),
            ),
          ],
        );
        const claimRows = kept.flatMap((f) =>
          [...new Set(claimsOf(f).map((c) => c.key))].map((key) => ({ claim_key: key, fact_id: f.factId })),
        );
        if (claimRows.length) {
          await write(
            manager,
            `INSERT INTO ${this.claims} (claim_key, fact_id) SELECT claim_key, fact_id FROM jsonb_to_recordset($1::jsonb) AS x(claim_key text, fact_id uuid)
             ON CONFLICT DO NOTHING`,
            [JSON.stringify(claimRows)],
          );
        }
      }
    }
    const rows = [...set.dirtyConflicts].map((id) => set.conflicts.get(id)!);
    if (!rows.length) return;
    await writeConflictStates(manager, this.states, [...set.states.values()]);
    await write(
      manager,
      `INSERT INTO ${this.conflicts} (conflict_id, claim_key, kind, subject, fields, side_a, side_b, a_event_id, b_event_id, status,
         opened_event_id, opened_position, opened_at, closed_event_id, closed_position, closed_at, closed_by, standing_event_id, resolution_reason)
       SELECT conflict_id, claim_key, kind, subject, fields, side_a, side_b, (side_a->>'eventId')::uuid, (side_b->>'eventId')::uuid, status,
         opened_event_id, opened_position, opened_at, closed_event_id, closed_position, closed_at, closed_by, standing_event_id, resolution_reason
       FROM jsonb_to_recordset($1::jsonb) AS x(conflict_id uuid, claim_key text, kind text, subject text, fields text[], side_a jsonb, side_b jsonb,
         status text, opened_event_id uuid, opened_position bigint, opened_at timestamptz, closed_event_id uuid, closed_position bigint,
         closed_at timestamptz, closed_by text, standing_event_id uuid, resolution_reason text)
       ON CONFLICT (conflict_id) DO UPDATE SET fields = EXCLUDED.fields, side_a = EXCLUDED.side_a, side_b = EXCLUDED.side_b,
         a_event_id = EXCLUDED.a_event_id, b_event_id = EXCLUDED.b_event_id, status = EXCLUDED.status,
         opened_event_id = EXCLUDED.opened_event_id, opened_position = EXCLUDED.opened_position, opened_at = EXCLUDED.opened_at,
         closed_event_id = EXCLUDED.closed_event_id, closed_position = EXCLUDED.closed_position, closed_at = EXCLUDED.closed_at,
         closed_by = EXCLUDED.closed_by, standing_event_id = EXCLUDED.standing_event_id, resolution_reason = EXCLUDED.resolution_reason`,
      [
        JSON.stringify(
          rows.map((c) => ({
            conflict_id: c.conflictId,
            claim_key: c.key,
            kind: c.kind,
            subject: c.subject,
            fields: c.fields,
            side_a: c.a,
            side_b: c.b,
            ...stateColumns(c),
          })),
        ),
      ],
    );
  }
}
