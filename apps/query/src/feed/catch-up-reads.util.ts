import type { FeedFilter } from './feed-query.reader';
import type { CatchUpSource } from './feed-subscription.service';

/**
 * The history reads of subscribers catching up, at most `limit` at once; the others wait their turn in arrival order.
 * Catch-ups share the query service's connection pool with every other reader: 120 dashboards resuming at once held
 * all of them, and a one-item `GET /v1/feed` queued behind their pages for seconds. Bounded below the pool's size, a
 * storm of resumes takes as long as before, and other readers still find a connection.
 */
export class CatchUpReads implements CatchUpSource {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly source: CatchUpSource,
    private readonly limit: number,
  ) {}

  async page(filter: FeedFilter, after: string, limit: number): ReturnType<CatchUpSource['page']> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await this.source.page(filter, after, limit);
    } finally {
      // The slot passes to the next in line as it is (no window in which a newcomer could take it first).
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Reads going on, and reads waiting for one to end. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
