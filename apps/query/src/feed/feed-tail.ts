import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { FEED_CHANNEL, FeedItemRow } from '@newsroom/projections';
import { FeedRepository } from './feed.repository';

/**
 * One tail per query instance: it follows the feed watermark (woken by the projector's NOTIFY, with a poll as a
 * fallback) and hands every new item, in position order, to the listener exactly once. Subscribers fan out in
 * process from here, so a thousand clients cost one database reader, not a thousand.
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

  constructor(
    private readonly repository: FeedRepository,
    private readonly databaseUrl: string,
    private readonly pollMs: number,
    private readonly onItems: (items: FeedItemRow[]) => void,
  ) {}

  get broadcastPosition(): string {
    return this.position;
  }

  async start(): Promise<void> {
    this.running = true;
    this.position = await this.repository.watermark();
    await this.listen().catch((e) => this.logger.warn(`LISTEN failed, polling only: ${e.message}`));
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

  private async advance(): Promise<void> {
    const watermark = await this.repository.watermark();
    this.lastError = null;
    while (BigInt(watermark) > BigInt(this.position)) {
      const items = await this.repository.range(this.position, watermark, 1000);
      // Positions between items with no row are gaps (aborted appends); jump to the watermark after the last page.
      const next = items.length === 1000 ? items[items.length - 1].position : watermark;
      this.position = next;
      this.lastAdvanceAt = Date.now();
      if (items.length) this.onItems(items);
    }
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'query-feed-tail' });
    client.on('error', (e) => {
      this.logger.warn(`LISTEN connection lost: ${e.message}; reconnecting`);
      this.listenClient = null;
      setTimeout(() => this.running && this.listen().catch(() => undefined), 1000).unref();
    });
    client.on('notification', () => this.poke());
    await client.connect();
    await client.query(`LISTEN ${FEED_CHANNEL}`);
    this.listenClient = client;
  }
}
