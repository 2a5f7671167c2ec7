import {
  aliasNames,
  compactStreamState,
  CURRENT_SCHEMA_VERSION,
  decideAliasName,
  decideCorrection,
  decideRecord,
  decideRetraction,
  decideSourcing,
  decideUnmerge,
  decodeStreamState,
  DomainError,
  encodeStreamState,
  evolve,
  foldStream,
  LAWSUIT_STATUSES,
  mergedInto,
  STREAM_STATE_SCHEMA_VERSION,
  withNamedEvents,
  type RecordedEvent,
  type StreamState,
} from '@newsroom/domain';
import { submission, NOW } from './fixtures/decider.fixture';
import { attached, correction, eventId, filed, retraction, status, streamOf, type EventSpec } from './fixtures/stream.fixture';
import { envelope } from './fixtures/submissions.fixture';

const CASE = 'case:musk-v-openai';
const SAM = 'person:sam-altman';
const departed = (): EventSpec => ['executive.departed', envelope('executive.departed', { subject: SAM }).data, '2024-09-25'];
const named = (name: string, removed = false): EventSpec => ['entity.aliased', { name, ...(removed ? { removed } : {}) }, null];
const merged = (into: string): EventSpec => ['entity.merged', { into, reason: 'same' }, null];
const unmerged = (from: string): EventSpec => ['entity.unmerged', { from, reason: 'apart' }, null];
const sourced = (target: number): EventSpec => [
  'event.sourced',
  { targetEventId: eventId(target), source: { outlet: 'Other Daily', language: 'en' }, stance: 'confirms' },
];

/** The JSON a jsonb column gives back: what survives the database. */
const stored = (state: StreamState) => JSON.parse(JSON.stringify(encodeStreamState(state))) as unknown;

/** What the writer decides on: the stored state of the stream's first `n` events, plus the events named, from their own events. */
function decisionState(subject: string, log: RecordedEvent[], n: number, ids: string[]): StreamState {
  const row = decodeStreamState(subject, stored(foldStream(subject, log.slice(0, n))), STREAM_STATE_SCHEMA_VERSION)!;
  const own = log
    .slice(0, n)
    .filter(
      (e) =>
        ids.includes(e.eventId) || ((e.type === 'event.corrected' || e.type === 'event.retracted') && ids.includes(e.data.targetEventId)),
    );
  return withNamedEvents(row, ids, own);
}

/** A decision's answer, or the code of the rule it broke. */
function outcome(decide: () => unknown): unknown {
  try {
    return decide();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

/**
 * A deterministic mix of steps, valid or not for the rules (a fold takes the log as it is), except that no
 * correction or retraction names an entity event: the deciders refuse that (EVENT.NOT_CORRECTABLE), so no log
 * written through them holds one, and the kept state relies on it (an entity entry dropped by compaction is never
 * amended back to life).
 */
function randomLog(subject: string, seed: number, length: number): RecordedEvent[] {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits repeat in short cycles (its lowest alternates), so `x % 2` never varied.
    return Math.floor((x / 2147483648) * n);
  };
  const specs: EventSpec[] = [];
  for (let i = 1; i <= length; i++) {
    const amendable = specs.flatMap(([type], k) => (type.startsWith('entity.') ? [] : [k + 1]));
    // An unknown id (one past the stream) when there is nothing to amend: the fold ignores it.
    const earlier = amendable.length ? amendable[next(amendable.length)] : i + 100;
    const kind = next(subject === CASE ? 7 : 8);
    // A story attached to a case goes to one of its steps, a rumoured one among them (which a confirmation makes count).
    const steps = specs.flatMap(([type], k) => (type === 'lawsuit.status_changed' ? [k + 1] : []));
    if (subject === CASE) {
      if (kind === 0) specs.push(filed());
      else if (kind <= 2) {
        const step = { status: LAWSUIT_STATUSES[next(LAWSUIT_STATUSES.length)] };
        specs.push(['lawsuit.status_changed', step, `2024-0${1 + next(9)}`, (['reported', 'rumored', 'denied'] as const)[next(3)]]);
      } else if (kind === 3) specs.push(correction(earlier, { data: { status: LAWSUIT_STATUSES[next(LAWSUIT_STATUSES.length)] } }));
      else if (kind === 4) specs.push(retraction(earlier));
      else
        specs.push(
          attached(
            steps.length ? steps[next(steps.length)] : earlier,
            (['confirms', 'denies'] as const)[next(2)],
            ['Court Wire', 'Skeptic Post'][next(2)],
          ),
        );
    } else {
      const name = ['Sama', 'Samuel H. Altman', 'S. Altman'][next(3)];
      if (kind === 0) specs.push(departed());
      else if (kind === 1) specs.push(named(name));
      else if (kind === 2) specs.push(named(name, true));
      else if (kind === 3) specs.push(merged(['person:samuel-altman', 'person:sama'][next(2)]));
      else if (kind === 4) specs.push(unmerged('person:samuel-altman'));
      else if (kind === 5) specs.push(correction(earlier, { occurredAt: `20${10 + next(15)}` }));
      else if (kind === 6) specs.push(retraction(earlier));
      else specs.push(sourced(earlier));
    }
  }
  return streamOf(subject, ...specs);
}

describe('compactStreamState', () => {
  it('keeps the standing lawsuit steps, the last merge or unmerge and the current aliases; drops every other fact', () => {
    const caseState = foldStream(
      CASE,
      streamOf(
        CASE,
        filed(),
        status('amended'),
        status('dismissed'),
        retraction(3),
        sourced(2),
        correction(2, { data: { status: 'ruled' } }),
      ),
    );
    expect([...compactStreamState(caseState).events.keys()]).toEqual([eventId(1), eventId(2)]);
    expect(compactStreamState(caseState).events.get(eventId(2))).toMatchObject({ status: 'corrected', data: { status: 'ruled' } });
    expect(compactStreamState(caseState).lawsuit).toEqual({ filed: true, status: 'ruled' });

    const person = foldStream(
      SAM,
      streamOf(
        SAM,
        departed(),
        named('A'),
        named('B'),
        merged('person:sama'),
        named('A', true),
        unmerged('person:sama'),
        named('A'),
        correction(1, { occurredAt: '2023' }),
      ),
    );
    const kept = compactStreamState(person);
    expect([...kept.events.keys()]).toEqual([eventId(6), eventId(3), eventId(7)]);
    expect(aliasNames(kept)).toEqual(aliasNames(person));
    expect(mergedInto(kept)).toBe(mergedInto(person));
    expect(kept.lawsuit).toBeUndefined();
  });

  it('stays the same size however many facts the stream holds', () => {
    const facts = (n: number) => Array.from({ length: n }, departed);
    const small = JSON.stringify(encodeStreamState(foldStream(SAM, streamOf(SAM, named('Sama'), ...facts(10)))));
    const large = JSON.stringify(encodeStreamState(foldStream(SAM, streamOf(SAM, named('Sama'), ...facts(5000)))));
    expect(large.length - small.length).toBeLessThanOrEqual(2); // the version's digits
  });
});

describe('encodeStreamState / decodeStreamState', () => {
  it('given a folded stream, when stored as JSON and read back, then it is the compacted state, Map order included', () => {
    const state = foldStream(
      CASE,
      streamOf(CASE, filed(), status('amended'), correction(2, { data: { status: 'ruled' } }), status('appealed')),
    );
    const back = decodeStreamState(CASE, stored(state), STREAM_STATE_SCHEMA_VERSION);
    expect(back).toEqual(compactStreamState(state));
    expect([...back!.events.keys()]).toEqual([...compactStreamState(state).events.keys()]);
  });

  it('given an empty stream, then the state round-trips to the initial state', () => {
    expect(decodeStreamState(SAM, stored(foldStream(SAM, [])), STREAM_STATE_SCHEMA_VERSION)).toEqual(foldStream(SAM, []));
    expect(decodeStreamState(CASE, stored(foldStream(CASE, [])), STREAM_STATE_SCHEMA_VERSION)).toEqual(foldStream(CASE, []));
  });

  it('given a row of another state schema version, then it is not used (the caller folds the stream)', () => {
    const json = stored(foldStream(SAM, streamOf(SAM, named('Sama'))));
    expect(decodeStreamState(SAM, json, STREAM_STATE_SCHEMA_VERSION - 1)).toBeNull();
    expect(decodeStreamState(SAM, json, STREAM_STATE_SCHEMA_VERSION + 1)).toBeNull();
  });

  it.each([
    ['another subject', { subject: 'person:someone-else', version: 1, events: [] }],
    ['no version', { subject: SAM, events: [] }],
    ['a negative version', { subject: SAM, version: -1, events: [] }],
    ['events not a list', { subject: SAM, version: 1, events: {} }],
    ['an entry without status', { subject: SAM, version: 1, events: [['x', { type: 'entity.aliased', occurredAt: null, data: {} }]] }],
    [
      'an entry without data',
      { subject: SAM, version: 1, events: [['x', { type: 'entity.aliased', status: 'current', occurredAt: null }]] },
    ],
    ['a case state on a person', { subject: SAM, version: 1, events: [], lawsuit: { filed: true, status: null } }],
    ['a null', null],
    ['a list', []],
  ])('given %s, then it is not used', (_what, json) => {
    expect(decodeStreamState(SAM, json, STREAM_STATE_SCHEMA_VERSION)).toBeNull();
  });

  it('given a case stream stored without its case state, then it is not used', () => {
    expect(decodeStreamState(CASE, { subject: CASE, version: 0, events: [] }, STREAM_STATE_SCHEMA_VERSION)).toBeNull();
    expect(
      decodeStreamState(
        CASE,
        { subject: CASE, version: 0, events: [], lawsuit: { filed: 'yes', status: null } },
        STREAM_STATE_SCHEMA_VERSION,
      ),
    ).toBeNull();
  });

  it('pins the event schema versions the kept entries were written at: a new upcaster or version bumps STREAM_STATE_SCHEMA_VERSION', () => {
    // When this fails because an event type got a new schema version, bump STREAM_STATE_SCHEMA_VERSION (rows of the
    // old one are then folded again from the log and rewritten), then update both numbers here.
    expect({ state: STREAM_STATE_SCHEMA_VERSION, events: CURRENT_SCHEMA_VERSION }).toEqual({
      state: 4,
      events: expect.objectContaining({
        'lawsuit.filed': 1,
        'lawsuit.status_changed': 1,
        'entity.merged': 1,
        'entity.unmerged': 1,
        'entity.aliased': 1,
        'event.corrected': 1,
        'event.retracted': 1,
      }),
    });
  });
});

describe('a stored state plus the events a write names decides as the whole stream does', () => {
  const seeds = [1, 7, 42, 99, 2024, 31337];

  it.each(seeds)('case streams (seed %i): the case rules, corrections and retractions of each step, and evolve', (seed) => {
    const log = randomLog(CASE, seed, 40);
    for (let n = 0; n <= log.length; n++) {
      const full = foldStream(CASE, log.slice(0, n));
      const compact = decisionState(CASE, log, n, []);
      expect(compact.version).toBe(full.version);
      expect(compact.lawsuit).toEqual(full.lawsuit);
      for (const s of LAWSUIT_STATUSES) {
        const step = submission({ subject: CASE, data: { status: s } });
        expect(outcome(() => decideRecord(compact, step, NOW))).toEqual(outcome(() => decideRecord(full, step, NOW)));
      }
      const filing = submission({ subject: CASE }, 'lawsuit.filed');
      expect(outcome(() => decideRecord(compact, filing, NOW))).toEqual(outcome(() => decideRecord(full, filing, NOW)));
      for (let k = 1; k <= n + 1; k++) {
        const target = eventId(k);
        const withTarget = decisionState(CASE, log, n, [target]);
        expect(withTarget.events.get(target)).toEqual(full.events.get(target));
        const fix = { changes: { data: { status: 'settled' } }, reason: 'r' };
        expect(outcome(() => decideCorrection(withTarget, target, fix, NOW))).toEqual(
          outcome(() => decideCorrection(full, target, fix, NOW)),
        );
        expect(outcome(() => decideRetraction(withTarget, target, { reason: 'r' }))).toEqual(
          outcome(() => decideRetraction(full, target, { reason: 'r' })),
        );
        for (const stance of ['confirms', 'denies'] as const) {
          const source = { source: { outlet: 'Court Wire', language: 'en' as const }, stance };
          expect(outcome(() => decideSourcing(withTarget, target, source, NOW))).toEqual(
            outcome(() => decideSourcing(full, target, source, NOW)),
          );
        }
      }
      if (n < log.length) {
        // The state the append stores: the next event evolved over what the write read, compacted.
        const nextEvent = log[n];
        const names = nextEvent.type.startsWith('event.') ? [(nextEvent.data as { targetEventId: string }).targetEventId] : [];
        const after = evolve(decisionState(CASE, log, n, names), nextEvent);
        expect(encodeStreamState(after)).toEqual(encodeStreamState(foldStream(CASE, log.slice(0, n + 1))));
      }
    }
  });

  it('the case logs hold rumoured steps that stories attached to them confirm, and ones they deny', () => {
    const words = seeds.flatMap((seed) => {
      const log = randomLog(CASE, seed, 40);
      return log.flatMap((_e, n) =>
        [...foldStream(CASE, log.slice(0, n + 1)).events.values()].flatMap((e) => (e.rumored && e.words ? e.words.map(([, s]) => s) : [])),
      );
    });
    expect(new Set(words)).toEqual(new Set(['confirms', 'denies']));
  });

  it.each(seeds)('entity streams (seed %i): merges, unmerges, aliases, amendments and attached sources', (seed) => {
    const log = randomLog(SAM, seed, 40);
    for (let n = 0; n <= log.length; n++) {
      const full = foldStream(SAM, log.slice(0, n));
      const compact = decisionState(SAM, log, n, []);
      expect(mergedInto(compact)).toEqual(mergedInto(full));
      expect(aliasNames(compact)).toEqual(aliasNames(full));
      for (const name of ['Sama', 'Samuel H. Altman', 'Nobody']) {
        for (const removed of [false, true]) {
          expect(outcome(() => decideAliasName(compact, name, removed))).toEqual(outcome(() => decideAliasName(full, name, removed)));
        }
      }
      for (const from of ['person:samuel-altman', 'person:sama']) {
        expect(outcome(() => decideUnmerge(compact, from, 'r'))).toEqual(outcome(() => decideUnmerge(full, from, 'r')));
      }
      for (let k = 1; k <= n + 1; k++) {
        const target = eventId(k);
        const withTarget = decisionState(SAM, log, n, [target]);
        const fix = { changes: { occurredAt: '2020' }, reason: 'r' };
        expect(outcome(() => decideCorrection(withTarget, target, fix, NOW))).toEqual(
          outcome(() => decideCorrection(full, target, fix, NOW)),
        );
        const source = { source: { outlet: 'X', language: 'en' as const }, stance: 'denies' as const };
        expect(outcome(() => decideSourcing(withTarget, target, source, NOW))).toEqual(
          outcome(() => decideSourcing(full, target, source, NOW)),
        );
      }
      if (n < log.length) {
        const nextEvent = log[n];
        const names = nextEvent.type === 'event.corrected' || nextEvent.type === 'event.retracted' ? [nextEvent.data.targetEventId] : [];
        const after = evolve(decisionState(SAM, log, n, names), nextEvent);
        expect(encodeStreamState(after)).toEqual(encodeStreamState(foldStream(SAM, log.slice(0, n + 1))));
      }
    }
  });
});
