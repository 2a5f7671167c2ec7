import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../config/bench.config';
import type { BareCommand } from './bare-sse.server';

/** Handle on the bare SSE server process: its URL, its pid (for RSS) and a broadcast command. */
export class BareSseServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  static async start(): Promise<BareSseServer> {
    const child = fork(join(__dirname, 'bare-sse.server.js'), [], {
      cwd: ROOT,
      execArgv: ['-r', join(ROOT, 'scripts', 'register-paths.js')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // A session of its own, as the query service it stands beside runs in (`bench-apps.ts` says why); it exits
      // when the bench's channel to it closes.
      detached: true,
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { type: string; port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`bare SSE server exited (${code})`)));
    });
    return new BareSseServer(child, `http://127.0.0.1:${port}/stream`);
  }

  /** Sends `count` items to every subscriber as fast as back-pressure allows; resolves when all are written. */
  broadcast(count: number): Promise<void> {
    return new Promise((resolve) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== 'broadcast-done') return;
        this.child.off('message', onMessage);
        resolve();
      };
      this.child.on('message', onMessage);
      this.child.send({ cmd: 'broadcast', count } satisfies BareCommand);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
