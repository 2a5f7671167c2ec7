import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../test-database.harness';
import { freePort } from '../stack-processes.harness';
import { alive, childrenOf, run, runOrThrow, signal, sleep, waitExit } from './proc.util';

const BIN = process.env.PG_BIN_DIR ?? '/usr/local/bin';
const OS_USER = process.env.PG_CLUSTER_OS_USER ?? 'postgres';

export type PgStopMode = 'smart' | 'fast' | 'immediate';

/**
 * A throwaway Postgres cluster of its own (initdb into a temp folder, a free port, trust auth) that a fault test
 * may stop, kill, restart and freeze without touching the shared server. Postgres refuses to run as root, so
 * when the tests run as root the cluster runs as the `postgres` OS user (runuser) and owns its folder.
 * Always `destroy()` it in afterAll.
 */
export class PgCluster {
  private frozen: number[] = [];
  private destroyed = false;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly asOtherUser: boolean,
    private readonly settings: readonly string[],
  ) {}

  /** initdb + start; ready for connections when it resolves. `settings` (`name=value`) are given to every start. */
  static async create(label = 'fault', settings: readonly string[] = []): Promise<PgCluster> {
    for (const s of settings)
      if (!/^[a-z_]+=[A-Za-z0-9_.]+$/.test(s)) throw new Error(`PgCluster: refusing the setting ${JSON.stringify(s)}`);
    const root = mkdtempSync(join(tmpdir(), `newsroom-pg-${label.replace(/[^a-z0-9]/gi, '-').slice(0, 20)}-`));
    const asOtherUser = userInfo().uid === 0;
    const dir = join(root, 'data');
    const port = await freePort();
    const cluster = new PgCluster(dir, port, asOtherUser, settings);
    cluster.root = root;
    try {
      if (asOtherUser) {
        const { stdout } = await run('id', ['-u', OS_USER]);
        const uid = Number(stdout.trim());
        const gid = Number((await run('id', ['-g', OS_USER])).stdout.trim());
        if (!Number.isInteger(uid) || uid <= 0) throw new Error(`no "${OS_USER}" OS user to run a Postgres cluster as (tests run as root)`);
        chownSync(root, uid, gid);
      }
      await cluster.pg('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  private root = '';

  /** The server URL (database `postgres`); `url(name)` for another database. */
  get serverUrl(): string {
    return this.url('postgres');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A fresh, migrated database on this cluster (the same code path as createTestDatabase). */
  createDatabase(label: string): Promise<TestDatabase> {
    return createTestDatabase(label, this.serverUrl);
  }

  /** pid of the postmaster, from postmaster.pid (null when not running). */
  get pid(): number | null {
    const file = join(this.dir, 'postmaster.pid');
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  }

  async start(): Promise<void> {
    if (this.pid) return;
    const opts = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      `-c listen_addresses=127.0.0.1`,
      `-c max_connections=200`,
      `-c shared_buffers=64MB`,
      // Crash recovery after a kill stays short.
      `-c checkpoint_timeout=60s`,
      ...this.settings.map((setting) => `-c ${setting}`),
    ].join(' ');
    try {
      await this.pg('pg_ctl', ['-D', this.dir, '-o', opts, '-l', join(this.dir, '..', 'postgres.log'), '-w', '-t', '60', 'start']);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- postgres.log:\n${this.logTail(20)}`);
    }
    await this.waitAccepting(30000);
  }

  /** pg_ctl stop in the given mode (fast: disconnect clients, checkpoint; immediate: no checkpoint, crash recovery next start). */
  async stop(mode: PgStopMode = 'fast'): Promise<void> {
    if (!this.pid) return;
    this.thaw();
    await this.pg('pg_ctl', ['-D', this.dir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async restart(mode: PgStopMode = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** kill -9 of the postmaster and every backend (as a host crash would). The next start runs crash recovery. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (!pid) return;
    // Stop the postmaster first so it forks no backend between the listing and the kill (each backend runs in a
    // session of its own, and one left alive would hold the shared memory and refuse the next start).
    signal(pid, 'SIGSTOP');
    await sleep(50);
    const all = [pid, ...childrenOf(pid)];
    for (const p of all) signal(p, 'SIGKILL');
    for (const p of all) await waitExit(p, 10000);
    // Postgres refuses to start while the old postmaster's pid answers kill(pid, 0), which a zombie not yet
    // reaped by init still does: wait for it to be reaped, and drop the stale lock file if it is not.
    const deadline = Date.now() + 5000;
    while (signal(pid, 0 as unknown as NodeJS.Signals) && Date.now() < deadline) await sleep(50);
    if (signal(pid, 0 as unknown as NodeJS.Signals)) rmSync(join(this.dir, 'postmaster.pid'), { force: true });
    this.frozen = [];
  }

  /** SIGSTOP of the postmaster, then of its backends: connections open but nothing answers. */
  freeze(): void {
    const pid = this.pid;
    if (!pid) throw new Error('cluster not running');
    signal(pid, 'SIGSTOP');
    const children = childrenOf(pid);
    for (const c of children) signal(c, 'SIGSTOP');
    this.frozen = [pid, ...children];
  }

  /**
   * SIGSTOP of the WAL writer alone: commits made without waiting for the flush (synchronous_commit off) then stay in
   * Postgres's memory until a synchronous commit writes the WAL before it, and a `kill()` takes them back, as a crash
   * a moment after them would. The next `kill()` or `stop()` ends it.
   */
  async pauseWalWriter(): Promise<number> {
    const pid = this.pid;
    if (!pid) throw new Error('cluster not running');
    const walWriter = childrenOf(pid).find((c) => {
      try {
        return readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('walwriter');
      } catch {
        return false;
      }
    });
    if (!walWriter) throw new Error('no walwriter process under the postmaster');
    // Stopped while it flushes, the WAL writer would hold WALWriteLock and every commit would wait for it (CI saw
    // ingestion stall there). Its wait event reads `WalWriterMain` only between the start and the end of its sleep,
    // where it holds no lock: stop it, read that, and let it go on and try again when it was caught working.
    const client = new Client({ connectionString: this.serverUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      for (let attempt = 1; ; attempt++) {
        signal(walWriter, 'SIGSTOP');
        const { rows } = await client.query<{ wait_event: string | null }>(
          "select wait_event from pg_stat_activity where pid = $1 and backend_type = 'walwriter'",
          [walWriter],
        );
        if (rows[0]?.wait_event === 'WalWriterMain') break;
        signal(walWriter, 'SIGCONT');
        if (attempt >= 200) throw new Error(`the WAL writer was never caught asleep (last wait event ${rows[0]?.wait_event ?? 'none'})`);
        await sleep(5 + Math.floor(Math.random() * 20));
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    this.frozen.push(walWriter);
    return walWriter;
  }

  /** SIGCONT of what freeze stopped (backends first, the postmaster last). */
  thaw(): void {
    const pid = this.pid;
    const stopped = new Set(this.frozen);
    if (pid) for (const c of childrenOf(pid)) stopped.add(c);
    for (const p of [...stopped].reverse()) signal(p, 'SIGCONT');
    if (pid) signal(pid, 'SIGCONT');
    this.frozen = [];
  }

  /** Stops (immediately) and removes the folder. Safe to call twice and after a failed create. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.thaw();
      if (this.pid) {
        await this.stop('immediate').catch(() => this.kill());
        if (this.pid) await this.kill();
      }
    } finally {
      if (this.root && this.root.startsWith(tmpdir())) rmSync(this.root, { recursive: true, force: true });
    }
  }

  /** Polls until a connection and `SELECT 1` succeed (crash recovery included). */
  async waitAccepting(timeoutMs = 60000): Promise<number> {
    const started = Date.now();
    for (;;) {
      const client = new Client({ connectionString: this.serverUrl, connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return Date.now() - started;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (Date.now() - started > timeoutMs)
          throw new Error(`cluster on ${this.port} not accepting after ${timeoutMs} ms: ${(error as Error).message}`);
        await sleep(200);
      }
    }
  }

  /** Tail of the server log (for a failing test's message). */
  logTail(lines = 40): string {
    const file = join(this.dir, '..', 'postgres.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }

  private pg(tool: string, args: string[]): Promise<string> {
    const bin = join(BIN, tool);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' };
    return this.asOtherUser ? runOrThrow('runuser', ['-u', OS_USER, '--', bin, ...args], { env }) : runOrThrow(bin, args, { env });
  }
}
