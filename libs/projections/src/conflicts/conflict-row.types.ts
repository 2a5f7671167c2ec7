import type { ClaimKind, ClaimValue, Source, ValidTime } from '@newsroom/domain';

/** A standing fact that can make claims, as the conflicts read model keeps it (its data as corrected). */
export interface ConflictFactRow {
  factId: string;
  subject: string;
  type: string;
  occurredAt: string | null;
  data: unknown;
  /** As recorded (a correction never changes it): a departure's denial or rumour is compared otherwise. */
  modality: string;
  sources: Source[];
  /** The position of the last event applied to it (the fact itself or its latest correction). */
  position: string;
  recordedAt: string;
}

/**
 * One side of a conflict: the fact, what it claims, its sources. `occurredAt`, `value` and `data` are one state of
 * the fact, taken together, so the report's headline (rendered from `data`) never says another figure or date than
 * `value`. On the conflict's row that state is the fact as it stands now (see `evolveConflicts`); on a kept state of
 * the conflict, the fact as it stood when that state began.
 */
export interface ConflictSide {
  eventId: string;
  type: string;
  occurredAt: string | null;
  value: ClaimValue;
  sources: Source[];
  /** The fact's (corrected) data the side was taken from; absent on sides written before it was kept. Not served. */
  data?: unknown;
}

/**
 * How a conflict stopped being open: an editor's resolution, a correction that made the sides agree, a retraction, or
 * (two departures) a re-appointment recorded between them, or corrected to lie between them.
 */
type ConflictClosedBy = 'editor' | 'correction' | 'retraction' | 'appointment';

/** One row of read_model.conflicts. */
export interface ConflictRow {
  conflictId: string;
  key: string;
  kind: ClaimKind;
  subject: string;
  /** The fields the two sides disagree on (amount, count, occurredAt, destination, status). */
  fields: string[];
  /** `a` was recorded first. */
  a: ConflictSide;
  b: ConflictSide;
  status: 'open' | 'resolved';
  openedEventId: string;
  openedPosition: string;
  openedAt: string;
  closedEventId: string | null;
  closedPosition: string | null;
  closedAt: string | null;
  closedBy: ConflictClosedBy | null;
  /** An editor's resolution: the side that stands and why. */
  standingEventId: string | null;
  reason: string | null;
}

/**
 * One state a conflict went through (read_model.conflict_states): open, or resolved with the closing then in force,
 * and its sides as they were, from the event that began it (`fromPosition`: the opening, the closing, or a correction
 * that moved a side) until the next state. The report at `knownAt` reads the latest one recorded by then; a feed item
 * the openings and closings its event began.
 */
export type ConflictState = Pick<ConflictRow, 'conflictId' | 'fields' | 'a' | 'b'> &
  ConflictStateFields & { fromPosition: string; fromAt: string };

/** The fields a conflict's row and each of its kept states share: its status and the opening and closing then. */
export type ConflictStateFields = Pick<
  ConflictRow,
  | 'status'
  | 'openedEventId'
  | 'openedPosition'
  | 'openedAt'
  | 'closedEventId'
  | 'closedPosition'
  | 'closedAt'
  | 'closedBy'
  | 'standingEventId'
  | 'reason'
>;

/**
 * One version of an appointment that can re-open a role (`reappointmentKeyOf`: reported or confirmed), as the
 * leadership read model keeps it (a row of leadership_events) or as the batch records it: from the position of the
 * event that began it to the one that ended it (a correction or retraction; null: standing). Read only for the
 * departure keys where two facts may disagree.
 */
export interface AppointmentVersion {
  factId: string;
  /** The departure claim key it speaks to. */
  key: string;
  validTime: ValidTime;
  /** The fact as this version states it, to correct it again within the batch. */
  fact: { type: string; subject: string; occurredAt: string | null; data: unknown; modality: string };
  positionFrom: string;
  positionTo: string | null;
  /**
   * A rumoured appointment (`rumouredReappointmentKeyOf`): it re-opens its role only where the stories attached to it
   * confirm it (`ConflictSet.words`, as recorded up to the event judged). Loaded only with words.
   */
  rumored?: true;
}

/** An outlet's word on a rumoured appointment: a story attached to it (read_model.conflict_words). */
export interface AppointmentWord {
  /** The event.sourced's id: a replay adds nothing. */
  eventId: string;
  factId: string;
  /** The outlet as corroboration counts it (outletKey). */
  outlet: string;
  stance: 'confirms' | 'denies';
  position: string;
}

/**
 * The part of the read model one batch works on: the facts sharing a claim key with the batch's events, and their
 * conflicts. `null` marks a fact retracted in the batch. The evolve functions change it; the adapter writes what
 * they marked.
 */
export interface ConflictSet {
  /** null: retracted (a tombstone, so a replay of the fact is recognised). */
  facts: Map<string, ConflictFactRow | null>;
  /** The facts retracted in this set, as they stood: written as tombstones. */
  retracted: Map<string, ConflictFactRow>;
  /** claim key -> fact ids holding it. */
  byKey: Map<string, Set<string>>;
  conflicts: Map<string, ConflictRow>;
  dirtyFacts: Set<string>;
  dirtyConflicts: Set<string>;
  /** The states the batch's events began, by conflict id and position: written as they are. */
  states: Map<string, ConflictState>;
  /**
   * The appointments of the departure keys where two facts may disagree, every version (the read model's, then the
   * batch's): one standing at a departure's position and dated between it and another makes them two departures.
   */
  appointments: AppointmentVersion[];
  /** The words on the rumoured appointments among them, by appointment, in log order. */
  words: Map<string, AppointmentWord[]>;
  /** The words the batch's attached stories bring: written as they are. */
  newWords: AppointmentWord[];
}
