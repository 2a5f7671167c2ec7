import fc from 'fast-check';
import {
  departuresModel,
  EntityGraph,
  EntityLinkRow,
  EntitySighting,
  evolveEntities,
  evolveEntityLinks,
  evolveEntityNames,
  evolveFeed,
  FactModel,
  FeedItemRow,
  financialsModel,
  foldNameChange,
  lawsuitsModel,
  leadershipModel,
  NameVersion,
  ProjectedEvent,
  sourcesModel,
  standingNamesOf,
  timelineModel,
} from '@newsroom/projections';
import { InMemoryFactTable } from './support/in-memory-fact-table.fixture';
import { buildLog, deliveries, stepArb, STREAMS } from './support/random-story.fixture';

const MODELS: Record<string, FactModel> = { leadershipModel, departuresModel, lawsuitsModel, financialsModel, timelineModel, sourcesModel };
class InMemoryEntities {
  readonly rows = new Map<string, EntitySighting & { last: string }>();
  apply(e: ProjectedEvent): this {
    for (const s of evolveEntities(e)) {
      const r = this.rows.get(s.subject);
      const lower = !r || Number(s.position) < Number(r.position);
      this.rows.set(s.subject, { ...(lower ? s : r), last: String(Math.max(Number(r?.last ?? 0), Number(s.position))) });
    }
    return this;
  }
}

// read_model.entity_links in memory, with the adapter's rules: a link keyed by its event id; a reversal ends the
// latest standing link it names that was made before it.
type LinkRow = EntityLinkRow & { event_id: string; unlinked_position: string | null };
class InMemoryEntityLinks {
  readonly rows = new Map<string, LinkRow>();
  apply(e: ProjectedEvent): this {
    const c = evolveEntityLinks(e);
    if (!c) return this;
    if (c.op === 'link') {
      if (!this.rows.has(c.eventId))
        this.rows.set(c.eventId, {
          event_id: c.eventId,
          subject: c.subject,
          link: c.link,
          target: c.target,
          linked_position: c.position,
          unlinked_position: null,
        });
      return this;
    }
    const open = [...this.rows.values()]
      .filter(
        (r) =>
          r.subject === c.subject &&
          r.link === c.link &&
          r.target === c.target &&
          r.unlinked_position === null &&
          Number(r.linked_position) < Number(c.position),
      )
      .sort((a, b) => Number(b.linked_position) - Number(a.linked_position))[0];
    if (open) open.unlinked_position = c.position;
    return this;
  }
  snapshot() {
    const rows = [...this.rows.values()].sort((a, b) => a.event_id.localeCompare(b.event_id));
    const graph = new EntityGraph(rows.filter((r) => r.unlinked_position === null));
    return { rows, canonical: ['person:a', 'person:b'].map((s) => graph.canonicalOf(s)), names: STREAMS.map((s) => graph.aliasNamesOf(s)) };
  }
}

// read_model.entity_names in memory: each version of the name a case's filing gives it, and the names standing.
class InMemoryEntityNames {
  readonly versions: NameVersion[] = [];
  apply(e: ProjectedEvent): this {
    const change = evolveEntityNames(e);
    if (change) foldNameChange(this.versions, change);
    return this;
  }
  snapshot() {
    const key = (v: NameVersion) => `${v.factId}|${v.namedPosition.padStart(8, '0')}`;
    return {
      versions: [...this.versions].sort((a, b) => key(a).localeCompare(key(b))),
      names: STREAMS.map((s) => standingNamesOf(this.versions, s)),
    };
  }
}

/** The feed's items as the adapter keeps them: inserted once by event id, corroboration replaced by later changes. */
class InMemoryFeed {
  readonly items = new Map<string, FeedItemRow>();
  apply(e: ProjectedEvent): this {
    const targetId =
      e.type === 'event.sourced' || e.type === 'event.corrected' || e.type === 'event.retracted' ? e.data.targetEventId : null;
    for (const change of evolveFeed(e, targetId ? this.items.get(targetId) : null)) {
      if (change.kind === 'insert' && !this.items.has(change.item.eventId)) this.items.set(change.item.eventId, change.item);
      if (change.kind === 'corroboration') {
        const target = this.items.get(change.targetEventId);
        if (target) this.items.set(change.targetEventId, { ...target, corroboration: change.entries });
      }
    }
    return this;
  }
  corroboration(): Array<[string, unknown]> {
    return [...this.items.entries()].map(([id, item]): [string, unknown] => [id, item.corroboration]).sort();
  }
}

const fold = (model: FactModel, events: ProjectedEvent[]) => new InMemoryFactTable(model).applyAll(events).snapshot();

describe('property: incremental projection equals a rebuild, and redelivery changes nothing', () => {
  it('for random valid streams, any partition interleaving with replays gives the rebuild state', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        (steps, picks, redeliver) => {
          const log = buildLog(steps);
          const incremental = deliveries(log, picks, redeliver);
          for (const [name, model] of Object.entries(MODELS)) {
            expect({ name, rows: fold(model, incremental) }).toEqual({ name, rows: fold(model, log) });
          }
          const entities = (events: ProjectedEvent[]) =>
            [...events.reduce((m, e) => m.apply(e), new InMemoryEntities()).rows.entries()].sort();
          expect(entities(incremental)).toEqual(entities(log));
          const links = (events: ProjectedEvent[]) => events.reduce((m, e) => m.apply(e), new InMemoryEntityLinks()).snapshot();
          expect(links(incremental)).toEqual(links(log));
          const names = (events: ProjectedEvent[]) => events.reduce((m, e) => m.apply(e), new InMemoryEntityNames()).snapshot();
          expect(names(incremental)).toEqual(names(log));
          const feed = (events: ProjectedEvent[]) => events.reduce((f, e) => f.apply(e), new InMemoryFeed()).corroboration();
          expect(feed(incremental)).toEqual(feed(log));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('after a full fold, redelivering any prefix of the log changes nothing', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.nat(), (steps, cut) => {
        const log = buildLog(steps);
        const prefix = log.slice(0, (cut % log.length) + 1);
        for (const model of Object.values(MODELS)) {
          const table = new InMemoryFactTable(model).applyAll(log);
          const before = table.snapshot();
          table.applyAll(prefix);
          expect(table.snapshot()).toEqual(before);
        }
        const names = log.reduce((m, e) => m.apply(e), new InMemoryEntityNames());
        const named = names.snapshot();
        prefix.forEach((e) => names.apply(e));
        expect(names.snapshot()).toEqual(named);
      }),
      { numRuns: 150 },
    );
  });
});
