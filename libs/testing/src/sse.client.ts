/** A minimal SSE client over fetch for tests: collects frames, remembers the last id, can be closed. */
export interface SseFrame {
  id?: string;
  event?: string;
  data: string;
}

export class SseClient {
  readonly frames: SseFrame[] = [];
  comments = 0;
  status = 0;
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();
  closed = false;

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: client.controller.signal });
    client.status = res.status;
    if (!res.ok || !res.body) {
      client.closed = true;
      return client;
    }
    client.done = client.read(res.body);
    return client;
  }

  get items(): any[] {
    return this.frames.filter((f) => !f.event || f.event === 'message').map((f) => JSON.parse(f.data));
  }

  get lastId(): string | undefined {
    return [...this.frames].reverse().find((f) => f.id !== undefined)?.id;
  }

  close(): void {
    this.controller.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as any as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      /* aborted */
    } finally {
      this.closed = true;
    }
  }

  private parse(block: string): void {
    const frame = parseSseBlock(block);
    if (frame) this.frames.push(frame);
    else this.comments++;
  }
}

/** One SSE block (the text between blank lines) as a frame; null for a block of comments only. */
export function parseSseBlock(block: string): SseFrame | null {
  const frame: SseFrame = { data: '' };
  let hasData = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'data') {
      frame.data += (hasData ? '\n' : '') + value;
      hasData = true;
    }
  }
  return hasData ? frame : null;
}
