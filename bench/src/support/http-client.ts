import { Agent, request } from 'node:http';

/** A keep-alive HTTP/1.1 client with one socket per concurrent caller, like a pool of real clients. */
export class HttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    sockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /**
   * POSTs JSON; resolves with the status and the parsed body (the text when it is not JSON), rejects on 5xx or a
   * transport error. `T` is the body the caller expects; nothing checks it.
   */
  post<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }> {
    const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return this.send('POST', path, payload) as Promise<{ status: number; body: T }>;
  }

  get(path: string): Promise<{ status: number; body: unknown }> {
    return this.send('GET', path, null);
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * A request that failed on a reused keep-alive socket the server had just closed is sent once more on a fresh
   * one (what HTTP clients do for idempotent requests; every bench write carries its event ids, so a repeat is a
   * duplicate, not a second event).
   */
  private async send(method: string, path: string, payload: Buffer | null): Promise<{ status: number; body: unknown }> {
    try {
      return await this.sendOnce(method, path, payload);
    } catch (error) {
      const failure = error as (NodeJS.ErrnoException & { reused?: boolean }) | undefined;
      if (failure?.reused && (failure.code === 'ECONNRESET' || failure.code === 'EPIPE')) return this.sendOnce(method, path, payload);
      throw error;
    }
  }

  private sendOnce(method: string, path: string, payload: Buffer | null): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          method,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          headers: { ...this.headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* not JSON */
            }
            const status = res.statusCode ?? 0;
            if (status >= 500) reject(new Error(`${method} ${path}: ${status} ${text.slice(0, 300)}`));
            else resolve({ status, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', (error: Error) => reject(Object.assign(error, { reused: req.reusedSocket })));
      req.end(payload ?? undefined);
    });
  }
}
