import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { PROJECTION_NAMES, readModelsIncomplete } from '@newsroom/projections';
import { problems, ProblemError } from '@newsroom/platform';
import { QUERY_CONFIG, QueryConfig } from '../../config/query.config';
import { READ_DB } from '../../database/read-database.module';
import { FeedHub } from '../../feed/feed-hub.service';

/** Every event recorded up to this global position is in the answer. */
const POSITION_HEADER = 'Newsroom-Position';
/**
 * Read models the answer draws on that lack part of the log: their history is still being folded into them (a
 * backfill), or they have no checkpoint yet while the log holds events (before the projector's first start on them).
 */
const PARTIAL_HEADER = 'Newsroom-Partial';

/** Reads of which read models are incomplete are shared for this long: a backfill lasts seconds to minutes. */
const BACKFILLS_TTL_MS = 1000;
/** Requests waiting for a position at once on an instance; past it, 503 at once rather than more timers. */
const MAX_WAITERS = 10_000;

/** Facts carry their corroboration (feed), their entities' names and merges (entity links) and `conflictsWith`. */
const FACTS = ['feed', 'entity-links', 'conflicts'] as const;

/** Answers naming cases and products name them as the entity registry does (a filing's title, an announcement's name). */
const NAMES = 'entities';

/** The read models (projection names) each answer draws on. */
export const READ_MODELS = {
  leadership: ['leadership', ...FACTS],
  departures: ['departures', ...FACTS],
  lawsuits: ['lawsuits', ...FACTS, NAMES],
  financials: ['financials', ...FACTS],
  timeline: ['timeline', ...FACTS, NAMES],
  conflicts: ['conflicts', 'feed', NAMES],
  entities: ['entities', 'timeline', 'entity-links', 'conflicts'],
  sources: ['sources', 'conflicts', NAMES],
} as const satisfies Record<string, readonly string[]>;

interface Waiter {
  position: bigint;
  done: () => void;
}

/**
 * How fresh a report is, and reading one's own writes. Every report, entity and source answer says which position
 * of the log it holds every event up to (`Newsroom-Position`: the feed watermark, which the projector moves only
 * after the read models of a batch committed, read before the report's own query) and which of its read models are
 * still being backfilled (`Newsroom-Partial`). A client that wrote an event (its `globalPosition`) and asks with
 * `minPosition` gets an answer that holds it: the read waits until the position is reached, up to
 * QUERY_MIN_POSITION_WAIT_MS, woken by the feed tail's moves (no polling), else 503 READ_MODEL.BEHIND.
 */
@Injectable()
export class ReadModelFreshness {
  private readonly waiters = new Set<Waiter>();
  private backfills: { at: number; names: ReadonlySet<string> } | null = null;
  private backfillsRead: Promise<ReadonlySet<string>> | null = null;

  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly hub: FeedHub,
  ) {
    hub.onPositionMoved((position) => this.moved(BigInt(position)));
  }

  /** Before a report's read: waits for `minPosition` (when given), then sets the answer's freshness headers. */
  async settle(res: Response, minPosition: string | null, readModels: readonly string[]): Promise<void> {
    if (minPosition !== null) await this.reach(BigInt(minPosition));
    const partial = await this.partial(readModels);
    res.setHeader(POSITION_HEADER, this.hub.position);
    if (partial.length) {
      res.setHeader(PARTIAL_HEADER, partial.join(', '));
      // Express tags an answer by its body alone and answers 304 when the tag matches, and an HTTP cache keeps the
      // stored headers a 304 leaves out: a whole answer revalidated after a backfill would still say partial in a
      // browser (and a backfill changes the body at one position). A partial answer gets a tag nothing matches.
      res.setHeader('ETag', `W/"partial-${randomUUID()}"`);
    }
  }

  /** Those of `readModels` that lack part of the log (being backfilled, or not yet started on a non-empty log). */
  async partial(readModels: readonly string[]): Promise<string[]> {
    const backfilling = await this.backfilling();
    return readModels.filter((name) => backfilling.has(name));
  }

  private reach(target: bigint): Promise<void> {
    if (BigInt(this.hub.position) >= target) return Promise.resolve();
    const waitMs = this.config.QUERY_MIN_POSITION_WAIT_MS;
    if (waitMs === 0 || this.waiters.size >= MAX_WAITERS) return Promise.reject(this.behind(target, 0));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(this.behind(target, waitMs));
      }, waitMs);
      const waiter: Waiter = {
        position: target,
        done: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
  }

  private moved(position: bigint): void {
    for (const waiter of this.waiters) if (position >= waiter.position) waiter.done();
  }

  private behind(target: bigint, waitedMs: number): ProblemError {
    const position = this.hub.position;
    const waited = waitedMs ? ` within ${waitedMs} ms` : '';
    // The parameter that asked for the position is named in `errors`, as every problem names what it is about; the
    // extensions keep both positions for clients that read them.
    return problems.unavailable(
      `The read models hold every event up to position ${position}, not yet up to ${target}${waited}. Retry shortly ` +
        '(a position the event store never recorded is never reached).',
      1,
      'READ_MODEL.BEHIND',
      { position, minPosition: String(target) },
      [{ path: 'minPosition', message: `not reached yet: the read models hold every event up to position ${position}` }],
    );
  }

  private backfilling(): Promise<ReadonlySet<string>> {
    const now = Date.now();
    if (this.backfills && now - this.backfills.at < BACKFILLS_TTL_MS) return Promise.resolve(this.backfills.names);
    this.backfillsRead ??= readModelsIncomplete(this.db, PROJECTION_NAMES)
      .then((names) => {
        this.backfills = { at: now, names: new Set(names) };
        return this.backfills.names;
      })
      .finally(() => (this.backfillsRead = null));
    return this.backfillsRead;
  }
}
