import { displayNamesGivenBy, mergePatch, namesItsSubject, namingFactOf, type DisplayNames } from '@newsroom/domain';
import type { ProjectedEvent } from '../projected-event.mapper';

/** What an event does to the names facts give subjects: a naming fact recorded, its name corrected, or it retracted. */
export type NameChange = { subject: string; factId: string; at: string; position: string } & (
  { op: 'name'; value: unknown } | { op: 'correct'; patch: unknown } | { op: 'retract' }
);

/**
 * One version of the name a naming fact gives its subject (a row of read_model.entity_names): from when it was known
 * (`namedAt`/`namedPosition`: the fact, or the correction that changed its name) until a later correction or a
 * retraction ended it (`unnamedAt`/`unnamedPosition`, null while it stands).
 */
export interface NameVersion {
  subject: string;
  factId: string;
  /** The naming fact's position: of the facts standing, the latest recorded names the subject. */
  factPosition: string;
  /** The fact's name or title as recorded and corrected (plain or per language): a correction's patch merges into it. */
  value: unknown;
  /** The names it gives; null when it gives no text. */
  displayNames: DisplayNames | null;
  namedAt: string;
  namedPosition: string;
  unnamedAt: string | null;
  unnamedPosition: string | null;
}

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/**
 * Pure: what an event does to its subject's name. A product's announcement names it (`name`), a case's filing
 * (`title`); a correction changing that field renames it, a retraction of the fact unnames it. A correction or
 * retraction lives in its target's stream, so it reaches the name right after the fact it amends.
 */
export function evolveEntityNames(event: ProjectedEvent): NameChange | null {
  const naming = namingFactOf(event.subject);
  if (!naming) return null;
  const base = { subject: event.subject, at: event.recordedAt, position: event.globalPosition };
  if (namesItsSubject(event.type, event.subject)) {
    return { ...base, op: 'name', factId: event.id, value: (event.data as Record<string, unknown> | undefined)?.[naming.field] };
  }
  if (event.type === 'event.corrected') {
    const data = event.data?.changes?.data;
    if (!data || typeof data !== 'object' || !own(data, naming.field)) return null;
    return { ...base, op: 'correct', factId: event.data.targetEventId, patch: data[naming.field] };
  }
  if (event.type === 'event.retracted') return { ...base, op: 'retract', factId: event.data.targetEventId };
  return null;
}

/**
 * Pure: applies a change to `versions`, every version known of its fact (and maybe others), in place: a naming fact
 * opens its first version; a correction ends the standing version and opens one with the patched name; a retraction
 * ends it. A change at or before the standing version's start was applied already (a redelivered batch), as is a
 * fact with versions: it changes nothing. A correction or retraction of a fact that names nothing does nothing.
 */
export function foldNameChange(versions: NameVersion[], change: NameChange): void {
  const ofFact = versions.filter((v) => v.factId === change.factId);
  if (change.op === 'name') {
    if (ofFact.length) return;
    versions.push(opened(change, change.position, change.value));
    return;
  }
  const standing = ofFact.find((v) => v.unnamedPosition === null);
  if (!standing || BigInt(standing.namedPosition) >= BigInt(change.position)) return;
  standing.unnamedAt = change.at;
  standing.unnamedPosition = change.position;
  if (change.op === 'correct') {
    // Merged as the correction merges into the fact's data: a language added to a per-language title keeps the other.
    const value = (mergePatch({ v: standing.value }, { v: change.patch }) as { v?: unknown }).v ?? null;
    versions.push(opened(change, standing.factPosition, value));
  }
}

function opened(change: NameChange, factPosition: string, value: unknown): NameVersion {
  return {
    subject: change.subject,
    factId: change.factId,
    factPosition,
    value,
    displayNames: displayNamesGivenBy(value),
    namedAt: change.at,
    namedPosition: change.position,
    unnamedAt: null,
    unnamedPosition: null,
  };
}

/** Pure: a subject's names now, from its versions: the latest recorded naming fact standing that gives a name. */
export function standingNamesOf(versions: readonly NameVersion[], subject: string): DisplayNames | null {
  let best: NameVersion | null = null;
  for (const v of versions) {
    if (v.subject !== subject || v.unnamedPosition !== null || !v.displayNames) continue;
    if (!best || BigInt(v.factPosition) > BigInt(best.factPosition)) best = v;
  }
  return best?.displayNames ?? null;
}
