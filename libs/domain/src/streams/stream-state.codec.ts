import type { EventType } from '../events/event-catalog.registry';
import { foldStream } from './story-stream.evolve';
import { initialStreamState, type LawsuitState, type RecordedEvent, type StreamEventState, type StreamState } from './stream-state.types';

/**
 * The version of what a kept stream state holds and how it was built. Bump it whenever that changes: a rule that
 * reads more of the state, an entry kept or dropped by compactStreamState, evolve applying events differently, or
 * an upcaster changing the data of a kept type (`lawsuit.*`, `entity.*`). A row written under another number is
 * ignored: the stream is folded from its events, as before there were rows, and the next append rewrites the row.
 * (test/stream-state.codec.spec.ts pins the event schema versions next to it, so a new upcaster is noticed.)
 */
// 2: lawsuit entries say whether they were denied, and the case rules read the steps' dates (valid time).
// 3: lawsuit entries say whether they were rumoured, with the words of the stories attached to a rumour (a rumour
// counts only once confirmed): a row of 2 would read a rumoured settlement as closing the case.
// 4: a case's steps whose dates overlap are ordered as recorded (inValidTimeOrder), not by their dates' ends: a row of
// 3 keeps the status the old order gave (an appeal of "2025" after a motion of 2025-03).
export const STREAM_STATE_SCHEMA_VERSION = 4;

/** The stored form (jsonb): a Map has no JSON form, so its entries are pairs, in the Map's order. */
export interface StreamStateJson {
  subject: string;
  version: number;
  events: Array<[string, StreamEventState]>;
  lawsuit?: LawsuitState;
}

const LAWSUIT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['lawsuit.filed', 'lawsuit.status_changed']);

/**
 * The part of a folded stream its rules can read without naming an event by id, which is all a write needs besides
 * the events it names (an amendment's target, loaded on its own). The rules that iterate `events` read only:
 * - the case rules (deriveLawsuitState): the lawsuit events still standing, in stream order, a rumoured step with
 *   the words of the stories attached to it (evolve puts them on its entry, so the attached sources need not be kept);
 * - mergedInto: the last `entity.merged` or `entity.unmerged`;
 * - aliasNames: for each name that is an alias now, the `entity.aliased` that made it one, in that order.
 * So those entries are kept, and every other fact (story facts, corrections, retractions, attached sources) is
 * dropped: the state grows with a case's standing steps and an entity's current aliases, never with the stream.
 * Pure; the entries kept are the very objects of `state`, and each rule answers the same on the result. Entity
 * events are never amended (the deciders refuse it: EVENT.NOT_CORRECTABLE), so an entity entry dropped here never
 * comes back through an amendment of it.
 */
export function compactStreamState(state: StreamState): StreamState {
  const lawsuit: Array<[string, StreamEventState]> = [];
  let link: [string, StreamEventState] | null = null;
  const aliases = new Map<string, [string, StreamEventState]>();
  for (const [id, e] of state.events) {
    if (LAWSUIT_TYPES.has(e.type)) {
      if (state.lawsuit && e.status !== 'retracted') lawsuit.push([id, e]);
    } else if (e.type === 'entity.merged' || e.type === 'entity.unmerged') {
      link = [id, e];
    } else if (e.type === 'entity.aliased') {
      // As aliasNames' Set: a removal drops the name, an addition of a name already there keeps its first place.
      if (e.data.removed) aliases.delete(e.data.name);
      else if (!aliases.has(e.data.name)) aliases.set(e.data.name, [id, e]);
    }
  }
  const kept: StreamState = {
    subject: state.subject,
    version: state.version,
    events: new Map([...lawsuit, ...(link ? [link] : []), ...aliases.values()]),
  };
  if (state.lawsuit) kept.lawsuit = { ...state.lawsuit };
  return kept;
}

/** The compacted state in its stored form. */
export function encodeStreamState(state: StreamState): StreamStateJson {
  const kept = compactStreamState(state);
  return {
    subject: kept.subject,
    version: kept.version,
    events: [...kept.events],
    ...(kept.lawsuit ? { lawsuit: kept.lawsuit } : {}),
  };
}

/**
 * A stored state back as a StreamState, or null when it cannot be trusted as one: written under another
 * STREAM_STATE_SCHEMA_VERSION, for another subject, or not of the shape encodeStreamState writes (the caller then
 * folds the stream from its events).
 */
export function decodeStreamState(subject: string, json: unknown, schemaVersion: number): StreamState | null {
  if (schemaVersion !== STREAM_STATE_SCHEMA_VERSION || !isObject(json)) return null;
  const { version, events, lawsuit } = json;
  if (json.subject !== subject || !Number.isInteger(version) || (version as number) < 0 || !Array.isArray(events)) return null;
  if (!events.every(isEntry)) return null;
  const state = initialStreamState(subject);
  // A case stream always has its case state, and only a case stream has one.
  if ((state.lawsuit !== undefined) !== (lawsuit !== undefined)) return null;
  if (lawsuit !== undefined) {
    if (!isLawsuitState(lawsuit)) return null;
    state.lawsuit = { filed: lawsuit.filed, status: lawsuit.status };
  }
  state.version = version as number;
  state.events = new Map(events);
  return state;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Entries were written from folded events (encodeStreamState), so the type and status say what the data is.
function isEntry(value: unknown): value is [string, StreamEventState] {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || !isObject(value[1])) return false;
  const e = value[1];
  return (
    typeof e.type === 'string' &&
    ['current', 'corrected', 'retracted'].includes(e.status as string) &&
    (e.occurredAt === null || typeof e.occurredAt === 'string') &&
    isObject(e.data) &&
    (e.words === undefined || (Array.isArray(e.words) && e.words.every(isWord)))
  );
}

function isWord(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && (value[1] === 'confirms' || value[1] === 'denies');
}

function isLawsuitState(value: unknown): value is LawsuitState {
  return isObject(value) && typeof value.filed === 'boolean' && (value.status === null || typeof value.status === 'string');
}

/**
 * A state with the entries of the events a decision names (an amendment's target) brought in from their own
 * events: `events` holds each named event and every correction and retraction naming it, of this stream, in stream
 * order. Amendments change only the event they name, so each entry is what a fold of the whole stream holds for
 * it, but for the words of the stories attached to a rumoured step, which are not read with it: the kept entry has
 * them (a retracted step, which the state drops, has none). An id with no event here stays absent (the decider
 * answers EVENT.NOT_FOUND, as on the whole stream).
 */
export function withNamedEvents(state: StreamState, ids: readonly string[], events: readonly RecordedEvent[]): StreamState {
  // Once each (an event may be both named and an amendment of another named one), in stream order.
  const unique = new Map(events.filter((e) => e.subject === state.subject).map((e) => [e.eventId, e]));
  const own = foldStream(
    state.subject,
    [...unique.values()].sort((a, b) => a.streamVersion - b.streamVersion),
  );
  const next: StreamState = { ...state, events: new Map(state.events) };
  for (const id of ids) {
    const entry = own.events.get(id);
    const words = state.events.get(id)?.words;
    if (entry) next.events.set(id, words && entry.status !== 'retracted' ? { ...entry, words } : entry);
  }
  return next;
}
