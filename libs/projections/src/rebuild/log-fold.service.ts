import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EventLogReader } from '@newsroom/event-store';
import type { Projection } from '../projection.types';
import { ProjectedEvent, projectedFromStored } from '../projected-event.mapper';

// Postgres time one story event costs each read model in a rebuild, to balance the groups: measured on the bench's
// log (each projection rebuilt alone, CPU of its sessions per 200,000 events: timeline 8.8 s, sources 9.1, leadership
// 7.0, feed 6.5, entities 4.5). The others take few events and count 1.
const WEIGHT: Readonly<Record<string, number>> = { timeline: 9, sources: 9, leadership: 7, feed: 6, entities: 4 };

/** Projections split into `count` groups of about equal write cost (heaviest first, each to the lightest group). */
export function groupsOf(projections: readonly Projection[], count: number): Projection[][] {
  const groups = Array.from({ length: Math.max(1, Math.min(count, projections.length)) }, () => ({ cost: 0, members: [] as Projection[] }));
  const weight = (p: Projection) => WEIGHT[p.name] ?? 1;
  for (const p of [...projections].sort((a, b) => weight(b) - weight(a))) {
    const lightest = groups.reduce((min, g) => (g.cost < min.cost ? g : min));
    lightest.cost += weight(p);
    lightest.members.push(p);
  }
  return groups.map((g) => g.members);
}

/** An event of the log the running code cannot read (a type or schema version of a newer release): set aside. */
interface Unreadable {
  position: string;
  id: string;
  type: string;
  reason: string;
}

/** A page of the log: the events read, those set aside as unreadable, and the last position it covers (null: none). */
export interface LogPage {
  events: ProjectedEvent[];
  unreadable: Unreadable[];
  last: string | null;
}

/**
 * Folds the event store into projections for a rebuild. The log is read once, page by page (the next page is read
 * while this one is applied), and each page goes to every group of projections side by side, each group on its
 * own connection and in its own transaction, so Postgres works on several tables at once while Node computes the
 * rows. A page a group cannot apply whole is redone by halves, down to the bad events, which are set aside.
 */
export class LogFold {
  private readonly logger = new Logger('ProjectionRebuilder');
  events = 0;
  failures = 0;
  /** The (projection, position) pairs this rebuild set aside: the swap keeps their failure rows, and only theirs. */
  readonly failed: Array<{ projection: string; position: string }> = [];

  constructor(private readonly ds: DataSource) {}

  /**
   * Folds (after, head] in pages; returns the last position folded. Each group goes through the pages at its own
   * pace (at most `LOOKAHEAD` pages ahead of the slowest, which bounds memory); a page counts once every group has
   * applied it.
   */
  async foldUpTo(
    groups: Projection[][],
    after: string,
    head: string,
    pageSize: number,
    onPage: (position: string) => void,
  ): Promise<string> {
    const pages = new PageReader((from) => this.readPage(from, head, pageSize), after, head);
    const done = groups.map(() => -1);
    let counted = -1;
    let position = after;
    let stopped = false;
    let progressed = signal();
    const moved = () => {
      const wake = progressed;
      progressed = signal();
      wake.resolve();
    };
    const worker = async (g: number) => {
      for (let k = 0; !stopped; k++) {
        while (!stopped && k > Math.min(...done) + LOOKAHEAD) await progressed.promise;
        const page = await pages.page(k);
        if (stopped || page.last === null) return;
        void pages.page(k + 1); // read ahead while this page is applied
        await this.applyPage(groups[g], page);
        done[g] = k;
        for (; counted < Math.min(...done); counted++) {
          const page = await pages.page(counted + 1);
          this.events += page.events.length + page.unreadable.length;
          position = page.last!;
          pages.release(counted + 1);
          onPage(position);
        }
        moved();
      }
    };
    const results = await Promise.allSettled(
      groups.map((_, g) =>
        worker(g).catch((error) => {
          stopped = true;
          moved();
          throw error;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return position;
  }

  /**
   * Events in (after, head], at most `limit`, read through the event store's reader (on `m`: in its transaction). An
   * event the running code cannot read (a type or schema version a newer release wrote) is set aside, as the live
   * projector sets it aside: the rebuild goes on without it, and `npm run replay -- --from-dlq` applies it once the code
   * that reads it runs.
   */
  async readPage(after: string, head: string, limit: number, m: EntityManager = this.ds.manager): Promise<LogPage> {
    const stored = await new EventLogReader(m).readAll({ after, upTo: head, limit });
    const page: LogPage = { events: [], unreadable: [], last: stored.length ? stored[stored.length - 1].globalPosition : null };
    for (const e of stored) {
      try {
        page.events.push(projectedFromStored(e));
      } catch (error) {
        const reason = (error as Error)?.message ?? String(error);
        page.unreadable.push({ position: e.globalPosition, id: e.eventId, type: e.type, reason });
      }
    }
    return page;
  }

  /** A page into a group of projections, in one transaction; its unreadable events are set aside for each of them. */
  private async applyPage(group: Projection[], page: LogPage): Promise<void> {
    try {
      await this.ds.transaction(async (m) => {
        await this.apply(m, group, page.events, false);
        await this.setAsideUnreadable(m, group, page.unreadable);
      });
    } catch (error) {
      if (isTransient(error)) throw error;
      // A bad event fails the whole page: redo it halving, so only the bad events are applied alone and set aside.
      await this.ds.transaction(async (m) => {
        await this.applyWithin(m, group, page.events);
        await this.setAsideUnreadable(m, group, page.unreadable);
      });
    }
  }

  /** A page within the caller's transaction (the swap's): its events as applyWithin applies them, its unreadable set aside. */
  async applyPageWithin(m: EntityManager, projections: Projection[], page: LogPage): Promise<void> {
    await this.applyWithin(m, projections, page.events);
    await this.setAsideUnreadable(m, projections, page.unreadable);
  }

  /** A failure row per projection for each event the code cannot read, in the caller's transaction. */
  private async setAsideUnreadable(m: EntityManager, projections: Projection[], unreadable: Unreadable[]): Promise<void> {
    for (const u of unreadable) {
      for (const projection of projections) {
        this.failures++;
        this.failed.push({ projection: projection.name, position: u.position });
        await m.query(
          `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [projection.name, u.position, u.id, u.type, u.reason.slice(0, 2000)],
        );
      }
      this.logger.error(`rebuild set aside ${u.id} (position ${u.position}, ${u.type}) for ${projections.length} read models: ${u.reason}`);
    }
  }

  /** In the caller's transaction: whole under a savepoint, else each half again, down to single events set aside. */
  async applyWithin(m: EntityManager, projections: Projection[], events: ProjectedEvent[]): Promise<void> {
    if (!events.length) return;
    await m.query('SAVEPOINT rebuild_page');
    try {
      await this.apply(m, projections, events, false);
      await m.query('RELEASE SAVEPOINT rebuild_page');
      return;
    } catch (error) {
      await m.query('ROLLBACK TO SAVEPOINT rebuild_page');
      if (isTransient(error)) throw error;
    }
    if (events.length === 1) return this.apply(m, projections, events, true);
    const middle = Math.ceil(events.length / 2);
    await this.applyWithin(m, projections, events.slice(0, middle));
    await this.applyWithin(m, projections, events.slice(middle));
  }

  /** Applies events to projections in the caller's transaction: whole, or (careful) event by event under savepoints. */
  async apply(m: EntityManager, projections: Projection[], events: ProjectedEvent[], careful: boolean): Promise<void> {
    for (const projection of projections) {
      const take = events.filter((e) => !projection.handles || projection.handles(e));
      if (!take.length) continue;
      if (!careful && projection.applyMany) await projection.applyMany(m, take);
      else for (const event of take) await (careful ? this.applyCarefully(m, projection, event) : projection.apply(m, event));
    }
  }

  private async applyCarefully(m: EntityManager, projection: Projection, event: ProjectedEvent): Promise<void> {
    await m.query('SAVEPOINT rebuild_event');
    try {
      await projection.apply(m, event);
      await m.query('RELEASE SAVEPOINT rebuild_event');
    } catch (error) {
      await m.query('ROLLBACK TO SAVEPOINT rebuild_event');
      // A lost connection or a deadlock is not the event's fault: the whole step is retried or fails.
      if (isTransient(error)) throw error;
      this.failures++;
      this.failed.push({ projection: projection.name, position: event.globalPosition });
      const reason = (error as Error)?.message ?? String(error);
      this.logger.error(`rebuild skipped ${event.id} (position ${event.globalPosition}) for ${projection.name}: ${reason}`);
      await m.query(
        `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [projection.name, event.globalPosition, event.id, event.type, reason.slice(0, 2000)],
      );
    }
  }
}

const EMPTY_PAGE: LogPage = { events: [], unreadable: [], last: null };

// Pages a group may run ahead of the slowest one.
const LOOKAHEAD = 2;

const signal = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** The log's pages in order, each read once (after the one before it) and kept until released. */
class PageReader {
  private readonly pages = new Map<number, Promise<LogPage>>();
  private last = -1;

  constructor(
    private readonly read: (after: string) => Promise<LogPage>,
    private readonly after: string,
    private readonly head: string,
  ) {}

  page(k: number): Promise<LogPage> {
    for (let i = this.last + 1; i <= k; i++) {
      const previous = i === 0 ? Promise.resolve(null) : this.pages.get(i - 1)!;
      const next = previous.then((page) => {
        const from = page === null ? this.after : page.last;
        return from === null || BigInt(from) >= BigInt(this.head) ? EMPTY_PAGE : this.read(from);
      });
      next.catch(() => undefined); // awaited by whoever asked for it; not unhandled meanwhile
      this.pages.set(i, next);
      this.last = i;
    }
    return this.pages.get(k)!;
  }

  /** Drops a page's events (every group has applied it); only its last position is kept for the next read. */
  release(k: number): void {
    const page = this.pages.get(k);
    if (page)
      this.pages.set(
        k,
        page.then(({ last }) => ({ events: [], unreadable: [], last })),
      );
    this.pages.delete(k - 1);
  }
}

const isTransient = (error: unknown) => /^(08|40|57P0)/.test((error as { code?: string })?.code ?? '');
