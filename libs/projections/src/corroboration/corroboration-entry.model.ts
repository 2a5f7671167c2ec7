import { isRecordableEventType, outletKey, type CorroborationEntry, type Source, type Stance } from '@newsroom/domain';
import type { ProjectedEvent } from '../projected-event.mapper';

/** One outlet's word on a fact as the read models keep it: which event said it and when it was recorded. */
export interface CorroborationRecord extends CorroborationEntry {
  /** `<event id>` or `<event id>:<index>` for a fact's own sources: replaying an event adds nothing twice. */
  id: string;
  /** The outlet it counts as (outletKey: `via` when a syndicated copy), for SQL to count distinct outlets. */
  key: string;
  /** Transaction time: a report at knownAt counts only the entries recorded by then. */
  recordedAt: string;
}

function record(id: string, source: Source, stance: Stance, recordedAt: string): CorroborationRecord {
  const via = source.via ?? null;
  return {
    id,
    key: outletKey({ outlet: source.outlet, via }),
    outlet: source.outlet,
    via,
    stance,
    reportedAt: source.publishedAt ?? recordedAt,
    recordedAt,
  };
}

/** The entries a story event brings to its own fact: each of its sources confirms it. */
export function ownEntries(event: ProjectedEvent): CorroborationRecord[] {
  if (!isRecordableEventType(event.type)) return [];
  return (event.sources ?? []).map((s, i) => record(`${event.id}:${i}`, s, 'confirms', event.recordedAt));
}

/** The fact an event adds entries to besides its own (an attached source, a correction's sources), with them. */
export function attachedEntries(event: ProjectedEvent): { targetEventId: string; entries: CorroborationRecord[] } | null {
  if (event.type === 'event.sourced' && event.data?.source) {
    return { targetEventId: event.data.targetEventId, entries: [record(event.id, event.data.source, event.data.stance, event.recordedAt)] };
  }
  if (event.type === 'event.corrected' && event.sources?.length) {
    return {
      targetEventId: event.data.targetEventId,
      entries: event.sources.map((s, i) => record(`${event.id}:${i}`, s, 'confirms', event.recordedAt)),
    };
  }
  return null;
}

/** Entries merged in order, each id once (redelivery and replays change nothing). */
export function mergeEntries(base: readonly CorroborationRecord[], extra: readonly CorroborationRecord[]): CorroborationRecord[] {
  const seen = new Set(base.map((e) => e.id));
  const added = extra.filter((e) => !seen.has(e.id));
  return added.length ? [...base, ...added] : [...base];
}

/** The entries recorded by `knownAt` (an ISO instant), or all without it. */
export function entriesKnownAt(entries: readonly CorroborationRecord[], knownAt?: string | null): CorroborationRecord[] {
  if (!knownAt) return [...entries];
  const at = Date.parse(knownAt);
  return entries.filter((e) => Date.parse(e.recordedAt) <= at);
}
