import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { FEED_CHANNEL } from '@newsroom/projections';
import { FeedRepository, FeedRow } from './feed.repository';
import { FeedFilter } from './feed-query.reader';

/** The tail reads every item: subscribers are matched to their filters in process. */
const EVERYTHING: FeedFilter = { types: null, subjects: null, organization: null };

/**
 * What the tail reads while no one subscribes: the items the hub needs with no subscriber, those that move its
 * standing merges (entity.merged and entity.unmerged). `when` says whether no one subscribes now.
 */
export interface QuietReads {
  when: () => boolean;
  filter: FeedFilter;
}

/**
 * One tail per query instance: it follows the feed watermark (woken by the projector's NOTIFY, with a poll as a
 * fallback) and hands every new item, in position order, to the listener exactly once (while no one subscribes,
 * only the items `quiet` asks for: see `advance`). Subscribers fan out in process from here, so a thousand
 * clients cost one database reader, not a thousand.
 */
export class FeedTail {
  private readonly logger = new Logger(FeedTail.name);
  private position = '0';
  private running = false;
  private listenClient: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private again = false;
  lastError: string | null = null;
  lastAdvanceAt = 0;
  /** Called each time the position moves (reads waiting for a position: ReadModelFreshness). */
  private readonly movedListeners: Array<(position: string) => void> = [];

  constructor(
    private readonly repository: FeedRepository,
    private readonly databaseUrl: string,
    private readonly pollMs: number,
    private readonly onItems: (items: FeedRow[], position: string) => void,
    /** Items per read, hence per synchronous broadcast: the burst every live client must absorb at once. */
    private readonly pageSize = 1000,
    private readonly quiet: QuietReads | null = null,
  ) {}

  get broadcastPosition(): string {
    return this.position;
  }

  /** `listener` is called with the new position each time it moves, after the items up to it were handed on. */
  onMoved(listener: (position: string) => void): void {
    this.movedListeners.push(listener);
  }

  /** Started and not stopped: from here on every item after `broadcastPosition` will be broadcast. */
  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    // Positioned first: `isRunning` promises that every item after `broadcastPosition` is still to be broadcast.
    this.position = await this.repository.watermark();
    this.running = true;
    await this.listen();
    this.timer = setInterval(() => this.poke(), this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.busy;
    await this.listenClient?.end().catch(() => undefined);
    this.listenClient = null;
  }

  /** Coalesces wake-ups: at most one catch-up runs, and one more is queued if woken meanwhile. */
  poke(): void {
    if (!this.running) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.advance()
      .catch((e) => {
        this.lastError = e.message;
        this.logger.warn(`feed tail failed: ${e.message}`);
      })
      .finally(() => {
        this.busy = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /**
   * Reads on until the watermark: one statement per page, which reads the watermark and the items up to it in one
   * snapshot (a wake-up costs one round trip, not a watermark read and then a range read).
   *
   * While no one subscribes, a page holds only the items `quiet.filter` takes: the rest would be read, parsed and
   * mapped for nobody (under write load that was a sixth of the query service's CPU, taken from the reports). A
   * client that subscribes during such a read goes live at the position the read started from (or reads its
   * history up to past it), so the read is thrown away and its range read again whole before the position moves:
   * everything after the position a client went live at is still broadcast to it.
   */
  private async advance(): Promise<void> {
    for (;;) {
      const quiet = this.quiet?.when() === true;
      const { items, watermark } = await this.repository.page(quiet ? this.quiet.filter : EVERYTHING, this.position, this.pageSize);
      this.lastError = null;
      if (quiet && !this.quiet.when()) continue;
      if (BigInt(watermark) <= BigInt(this.position)) return;
      // Positions between items with no row are gaps (aborted appends); jump to the watermark after the last page.
      const next = items.length === this.pageSize ? items[items.length - 1].position : watermark;
      // Handed on first, then moved (no await between, so no subscriber sees the position in between): if the
      // broadcast throws, the position stays and the next wake-up reads the range again, so a live subscriber is
      // never skipped past items it did not get (each skips what it already has). A quiet page with nothing in
      // it still moves the position the hub reports.
      if (items.length || quiet) this.onItems(items, next);
      this.position = next;
      this.lastAdvanceAt = Date.now();
      for (const listener of this.movedListeners) listener(next);
      if (next === watermark) return;
    }
  }

  /** LISTEN on a connection of its own; when it fails or drops, polling carries on and LISTEN is retried. */
  private async listen(): Promise<void> {
    if (!this.running) return;
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'query-feed-tail' });
    let retrying = false;
    const retry = (error: Error) => {
      if (retrying || !this.running) return;
      retrying = true;
      if (this.listenClient === client) this.listenClient = null;
      client.end().catch(() => undefined);
      this.logger.warn(`LISTEN ${FEED_CHANNEL} lost (${error.message}); polling every ${this.pollMs} ms until it is back`);
      setTimeout(() => void this.listen(), 1000).unref();
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    client.on('notification', () => this.poke());
    try {
      await client.connect();
      await client.query(`LISTEN ${FEED_CHANNEL}`);
      if (!this.running) return void (await client.end().catch(() => undefined));
      this.listenClient = client;
      this.poke(); // whatever moved while we were not listening
    } catch (error) {
      retry(error as Error);
    }
  }
}
