/** One Server-Sent Events message (comments such as heartbeats are dropped). */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
  retry?: number;
}

/** Incremental SSE parser (the WHATWG rules that matter here): feed it text as it arrives, get whole messages. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  private retry: number | undefined;

  push(text: string): SseMessage[] {
    this.buffer += text;
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (this.data.length || this.id !== undefined || this.retry !== undefined)
          out.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n'), retry: this.retry });
        this.data = [];
        this.event = '';
        this.id = undefined;
        this.retry = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    }
    return out;
  }
}
