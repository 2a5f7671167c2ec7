import { createConnection, createServer, Server, Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket | null;
}

/**
 * A loopback TCP proxy for fault tests, in front of a broker or Postgres: every connection is piped to
 * 127.0.0.1:targetPort, with controls to add latency per chunk, reset every connection, or blackhole (accept
 * and keep sockets, forward nothing, as a network partition does; TCP's buffers hold what was sent and it
 * flows on heal unless an endpoint gave up first).
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private latencyMs = 0;
  private blackholed = false;
  private healTimer: NodeJS.Timeout | null = null;
  /** Per direction of each connection: sends what arrived during a blackhole. */
  private readonly flushers = new Set<() => void>();
  /** Connections accepted since start, and resets done (for the test's log). */
  accepted = 0;

  /** Where connections go; may be set after start (e.g. a broker that must advertise the proxy's port first). */
  targetPort: number;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    targetPort: number,
  ) {
    this.targetPort = targetPort;
  }

  static async start(targetPort: number, listenPort = 0): Promise<TcpProxy> {
    // Assigned once below; the connection callback needs the name before the instance exists.
    // eslint-disable-next-line prefer-const
    let proxy!: TcpProxy;
    const server = createServer({ pauseOnConnect: true }, (client) => proxy.accept(client));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
    proxy = new TcpProxy(server, port, targetPort);
    return proxy;
  }

  get connections(): number {
    return this.pairs.size;
  }

  /** Added to every chunk, each way; order is kept. 0 turns it off. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Destroys every open connection with a TCP RST, both sides. New connections are accepted as usual. */
  resetAll(): void {
    for (const pair of [...this.pairs]) {
      pair.client.resetAndDestroy();
      pair.upstream?.resetAndDestroy();
      this.pairs.delete(pair);
    }
  }

  /** Forwards nothing (existing and new connections stay open and silent) until heal(), or for `ms`. */
  blackhole(ms?: number): void {
    this.blackholed = true;
    for (const pair of this.pairs) {
      pair.client.pause();
      pair.upstream?.pause();
    }
    if (this.healTimer) clearTimeout(this.healTimer);
    this.healTimer = ms === undefined ? null : setTimeout(() => this.heal(), ms);
  }

  /** Ends a blackhole and latency: what was held flows on, waiting connections are connected. */
  heal(): void {
    if (this.healTimer) clearTimeout(this.healTimer);
    this.healTimer = null;
    this.blackholed = false;
    this.latencyMs = 0;
    for (const flush of this.flushers) flush();
    for (const pair of this.pairs) this.open(pair);
  }

  async close(): Promise<void> {
    if (this.healTimer) clearTimeout(this.healTimer);
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    const pair: Pair = { client, upstream: null };
    this.pairs.add(pair);
    const drop = () => {
      if (!this.pairs.delete(pair)) return;
      client.destroy();
      pair.upstream?.destroy();
    };
    client.on('error', drop);
    client.on('close', drop);
    if (!this.blackholed) this.open(pair);
  }

  private open(pair: Pair): void {
    if (!pair.upstream) {
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      pair.upstream = upstream;
      const drop = () => {
        if (!this.pairs.delete(pair)) return;
        pair.client.destroy();
        upstream.destroy();
      };
      upstream.on('error', drop);
      upstream.on('close', drop);
      this.pipe(pair.client, upstream);
      this.pipe(upstream, pair.client);
    }
    pair.client.resume();
    pair.upstream.resume();
  }

  /** Chunks go in order; with latency each leaves no earlier than `latencyMs` after it arrived. */
  private pipe(from: Socket, to: Socket): void {
    let last = 0;
    const send = (chunk: Buffer | null) => {
      // null: the end of the stream, kept behind the chunks still delayed
      const write = () => (chunk === null ? to.end() : !to.destroyed && to.write(chunk));
      const delay = this.latencyMs;
      if (delay <= 0 && last <= Date.now()) {
        if (write() === false) from.pause();
        return;
      }
      const at = Math.max(Date.now() + delay, last);
      last = at;
      setTimeout(write, at - Date.now());
    };
    const held: Array<Buffer | null> = [];
    const flush = () => {
      while (held.length > 0 && !this.blackholed) send(held.shift()!);
    };
    this.flushers.add(flush);
    from.on('close', () => this.flushers.delete(flush));
    from.on('data', (chunk: Buffer) => {
      if (this.blackholed || held.length > 0) {
        from.pause();
        held.push(chunk);
        return;
      }
      send(chunk);
    });
    to.on('drain', () => {
      if (!this.blackholed) from.resume();
    });
    from.on('end', () => (this.blackholed || held.length > 0 ? held.push(null) : send(null)));
  }
}
