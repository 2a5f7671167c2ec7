import {
  canClaim,
  claimsOf,
  conflictName,
  disagreement,
  isRecordableEventType,
  mergePatch,
  outletKey,
  reappointedApart,
  reappointmentKeyOf,
  rumourConfirmed,
  rumouredReappointmentKeyOf,
  validTimeOf,
  type AttachedWord,
  type Claim,
  type ValidTime,
} from '@newsroom/domain';
import type { ProjectedEvent } from '../projected-event.mapper';
import type {
  AppointmentVersion,
  AppointmentWord,
  ConflictFactRow,
  ConflictRow,
  ConflictSet,
  ConflictSide,
  ConflictState,
} from './conflict-row.types';

/** Does this event concern the conflicts read model? Facts that can claim, amendments, resolutions. */
export function isConflictEvent(event: { type: string }): boolean {
  return (
    (isRecordableEventType(event.type) && canClaim(event.type)) ||
    event.type === 'event.corrected' ||
    event.type === 'event.retracted' ||
    event.type === 'conflict.resolved'
  );
}

/**
 * Does the projection take this event? Its own (`isConflictEvent`) and appointments: a batch's appointments are not
 * yet in the leadership read model when its departures are folded (the runner sends each read model's writes with
 * the batch's commit), so they come with the batch. A batch of appointments alone is not loaded nor written. And the
 * stories attached to a fact: one attached to a rumoured appointment may confirm it (or deny it again), which then
 * re-opens its role between two departures as a reported one does.
 */
export function takesConflictEvent(event: { type: string }): boolean {
  return isConflictEvent(event) || event.type === 'executive.appointed' || event.type === 'event.sourced';
}

export function emptyConflictSet(): ConflictSet {
  return {
    facts: new Map(),
    retracted: new Map(),
    byKey: new Map(),
    conflicts: new Map(),
    dirtyFacts: new Set(),
    dirtyConflicts: new Set(),
    states: new Map(),
    appointments: [],
    words: new Map(),
    newWords: [],
  };
}

/** Adds an appointment's version to the set, once (the read model's row and the batch's event may both bring it). */
export function addAppointment(set: ConflictSet, version: AppointmentVersion): void {
  if (set.appointments.some((v) => v.factId === version.factId && v.positionFrom === version.positionFrom)) return;
  set.appointments.push(version);
}

const standsAt = (v: AppointmentVersion, position: bigint) =>
  BigInt(v.positionFrom) <= position && (v.positionTo === null || BigInt(v.positionTo) > position);

/** Adds an outlet's word on a rumoured appointment, once (the read model's row and the batch's event may both bring it). */
export function addWord(set: ConflictSet, word: AppointmentWord): boolean {
  const words = set.words.get(word.factId) ?? [];
  if (words.some((w) => w.eventId === word.eventId)) return false;
  set.words.set(
    word.factId,
    [...words, word].sort((x, y) => (BigInt(x.position) < BigInt(y.position) ? -1 : 1)),
  );
  return true;
}

/** Whether the stories attached to the rumoured appointment confirm it as recorded up to `at` (`rumourConfirmed`). */
function confirmedAt(set: ConflictSet, factId: string, at: bigint): boolean {
  const latest = new Map<string, AttachedWord[1]>();
  for (const w of set.words.get(factId) ?? []) if (BigInt(w.position) <= at) latest.set(w.outlet, w.stance);
  return rumourConfirmed([...latest]);
}

/**
 * The dates of the appointments of `key` standing at `position` (as recorded up to that event): reported or
 * confirmed, or rumoured and confirmed by the stories attached to it by then.
 */
function appointmentsAt(set: ConflictSet, key: string, position: string): ValidTime[] {
  const at = BigInt(position);
  return set.appointments
    .filter((v) => v.key === key && standsAt(v, at) && (!v.rumored || confirmedAt(set, v.factId, at)))
    .map((v) => v.validTime);
}

/**
 * What two claims of one key disagree on, as of the event at `position`: `disagreement`, and nothing for two
 * departures a re-appointment standing then lies between (`reappointedApart`: two departures, both can be true).
 */
function disagreementAt(set: ConflictSet, theirs: Claim, mine: Claim, position: string): string[] {
  const fields = disagreement(theirs, mine);
  if (!fields.length || mine.kind !== 'departure') return fields;
  return reappointedApart(theirs, mine, appointmentsAt(set, mine.key, position)) ? [] : fields;
}

/**
 * An appointment, or a correction or retraction of one in the set, as of `event`: the version standing before it
 * ends there, and a correction begins the next (its key follows a corrected organization or role). True when the
 * event was one of those; the departure conflicts of the keys it touched are then decided again (`reappointed`).
 */
function evolveAppointments(set: ConflictSet, event: ProjectedEvent): boolean {
  if (event.type === 'event.sourced') {
    attachedWord(set, event);
    return true;
  }
  const keys = changedAppointmentKeys(set, event);
  if (!keys) return false;
  for (const key of keys) reappointed(set, key, event);
  return true;
}

/**
 * The departure conflicts of `key` as the appointments standing after `event` (one of them recorded, corrected or
 * retracted) leave them: an open one that an appointment now lies between closes (`closedBy: appointment`), and one
 * an appointment closed opens again, from this event, when none lies between any more and its sides, both standing,
 * still disagree. An editor's resolution stands; one closed by a correction or a retraction has its own reason.
 */
function reappointed(set: ConflictSet, key: string, event: ProjectedEvent): void {
  const at = BigInt(event.globalPosition);
  for (const row of set.conflicts.values()) {
    if (row.key !== key || row.kind !== 'departure') continue;
    if (row.status !== 'open' && row.closedBy !== 'appointment') continue;
    // A replay: the appointment and the two departures are in the person's stream, so in order on one partition, and
    // one the conflict opened or closed after was seen before.
    if (at <= BigInt(row.openedPosition) || (row.closedPosition !== null && at <= BigInt(row.closedPosition))) continue;
    const a = set.facts.get(row.a.eventId);
    const b = set.facts.get(row.b.eventId);
    const theirs = a ? claimOf(a, key) : null;
    const mine = b ? claimOf(b, key) : null;
    if (!theirs || !mine) continue;
    const fields = disagreementAt(set, theirs, mine, event.globalPosition);
    if (row.status === 'open' && !fields.length) closeBy(set, row, event, { closedBy: 'appointment', standingEventId: null, reason: null });
    else if (row.status === 'resolved' && fields.length)
      touch(set, { ...row, fields, status: 'open', ...opened(event), ...notClosed }, event);
  }
}

/**
 * A story attached to a fact: when the fact is a rumoured appointment of the set standing then, the outlet's word on
 * it is kept, and the departure conflicts of its role are decided again (`reappointed`): confirmed, it may close one;
 * denied again, reopen it. Attached to anything else, nothing.
 */
function attachedWord(set: ConflictSet, event: ProjectedEvent<'event.sourced'>): void {
  const at = BigInt(event.globalPosition);
  const target = set.appointments.find((v) => v.rumored && v.factId === event.data?.targetEventId && standsAt(v, at));
  if (!target || !event.data.source) return;
  const word: AppointmentWord = {
    eventId: event.id,
    factId: target.factId,
    outlet: outletKey(event.data.source),
    stance: event.data.stance,
    position: event.globalPosition,
  };
  if (addWord(set, word)) set.newWords.push(word);
  reappointed(set, target.key, event);
}

/** The keys whose appointments `event` changed (null: it is no appointment, nor an amendment of one in the set). */
function changedAppointmentKeys(set: ConflictSet, event: ProjectedEvent): string[] | null {
  if (event.type === 'executive.appointed') {
    const fact = { type: event.type, subject: event.subject, occurredAt: event.occurredAt, data: event.data, modality: event.modality };
    const key = reappointmentKeyOf(fact);
    // A rumour is kept for the stories attached to it later in the batch; alone it changes nothing.
    const rumoured = key ? null : rumouredReappointmentKeyOf(fact);
    if (key ?? rumoured)
      addAppointment(set, {
        factId: event.id,
        key: (key ?? rumoured)!,
        validTime: validTimeOf(event.occurredAt),
        fact,
        positionFrom: event.globalPosition,
        positionTo: null,
        ...(rumoured ? { rumored: true as const } : {}),
      });
    return key ? [key] : [];
  }
  if (event.type !== 'event.corrected' && event.type !== 'event.retracted') return null;
  const at = BigInt(event.globalPosition);
  const before = set.appointments.find(
    (v) => v.factId === event.data.targetEventId && BigInt(v.positionFrom) < at && (v.positionTo === null || BigInt(v.positionTo) >= at),
  );
  if (!before) return null;
  before.positionTo = event.globalPosition;
  const keys = [before.key];
  if (event.type === 'event.corrected') {
    const changes = event.data.changes ?? {};
    const fact = {
      ...before.fact,
      occurredAt: changes.occurredAt ?? before.fact.occurredAt,
      data: changes.data ? mergePatch(before.fact.data, changes.data) : before.fact.data,
    };
    const key = before.rumored ? rumouredReappointmentKeyOf(fact) : reappointmentKeyOf(fact);
    if (key) {
      addAppointment(set, {
        factId: before.factId,
        key,
        validTime: validTimeOf(fact.occurredAt),
        fact,
        positionFrom: event.globalPosition,
        positionTo: null,
        ...(before.rumored ? { rumored: true as const } : {}),
      });
      if (key !== before.key) keys.push(key);
    }
  }
  return keys;
}

const claims = (f: ConflictFactRow): Claim[] => claimsOf(f);

/** Adds a fact to the set (as loaded or as recorded), indexed by its claim keys. */
export function addFact(set: ConflictSet, fact: ConflictFactRow): void {
  set.facts.set(fact.factId, fact);
  for (const c of claims(fact)) {
    const ids = set.byKey.get(c.key) ?? new Set<string>();
    ids.add(fact.factId);
    set.byKey.set(c.key, ids);
  }
}

function removeFact(set: ConflictSet, fact: ConflictFactRow): void {
  for (const c of claims(fact)) set.byKey.get(c.key)?.delete(fact.factId);
}

function side(fact: ConflictFactRow, value: Claim['value']): ConflictSide {
  return { eventId: fact.factId, type: fact.type, occurredAt: fact.occurredAt, value, sources: fact.sources, data: fact.data };
}

const claimOf = (fact: ConflictFactRow, key: string) => claims(fact).find((c) => c.key === key) ?? null;

/**
 * What a fact claims now in place of a conflict's claim: the claim of the same key, else (a correction made it speak
 * of something else: another period or role) its claim of the same kind, and for a figure of the same metric and
 * basis; null when it makes none.
 */
function claimInPlaceOf(fact: ConflictFactRow, row: ConflictRow): Claim | null {
  const was = row.a.eventId === fact.factId ? row.a.value : row.b.value;
  return (
    claimOf(fact, row.key) ??
    claims(fact).find((c) => c.kind === row.kind && c.value.metric === was.metric && c.value.basis === was.basis) ??
    null
  );
}

/** The conflict with the fact's side taken from the fact as it stands (unchanged when it claims nothing in its place). */
function withCurrentSide(row: ConflictRow, fact: ConflictFactRow): ConflictRow {
  const claim = claimInPlaceOf(fact, row);
  if (!claim) return row;
  return row.a.eventId === fact.factId ? { ...row, a: side(fact, claim.value) } : { ...row, b: side(fact, claim.value) };
}

/**
 * The state a conflict row is in from `event` on: open or resolved, with its sides as they are now. Every event that
 * changes a conflict begins a state: its opening and closing, and a correction that moves a side's value, date or
 * data (the sides at a `knownAt` are the ones then; the feed's `conflictUpdates` lists the openings and closings only).
 */
function stateOf(row: ConflictRow, event: ProjectedEvent): ConflictState {
  return {
    conflictId: row.conflictId,
    fromPosition: event.globalPosition,
    fromAt: event.recordedAt,
    status: row.status,
    fields: row.fields,
    a: row.a,
    b: row.b,
    openedEventId: row.openedEventId,
    openedPosition: row.openedPosition,
    openedAt: row.openedAt,
    closedEventId: row.closedEventId,
    closedPosition: row.closedPosition,
    closedAt: row.closedAt,
    closedBy: row.closedBy,
    standingEventId: row.standingEventId,
    reason: row.reason,
  };
}

// Every change of a conflict keeps its state, by the event that began it: a reopening, a second resolution and a
// side's new value are states of their own, and the earlier ones stay (the report at an earlier knownAt, a resumed
// feed read them).
function touch(set: ConflictSet, row: ConflictRow, event: ProjectedEvent): void {
  set.conflicts.set(row.conflictId, row);
  set.dirtyConflicts.add(row.conflictId);
  const state = stateOf(row, event);
  set.states.set(`${state.conflictId} ${state.fromPosition}`, state);
}

const opened = (event: ProjectedEvent) => ({ openedEventId: event.id, openedPosition: event.globalPosition, openedAt: event.recordedAt });
const notClosed = { closedEventId: null, closedPosition: null, closedAt: null, closedBy: null, standingEventId: null, reason: null };

// The fact recorded first is side a: by when it was recorded (a corrected fact's position is its correction's), then
// by position (facts of one append share their recording time).
const ordered = (x: ConflictFactRow, y: ConflictFactRow) => {
  const t = Date.parse(x.recordedAt) - Date.parse(y.recordedAt);
  return t < 0 || (t === 0 && BigInt(x.position) <= BigInt(y.position)) ? [x, y] : [y, x];
};

/** Opens (or keeps up to date) a conflict for every fact of the set that disagrees with `fact` on a claim. */
function openAgainst(set: ConflictSet, fact: ConflictFactRow, event: ProjectedEvent, idOf: (name: string) => string): void {
  for (const claim of claims(fact)) {
    for (const otherId of set.byKey.get(claim.key) ?? []) {
      const other = otherId === fact.factId ? null : set.facts.get(otherId);
      const otherClaim = other ? claimOf(other, claim.key) : null;
      if (!other || !otherClaim) continue;
      const fields = disagreementAt(set, otherClaim, claim, event.globalPosition);
      if (!fields.length) continue;
      const conflictId = idOf(conflictName(claim.key, fact.factId, other.factId));
      const known = set.conflicts.get(conflictId);
      // A conflict keeps its sides where they were: a is the fact recorded first.
      const [first, second] = known ? (known.a.eventId === fact.factId ? [fact, other] : [other, fact]) : ordered(other, fact);
      const sides = {
        a: side(first, first === fact ? claim.value : otherClaim.value),
        b: side(second, second === fact ? claim.value : otherClaim.value),
        fields,
      };
      if (known && known.status === 'resolved' && known.closedBy === 'editor') {
        // An editor's word on the pair stands; the sides shown follow the facts.
        touch(set, { ...known, ...sides }, event);
      } else if (known && known.status === 'open') {
        touch(set, { ...known, ...sides }, event);
      } else {
        // New, or closed by a correction that made the sides agree (or by an appointment that no longer lies between
        // them) and disagreeing again: open from this event.
        touch(
          set,
          {
            conflictId,
            key: claim.key,
            kind: claim.kind,
            subject: fact.subject,
            ...sides,
            status: 'open',
            ...opened(event),
            ...notClosed,
          },
          event,
        );
      }
    }
  }
}

/** A conflict closed by `event`: by a correction or retraction (with its reason), or by an editor naming the side that stands. */
function closeBy(
  set: ConflictSet,
  row: ConflictRow,
  event: ProjectedEvent,
  closing: Pick<ConflictRow, 'closedBy' | 'standingEventId' | 'reason'>,
): void {
  touch(
    set,
    { ...row, status: 'resolved', closedEventId: event.id, closedPosition: event.globalPosition, closedAt: event.recordedAt, ...closing },
    event,
  );
}

function close(set: ConflictSet, row: ConflictRow, event: ProjectedEvent, closedBy: 'correction' | 'retraction'): void {
  // The correction's or retraction's own reason.
  closeBy(set, row, event, { closedBy, standingEventId: null, reason: readReason(event) });
}

/** JSON with object keys sorted: a stored side (jsonb orders keys its own way) compares equal to a fresh one. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

const valueMoved = (before: ConflictRow, after: ConflictRow): boolean =>
  canonical([before.a.value, before.b.value]) !== canonical([after.a.value, after.b.value]);

const readReason = (event: ProjectedEvent): string | null => {
  const reason = (event.data as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? reason : null;
};

const involving = (set: ConflictSet, factId: string) =>
  [...set.conflicts.values()].filter((c) => c.status === 'open' && (c.a.eventId === factId || c.b.eventId === factId));

/**
 * Pure over the set: what one event does to the conflicts. A fact opens a conflict with every standing fact that
 * claims something else for the same key; a correction re-compares its fact's open conflicts (closing those whose
 * sides now agree or no longer speak of the same thing) and may open new ones; a retraction closes its fact's open
 * conflicts; an editor's resolution closes one, naming the side that stands (a later one replaces it). Applying an
 * event twice changes nothing: a fact already in the set and a correction at or below its fact's position are skipped.
 */
export function evolveConflicts(set: ConflictSet, event: ProjectedEvent, idOf: (name: string) => string): void {
  if (evolveAppointments(set, event)) return;
  if (event.type === 'event.corrected' || event.type === 'event.retracted') {
    const target = set.facts.get(event.data.targetEventId);
    if (!target || BigInt(event.globalPosition) <= BigInt(target.position)) return;
    removeFact(set, target);
    if (event.type === 'event.retracted') {
      set.facts.set(target.factId, null);
      set.retracted.set(target.factId, target);
      set.dirtyFacts.add(target.factId);
      for (const row of involving(set, target.factId)) close(set, row, event, 'retraction');
      return;
    }
    const changes = event.data.changes ?? {};
    const fact: ConflictFactRow = {
      ...target,
      occurredAt: changes.occurredAt ?? target.occurredAt,
      data: changes.data ? mergePatch(target.data, changes.data) : target.data,
      position: event.globalPosition,
    };
    addFact(set, fact);
    set.dirtyFacts.add(fact.factId);
    for (const row of involving(set, fact.factId)) {
      const otherId = row.a.eventId === fact.factId ? row.b.eventId : row.a.eventId;
      const other = set.facts.get(otherId);
      const mine = claimOf(fact, row.key);
      const theirs = other ? claimOf(other, row.key) : null;
      const fields = mine && theirs ? disagreementAt(set, theirs, mine, event.globalPosition) : [];
      if (!fields.length) close(set, withCurrentSide(row, fact), event, 'correction');
      else {
        const sides =
          row.a.eventId === fact.factId
            ? { a: side(fact, mine!.value), b: side(other!, theirs!.value) }
            : { a: side(other!, theirs!.value), b: side(fact, mine!.value) };
        touch(set, { ...row, ...sides, fields }, event);
      }
    }
    // The conflict's row shows the facts as they stand now (README), closed conflicts too (each state keeps the sides
    // as they were when it began, for a knownAt before): a conflict this correction closed
    // shows the corrected fact (the sides now agree, which is why it closed; `fields` keeps what they disagreed on),
    // and a later correction of a side of a closed one moves that side again. Value, date and the data the
    // headline is rendered from are always taken together from one state, so they never disagree.
    for (const row of set.conflicts.values()) {
      if (row.status === 'resolved' && (row.a.eventId === fact.factId || row.b.eventId === fact.factId)) {
        const next = withCurrentSide(row, fact);
        if (next === row) continue;
        // An editor chose a side between two values; a correction that changes a value and leaves the sides
        // disagreeing makes a question nobody decided: it opens again, from the correction.
        const otherId = row.a.eventId === fact.factId ? row.b.eventId : row.a.eventId;
        const other = set.facts.get(otherId);
        const mine = claimOf(fact, row.key);
        const theirs = other ? claimOf(other, row.key) : null;
        const fields =
          row.closedBy === 'editor' && valueMoved(row, next) && mine && theirs
            ? disagreementAt(set, theirs, mine, event.globalPosition)
            : [];
        touch(set, fields.length ? { ...next, fields, status: 'open', ...opened(event), ...notClosed } : next, event);
      }
    }
    openAgainst(set, fact, event, idOf);
    return;
  }
  if (event.type === 'conflict.resolved') {
    const row = set.conflicts.get(event.data.conflictId);
    // Ingest refuses a resolution of a conflict that no longer stands; one arriving anyway (a replay) changes nothing.
    if (!row || (row.status === 'resolved' && row.closedBy !== 'editor')) return;
    closeBy(set, row, event, { closedBy: 'editor', standingEventId: event.data.standingEventId, reason: event.data.reason });
    return;
  }
  if (!isRecordableEventType(event.type) || !canClaim(event.type) || set.facts.has(event.id)) return;
  const fact: ConflictFactRow = {
    factId: event.id,
    subject: event.subject,
    type: event.type,
    occurredAt: event.occurredAt,
    data: event.data,
    modality: event.modality,
    sources: event.sources ?? [],
    position: event.globalPosition,
    recordedAt: event.recordedAt,
  };
  addFact(set, fact);
  set.dirtyFacts.add(fact.factId);
  openAgainst(set, fact, event, idOf);
}
