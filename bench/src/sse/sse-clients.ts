import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../config/bench.config';
import { LatencyHistogram } from '../support/stats';
import type { ClientCommand, ClientStats } from './sse-client.process';

export interface FleetStats {
  frames: number;
  bytes: number;
  open: number;
  closedByServer: number;
  latency: LatencyHistogram;
  /** With `items`: per item (its `recordedAt`), the earliest and latest delay of its frames over every process. */
  items?: Map<string, [number, number]>;
}

/**
 * Live-feed subscribers spread over a few processes (one process cannot hold 10,000 sockets and read them all
 * fast): SSE streams, or WebSockets when `subscribe` (the message sent once open) is given.
 */
export class SseClients {
  private constructor(private readonly children: ChildProcess[]) {}

  static async open(url: string, count: number, processes: number, subscribe?: string): Promise<SseClients> {
    const n = Math.max(1, Math.min(processes, count));
    const children = Array.from({ length: n }, () =>
      fork(join(__dirname, 'sse-client.process.js'), [], {
        cwd: ROOT,
        execArgv: ['-r', join(ROOT, 'scripts', 'register-paths.js')],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const fleet = new SseClients(children);
    try {
      const results = await Promise.all(
        children.map((c, i) =>
          fleet.ask<{ connected: number; failed: number }>(
            c,
            { cmd: 'connect', url, count: Math.floor(count / n) + (i < count % n ? 1 : 0), concurrency: 50, subscribe },
            'connected',
          ),
        ),
      );
      const connected = results.reduce((s, r) => s + r.connected, 0);
      if (connected < count) throw new Error(`only ${connected} of ${count} subscribers could connect to ${url}`);
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  /**
   * Totals over every process; `reset` starts counting (frames and latencies) afresh, from then on only items
   * recorded at or after `since` (epoch ms; frames of an earlier measurement still arriving are not counted).
   * `withItems` adds each item's earliest and latest delay (DeliveryRun's `items`, split by `deliverySplit`).
   */
  async stats(reset = false, since?: number, withItems = false): Promise<FleetStats> {
    const all = await Promise.all(
      this.children.map((c) => this.ask<ClientStats>(c, { cmd: 'stats', reset, since, items: withItems }, 'stats')),
    );
    const latency = new LatencyHistogram();
    for (const s of all) latency.addSparse(s.latency);
    let items: Map<string, [number, number]> | undefined;
    if (withItems) {
      items = new Map();
      for (const [stamp, first, last] of all.flatMap((s) => s.items ?? [])) {
        const seen = items.get(stamp);
        if (!seen) items.set(stamp, [first, last]);
        else {
          seen[0] = Math.min(seen[0], first);
          seen[1] = Math.max(seen[1], last);
        }
      }
    }
    return {
      ...(items ? { items } : {}),
      frames: all.reduce((s, x) => s + x.frames, 0),
      bytes: all.reduce((s, x) => s + x.bytes, 0),
      open: all.reduce((s, x) => s + x.open, 0),
      closedByServer: all.reduce((s, x) => s + x.closedByServer, 0),
      latency,
    };
  }

  /** Closes every connection; resolves once the client processes are gone. */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map((c) => {
        if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
        const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
        if (c.connected) c.send({ cmd: 'close' } satisfies ClientCommand);
        const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
        return exited.then(() => clearTimeout(timer));
      }),
    );
  }

  private ask<T>(child: ChildProcess, command: ClientCommand, type: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) => reject(new Error(`SSE client process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(command);
    });
  }
}
