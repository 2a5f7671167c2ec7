import { parseSseBlock } from '../sse.client';
import { sleep } from './proc.util';

export interface SeenItem {
  position: string;
  eventId: string;
  /** Which connection (0-based) delivered it. */
  connection: number;
}

/**
 * A live subscriber that behaves like a browser's EventSource: it reads GET /v1/feed/stream and, whenever the
 * stream ends or fails (the query service restarted, a network error), reconnects after a short wait with
 * `Last-Event-ID` set to the last id it saw. It records every item with the connection that delivered it, so the
 * oracle can check it saw each matching item exactly once and in position order, across reconnects.
 */
export class ResumingSseSubscriber {
  readonly items: SeenItem[] = [];
  /** Status of each connection attempt (0 when it did not connect). */
  readonly connections: number[] = [];
  lastId: string | undefined;
  private stopped = false;
  private controller: AbortController | null = null;
  private loop: Promise<void> = Promise.resolve();

  /**
   * @param url  the query base URL, read at each reconnect
   * @param query the filter query string (without `?`), e.g. `types=executive.departed`
   * @param after start after this position (default: the beginning)
   */
  constructor(
    private readonly url: () => string,
    private readonly query = '',
    after?: string,
    private readonly headers: Record<string, string> = {},
    private readonly retryMs = 300,
    /** Stops by itself after this long, so a test that fails before stop() leaves nothing running. */
    private readonly maxLifetimeMs = 240000,
  ) {
    this.lastId = after;
  }

  start(): this {
    const timer = setTimeout(() => void this.stop(), this.maxLifetimeMs);
    timer.unref();
    this.loop = this.run().finally(() => clearTimeout(timer));
    return this;
  }

  get reconnects(): number {
    return Math.max(0, this.connections.length - 1);
  }

  get positions(): string[] {
    return this.items.map((i) => i.position);
  }

  /** Waits until it has seen `position` (or any later one). */
  async waitFor(position: string, timeoutMs = 30000): Promise<void> {
    const target = BigInt(position);
    const started = Date.now();
    while (!this.items.some((i) => BigInt(i.position) >= target)) {
      if (Date.now() - started > timeoutMs)
        throw new Error(
          `subscriber did not reach position ${position} in ${timeoutMs} ms (last ${this.lastId}, ${this.connections.length} connections: ${this.connections.join(',')})`,
        );
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.controller?.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const connection = this.connections.length;
      this.controller = new AbortController();
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', ...this.headers };
        if (this.lastId !== undefined) headers['last-event-id'] = this.lastId;
        const res = await fetch(`${this.url()}/v1/feed/stream${this.query ? `?${this.query}` : ''}`, {
          headers,
          signal: this.controller.signal,
        });
        this.connections.push(res.status);
        if (res.ok && res.body) await this.read(res.body, connection);
        else await res.body?.cancel().catch(() => undefined);
      } catch {
        if (this.connections.length === connection) this.connections.push(0);
      }
      if (!this.stopped) await sleep(this.retryMs);
    }
  }

  private async read(body: ReadableStream<Uint8Array>, connection: number): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = parseSseBlock(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (!frame) continue;
        if (frame.id !== undefined && frame.id !== '') this.lastId = frame.id;
        if (frame.event && frame.event !== 'message') continue;
        try {
          const item = JSON.parse(frame.data);
          if (item?.position !== undefined) this.items.push({ position: String(item.position), eventId: String(item.eventId), connection });
        } catch {
          /* not an item */
        }
      }
    }
  }
}
