import { FeedRow } from './feed.repository';
import { feedItemJson } from './feed-item.serializer';

export type Lang = 'en' | 'fr';

/** One item as an SSE frame: `id:` is the global position, so EventSource resumes by itself with Last-Event-ID. */
export function sseFrame(row: FeedRow, lang: Lang): string {
  return `id: ${row.position}\ndata: ${feedItemJson(row, lang)}\n\n`;
}

/** One item as a WebSocket message (one message per item is the protocol). */
export function wsMessage(row: FeedRow, lang: Lang): string {
  return `{"type":"item","position":"${row.position}","item":${feedItemJson(row, lang)}}`;
}

/**
 * The items of one broadcast that match one (language, filter) group, encoded once for all of its subscribers:
 * the SSE frames as one Buffer, so a subscriber gets the whole burst in one write (and one that already has the
 * first few, a subarray of it: no copy), and each WebSocket message as a Buffer that ws frames without copying.
 * Encoded on first use: a group with no WebSocket member never builds messages.
 */
export class FeedBurst {
  private sse: Buffer | null = null;
  /** Byte offset of each item's frame in `sse`. */
  private offsets: number[] = [];
  private ws: Buffer[] | null = null;

  constructor(
    /** In position order, every one matching the group's filter. */
    readonly items: readonly FeedRow[],
    readonly lang: Lang,
  ) {}

  /** The index of the first item after `position` (items.length when there is none). */
  firstAfter(position: bigint): number {
    const items = this.items;
    if (items.length === 0 || items[0].pos > position) return 0;
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (items[mid].pos <= position) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The SSE frames of items[from..], as one chunk. */
  sseFrom(from: number): Buffer {
    if (!this.sse) {
      const frames = this.items.map((item) => Buffer.from(sseFrame(item, this.lang)));
      let offset = 0;
      this.offsets = frames.map((frame) => {
        const at = offset;
        offset += frame.length;
        return at;
      });
      this.sse = Buffer.concat(frames, offset);
    }
    return from === 0 ? this.sse : this.sse.subarray(this.offsets[from]);
  }

  wsMessages(): readonly Buffer[] {
    return (this.ws ??= this.items.map((item) => Buffer.from(wsMessage(item, this.lang))));
  }

  /** The recording time of the oldest item: the burst's delivery lag is sampled from it. */
  get oldestRecordedMs(): number {
    let oldest = Infinity;
    for (const item of this.items) if (item.recordedMs < oldest) oldest = item.recordedMs;
    return oldest;
  }
}
