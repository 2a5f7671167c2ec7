import { get, IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { FeedItem, FeedPage, parseSseBlock, pollUntil, SseFrame } from '@newsroom/testing';
import { Problem } from './stack.harness';

/** Test helpers for the live feed: a WebSocket client, the whole filtered history, and the exact-sequence check. */

export interface FeedFilterParams {
  types?: string[];
  subjects?: string[];
  organization?: string;
  lang?: 'en' | 'fr';
}

export function filterQuery(filter: FeedFilterParams, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams(extra);
  if (filter.types) p.set('types', filter.types.join(','));
  if (filter.subjects) p.set('subjects', filter.subjects.join(','));
  if (filter.organization) p.set('organization', filter.organization);
  if (filter.lang) p.set('lang', filter.lang);
  return p.toString();
}

/** A frame the query app sends on /v1/feed/ws (README, live feed): an acknowledgement, an item, an error, a close. */
export type WsFrame =
  | { type: 'subscribed'; after: string }
  | { type: 'item'; position: string; item: FeedItem }
  | { type: 'error'; problem: Problem }
  | { type: 'close'; code: string; message: string };

/** The frame that ends a WebSocket subscription: a server-side close (code, message) or an error (problem). */
export interface WsEndFrame {
  type: 'close' | 'error';
  code?: string;
  message?: string;
  problem?: Problem;
}

/** The `close` event an SSE stream ends with before a server-side close. */
export interface SseCloseEvent {
  code: string;
  message: string;
}

/** A WebSocket feed client: subscribes, collects item frames, remembers the close frame and code. */
export class WsFeedClient {
  readonly ws: WebSocket;
  readonly items: FeedItem[] = [];
  readonly frames: WsFrame[] = [];
  closeCode: number | null = null;
  status = 0;
  private readonly opened: Promise<void>;
  readonly closedPromise: Promise<number>;

  constructor(url: string, headers: Record<string, string> = {}, options: { autoPong?: boolean } = {}) {
    this.ws = new WebSocket(url, { headers, ...options });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => {
        this.status = res.statusCode ?? 0;
        reject(new Error(`upgrade refused: ${res.statusCode}`));
      });
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closedPromise = new Promise((resolve) =>
      this.ws.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    this.ws.on('message', (data) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      const frame = JSON.parse(bytes.toString()) as WsFrame;
      this.frames.push(frame);
      if (frame.type === 'item') this.items.push(frame.item);
    });
    this.ws.on('error', () => undefined);
  }

  static async subscribe(
    url: string,
    message: unknown,
    headers: Record<string, string> = {},
    options: { autoPong?: boolean } = {},
  ): Promise<WsFeedClient> {
    const client = new WsFeedClient(url, headers, options);
    await client.opened;
    client.send(message);
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  get lastPosition(): string | undefined {
    return this.items.length ? this.items[this.items.length - 1].position : undefined;
  }

  get closeFrame(): WsEndFrame | undefined {
    return this.frames.find((f) => f.type === 'close' || f.type === 'error');
  }

  close(): void {
    this.ws.terminate();
  }

  waitOpen(): Promise<void> {
    return this.opened;
  }
}

/**
 * An SSE client on node:http whose reading can be paused: a paused response stops reading its socket, so the
 * server sees a client that does not keep up (TCP back-pressure), as a stuck browser tab or proxy would be.
 */
export class RawSseClient {
  readonly frames: SseFrame[] = [];
  ended = false;
  bytes = 0;
  private res!: IncomingMessage;
  private buffer = '';

  static connect(url: string, headers: Record<string, string> = {}): Promise<RawSseClient> {
    const client = new RawSseClient();
    return new Promise((resolve, reject) => {
      const req = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.res = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.take(chunk));
        res.on('end', () => (client.ended = true));
        res.on('close', () => (client.ended = true));
        res.on('error', () => (client.ended = true));
        resolve(client);
      });
      req.on('error', reject);
    });
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  get items(): FeedItem[] {
    return this.frames.filter((f) => !f.event).map((f) => JSON.parse(f.data) as FeedItem);
  }

  get closeEvent(): SseCloseEvent | undefined {
    const frame = this.frames.find((f) => f.event === 'close');
    return frame ? (JSON.parse(frame.data) as SseCloseEvent) : undefined;
  }

  pause(): void {
    this.res.pause();
  }

  resume(): void {
    this.res.resume();
  }

  close(): void {
    this.res.destroy();
  }

  private take(chunk: string): void {
    this.bytes += chunk.length;
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const frame = parseSseBlock(block);
      if (frame) this.frames.push(frame);
    }
  }
}

/** Every item of the filtered feed, read page by page with GET /v1/feed. */
export async function readWholeFeed(
  queryUrl: string,
  filter: FeedFilterParams,
  after = '0',
  headers: Record<string, string> = {},
): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for (let cursor = after; ;) {
    const res = await fetch(`${queryUrl}/v1/feed?${filterQuery(filter, { after: cursor, limit: '1000' })}`, { headers });
    if (!res.ok) throw new Error(`GET /v1/feed answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as FeedPage;
    items.push(...page.items);
    if (!page.items.length) return items;
    cursor = page.next;
  }
}

/** Positions as a compact string, so a failure shows where a gap or a duplicate is. */
export const positionsOf = (items: Array<{ position: string }>) => items.map((i) => i.position);

/** Waits until the client has caught up with the last expected position. */
export function untilReached(getItems: () => Array<{ position: string }>, last: string | undefined, what: string, timeoutMs = 30000) {
  return pollUntil(() => !last || getItems().some((i) => i.position === last), { timeoutMs, intervalMs: 100, what });
}
