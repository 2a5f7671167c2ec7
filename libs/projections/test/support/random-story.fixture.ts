import fc from 'fast-check';
import type { ProjectedEvent } from '@newsroom/projections';
import { recordedAtOf } from './events.builder';

// Random valid stories for property tests: facts on a few streams, corrections, retractions and attached sources of
// standing facts, merges of the two people (and their reversal) and alias names added and removed.
export const STREAMS = ['person:a', 'person:b', 'org:openai', 'case:x', 'case:y'];
const DATES = ['2024', '2024-Q2', '2024-05', '2024-09-25', '2023-12/2024-12'];
const OUTLETS = ['Example Daily', 'Other Wire', 'Third Paper'];

/** One step of a random story: a fact on a stream, or a correction/retraction of an earlier standing fact. */
export const stepArb = fc.record({
  stream: fc.nat(STREAMS.length - 1),
  action: fc.constantFrom('fact', 'fact', 'fact', 'correct', 'retract', 'entity', 'source'),
  pick: fc.nat(),
  date: fc.constantFrom(...DATES),
  n: fc.integer({ min: 1, max: 999 }),
  outlet: fc.constantFrom(...OUTLETS),
  modality: fc.constantFrom('reported', 'confirmed', 'rumored', 'denied'),
});

function factData(subject: string, n: number, position: number): { type: string; data: unknown } {
  if (subject.startsWith('person:')) {
    return n % 2
      ? { type: 'executive.appointed', data: { organization: 'org:openai', role: `Role ${n % 3}`, roleCategory: 'c-suite' } }
      : {
          type: 'executive.departed',
          data: {
            organization: 'org:openai',
            role: `Role ${n % 3}`,
            roleCategory: 'c-suite',
            destination: n % 4 ? undefined : 'org:anthropic',
          },
        };
  }
  if (subject.startsWith('org:')) {
    return n % 2
      ? { type: 'headcount.reported', data: { total: n, byFunction: { commercial: n % 50 } } }
      : { type: 'revenue.reported', data: { money: { amount: String(n * 1000), currency: 'USD' }, period: '2024', basis: 'actual' } };
  }
  return position === 0
    ? { type: 'lawsuit.filed', data: { title: 'A case', plaintiffs: ['person:a'], defendants: ['org:openai'], claims: ['x'] } }
    : { type: 'lawsuit.status_changed', data: { status: n % 2 ? 'motion_filed' : 'appealed' } };
}

/** A valid merge patch for the target's type. */
function dataPatch(target: ProjectedEvent, n: number): Record<string, unknown> {
  switch (target.type) {
    case 'headcount.reported':
      return { total: n, byFunction: n % 3 ? null : { research: n } };
    case 'revenue.reported':
      return { money: { amount: String(n) } };
    case 'lawsuit.filed':
      return { title: `Case ${n}`, defendants: ['org:openai', 'person:b'] };
    case 'lawsuit.status_changed':
      return { status: 'dismissed' };
    default:
      return { role: `Role ${n % 3}`, destination: n % 2 ? 'org:anthropic' : null };
  }
}

/** Turns random steps into a valid log: positions and recorded times in order, amendments only of standing facts. */
export type Step = typeof stepArb extends fc.Arbitrary<infer S> ? S : never;

export function buildLog(steps: Step[]): ProjectedEvent[] {
  const log: ProjectedEvent[] = [];
  const standing = new Map<string, ProjectedEvent[]>(STREAMS.map((s) => [s, []]));
  const mergedInto = new Map<string, string>();
  const aliases = new Map<string, Set<string>>();
  for (const [i, s] of steps.entries()) {
    const subject = STREAMS[s.stream];
    const facts = standing.get(subject)!;
    const position = log.length + 1;
    const base = {
      subject,
      streamVersion: 0,
      globalPosition: String(position),
      recordedAt: recordedAtOf(position),
      schemaVersion: 1,
      metadata: {},
    };
    // Neither url nor title: a story per outlet and date, so some are dated (two dates of one outlet, two stories).
    const sources = [{ outlet: s.outlet, language: 'en', quote: `q${i}`, ...(s.n % 3 === 1 ? { publishedAt: s.date } : {}) }];
    if (s.action === 'entity') {
      log.push(entityRecord(subject, base, s.n, mergedInto, aliases));
      continue;
    }
    if (s.action === 'fact' || facts.length === 0) {
      const { type, data } = factData(subject, s.n, subject.startsWith('case:') ? log.filter((e) => e.subject === subject).length : 1);
      // Some facts say their date is not from their sources (ingest keeps that in the metadata).
      const metadata = s.n % 3 === 0 ? { inferred: [{ path: 'occurredAt', note: `n${s.n}` }] } : {};
      const e = {
        ...base,
        metadata,
        id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
        type,
        occurredAt: s.date,
        data,
        sources,
        modality: s.modality,
      } as ProjectedEvent;
      facts.push(e);
      log.push(e);
      continue;
    }
    const target = facts[s.pick % facts.length];
    const id = `00000000-0000-4000-9000-${String(position).padStart(12, '0')}`;
    if (s.action === 'source') {
      // Another outlet on the fact: a syndicated copy of the first outlet now and then, confirming or denying.
      const source =
        s.n % 3 === 0
          ? { outlet: `Reprint ${s.n % 5}`, language: 'en', via: s.outlet }
          : { outlet: s.outlet, language: 'fr', publishedAt: s.date };
      const stance = s.n % 4 === 0 ? 'denies' : 'confirms';
      log.push({
        ...base,
        id,
        type: 'event.sourced',
        occurredAt: null,
        data: { targetEventId: target.id, source, stance },
        sources: [source],
        modality: stance === 'denies' ? 'denied' : 'reported',
      });
    } else if (s.action === 'retract') {
      facts.splice(facts.indexOf(target), 1);
      log.push({
        ...base,
        id,
        type: 'event.retracted',
        occurredAt: null,
        data: { targetEventId: target.id, reason: 'wrong' },
        sources: [],
        modality: 'reported',
      });
    } else {
      const changed = s.n % 2 ? { occurredAt: s.date } : { data: dataPatch(target, s.n) };
      // Now and then the correction also says which fields its sources do not state (or that all now are).
      const inferred = s.n % 5 === 0 ? { inferred: s.n % 10 === 0 ? [] : [{ path: 'occurredAt', note: `c${s.n}` }] } : {};
      const changes = { ...changed, ...inferred };
      log.push({
        ...base,
        id,
        type: 'event.corrected',
        occurredAt: null,
        data: { targetEventId: target.id, changes, reason: 'fix' },
        sources,
        modality: 'reported',
      });
    }
  }
  return log;
}

type Base = Pick<ProjectedEvent, 'subject' | 'streamVersion' | 'globalPosition' | 'recordedAt' | 'schemaVersion' | 'metadata'>;

// A valid entity record: a person is merged into the other (if neither way is already standing) or unmerged;
// other subjects get an alias name, or lose one they have.
function entityRecord(
  subject: string,
  base: Base,
  n: number,
  mergedInto: Map<string, string>,
  aliases: Map<string, Set<string>>,
): ProjectedEvent {
  const id = `00000000-0000-4000-a000-${base.globalPosition.padStart(12, '0')}`;
  const record = { ...base, id, occurredAt: null, sources: [], modality: 'reported' as const };
  const other = subject === 'person:a' ? 'person:b' : subject === 'person:b' ? 'person:a' : null;
  if (other) {
    const into = mergedInto.get(subject);
    if (into) {
      mergedInto.delete(subject);
      return { ...record, type: 'entity.unmerged', data: { from: into, reason: 'apart' } };
    }
    if (!mergedInto.has(other)) {
      mergedInto.set(subject, other);
      return { ...record, type: 'entity.merged', data: { into: other, reason: 'same' } };
    }
  }
  const names = aliases.get(subject) ?? new Set<string>();
  aliases.set(subject, names);
  const name = `Name ${n % 3}`;
  if (names.has(name)) {
    names.delete(name);
    return { ...record, type: 'entity.aliased', data: { name, removed: true } };
  }
  names.add(name);
  return { ...record, type: 'entity.aliased', data: { name, reason: 'also known as' } };
}

/** Kafka's view: a stream stays on one partition, partitions interleave freely, and batches get redelivered. */
export function deliveries(log: ProjectedEvent[], picks: number[], redeliver: number[]): ProjectedEvent[] {
  const partitions = [0, 1, 2].map((p) => log.filter((e) => STREAMS.indexOf(e.subject) % 3 === p));
  const cursor = [0, 0, 0];
  const out: ProjectedEvent[] = [];
  let k = 0;
  while (cursor.some((c, p) => c < partitions[p].length)) {
    const live = [0, 1, 2].filter((p) => cursor[p] < partitions[p].length);
    const p = live[(picks[k] ?? 0) % live.length];
    out.push(partitions[p][cursor[p]++]);
    const again = redeliver[k++] ?? 0;
    if (again % 4 === 0) out.push(...partitions[p].slice(0, (again % cursor[p]) + 1)); // a consumer restart replays a prefix
  }
  return out;
}
