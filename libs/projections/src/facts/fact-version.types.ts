import type { EventOf, InferredField, Modality, RecordableEventType, Source, StoryEvent } from '@newsroom/domain';

/** The fields of a fact version, next to its `type` and `data`. */
export interface FactVersionFields {
  factId: string;
  version: number;
  subject: string;
  modality: Modality;
  occurredAt: string | null;
  /** The occurred interval [validFrom, validTo) as ISO instants; null when the fact has no date. */
  validFrom: string | null;
  validTo: string | null;
  sources: Source[];
  /** The fields its sources do not state (the event's `inferred`); [] when none. */
  inferred: InferredField[];
  /** Transaction time this version became the record (the event's or its correction's recordedAt). */
  recordedFrom: string;
  positionFrom: string;
  /** Position of the original fact: a stable order across versions. */
  factPosition: string;
  changeReason: string | null;
}

/** One version of a story fact: the original event, or the event as a correction left it; `type` narrows `data`. */
export type FactVersion<T extends RecordableEventType = RecordableEventType> = EventOf<T, FactVersionFields>;

/** What a projection knows of a fact before an event: its latest version, standing or not. */
export type FactState<T extends RecordableEventType = RecordableEventType> = EventOf<
  T,
  FactVersionFields & {
    retracted: boolean;
    /** Highest position already folded into this fact (an event at or below it was applied before). */
    lastPosition: string;
  }
>;

/** A row of one version; `part` tells rows of the same version apart (a function, a mention, a source). */
export interface FactRow {
  part: string;
  columns: Record<string, unknown>;
}

export type FactChange =
  | { kind: 'open'; fact: FactVersion; rows: FactRow[] }
  | {
      kind: 'close';
      factId: string;
      /** The position of the fact's event: how a rebuild's fold finds the version (it goes without the key). */
      factPosition: string;
      version: number;
      recordedTo: string;
      positionTo: string;
      by: 'corrected' | 'retracted';
      reason: string | null;
    };

/** A stored row, as in the tables and as the report functions read it (snake_case, ISO strings). */
export interface StoredFactRow {
  fact_id: string;
  version: number;
  part: string;
  event_type: string;
  subject: string;
  modality: string;
  occurred_at: string | null;
  valid_from: string | null;
  valid_to: string | null;
  recorded_from: string;
  recorded_to: string | null;
  position_from: string;
  position_to: string | null;
  fact_position: string;
  superseded_by: 'corrected' | 'retracted' | null;
  change_reason: string | null;
  end_reason: string | null;
  /** As stored (jsonb): the data and sources of the version that wrote the row. */
  data: unknown;
  /** The sources as recorded (validated by the envelope schema on the way in, read back from jsonb). */
  sources: Source[];
  /** The version's inferred fields (jsonb, [] when none). */
  inferred: InferredField[];
  [column: string]: unknown;
}

export const COMMON_FACT_COLUMNS = [
  'fact_id',
  'version',
  'part',
  'event_type',
  'subject',
  'modality',
  'occurred_at',
  'valid_from',
  'valid_to',
  'recorded_from',
  'recorded_to',
  'position_from',
  'position_to',
  'fact_position',
  'superseded_by',
  'change_reason',
  'end_reason',
  'data',
  'sources',
  'inferred',
] as const;

/** The common columns only a version's lead row keeps in a model with `leadRowColumns` (see FactModel). */
export const LEAD_ROW_PAYLOAD: readonly string[] = ['data', 'sources', 'inferred'];

/** The stored rows a version opens. */
export function toStoredRows(fact: FactVersion, rows: FactRow[]): StoredFactRow[] {
  return rows.map((r) => ({
    fact_id: fact.factId,
    version: fact.version,
    part: r.part,
    event_type: fact.type,
    subject: fact.subject,
    modality: fact.modality,
    occurred_at: fact.occurredAt,
    valid_from: fact.validFrom,
    valid_to: fact.validTo,
    recorded_from: fact.recordedFrom,
    recorded_to: null,
    position_from: fact.positionFrom,
    position_to: null,
    fact_position: fact.factPosition,
    superseded_by: null,
    change_reason: fact.changeReason,
    end_reason: null,
    data: fact.data,
    sources: fact.sources,
    inferred: fact.inferred,
    ...r.columns,
  }));
}

/** Rebuilds the state of a fact from any row of its latest version. */
export function stateFromRow(r: StoredFactRow): FactState {
  // The row was written from a typed fact version (toStoredRows) of the same type: its data has that type's shape.
  const body = { type: r.event_type, data: r.data } as StoryEvent<RecordableEventType>;
  return {
    factId: r.fact_id,
    version: Number(r.version),
    ...body,
    subject: r.subject,
    modality: r.modality as Modality,
    occurredAt: r.occurred_at,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    sources: r.sources ?? [],
    inferred: r.inferred ?? [],
    recordedFrom: r.recorded_from,
    positionFrom: String(r.position_from),
    factPosition: String(r.fact_position),
    changeReason: r.change_reason,
    retracted: r.superseded_by === 'retracted',
    lastPosition: String(r.position_to ?? r.position_from),
  };
}
