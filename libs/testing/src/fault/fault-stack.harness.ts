import { randomBytes } from 'node:crypto';
import { TopicNames, topicNames } from '@newsroom/messaging';
import { testKafka } from '../kafka.harness';
import { pollUntil } from '../poll-until.util';
import { AppName, freePort, RunningApp, startApp, testApiKey } from '../stack-processes.harness';

const PORT_VAR: Record<AppName, string> = { ingest: 'INGEST_PORT', relay: 'RELAY_PORT', projector: 'PROJECTOR_PORT', query: 'QUERY_PORT' };
export const APP_NAMES: readonly AppName[] = ['relay', 'ingest', 'projector', 'query'];

export interface FaultStackOptions {
  /** A label for topic names and group ids. */
  label: string;
  databaseUrl: string;
  brokers: string[];
  /** Reuse topics and group ids (e.g. to restart a whole stack on the same broker); fresh ones otherwise. */
  prefix?: string;
  /** Reuse keys (with `prefix`, to talk to a restarted stack with the same credentials). */
  keys?: { write: string; read: string };
  extraEnv?: Record<string, string>;
  /** Which apps to start (default: all four, relay first since it creates the topics). */
  apps?: readonly AppName[];
}

/**
 * The four apps as real processes (the compiled dist/, as `npm start` runs them) against a given database URL
 * and broker list, with their own topic prefix and consumer group ids. Apps can be killed (-9), restarted on the
 * same port (clients reconnect where they were) and run as several instances (two query services, three
 * projectors in one group).
 */
export class FaultStack {
  readonly instances: Record<AppName, RunningApp[]> = { ingest: [], relay: [], projector: [], query: [] };
  readonly env: Record<string, string>;
  readonly prefix: string;
  readonly topics: TopicNames;
  readonly key: string;
  readonly readKey: string;
  private readonly envOf = new Map<RunningApp, Record<string, string>>();

  private constructor(readonly options: FaultStackOptions) {
    this.prefix = options.prefix ?? `t.f-${options.label.replace(/[^a-z0-9]/gi, '-').slice(0, 24)}.${randomBytes(3).toString('hex')}.`;
    this.topics = topicNames(this.prefix);
    this.key = options.keys?.write ?? testApiKey();
    this.readKey = options.keys?.read ?? testApiKey();
    this.env = {
      DATABASE_URL: options.databaseUrl,
      KAFKA_BROKERS: options.brokers.join(','),
      KAFKA_TOPIC_PREFIX: this.prefix,
      NEWSROOM_API_KEYS: `${this.key}:write,${this.readKey}:read`,
      PROJECTOR_GROUP_ID: `projector-${this.prefix}`,
      INGEST_SUBMISSIONS_GROUP_ID: `submissions-${this.prefix}`,
      RELAY_IDLE_WAIT_MS: '200',
      FEED_POLL_MS: '200',
      // A process killed -9 leaves a group member behind; the group reassigns its partitions after this.
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      ...options.extraEnv,
    };
  }

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const stack = new FaultStack(options);
    const apps = options.apps ?? APP_NAMES;
    try {
      if (apps.includes('relay')) await stack.startInstance('relay');
      await Promise.all(apps.filter((a) => a !== 'relay').map((a) => stack.startInstance(a)));
    } catch (error) {
      await stack.stopApps();
      throw error;
    }
    return stack;
  }

  /** Instance `i` (default the first) of an app. */
  app(name: AppName, i = 0): RunningApp {
    const app = this.instances[name][i];
    if (!app) throw new Error(`no ${name} instance ${i}`);
    return app;
  }

  /** Base URL of instance `i`; stable across restart(). */
  url(name: AppName, i = 0): string {
    return this.app(name, i).url;
  }

  /** What the oracle (`checkAll`) reads of this stack in `world`: its store, brokers, events topic and query service. */
  oracleOf(world: { db: { url: string }; brokers: string[] }): { storeUrl: string; brokers: string[]; topic: string; queryUrl: string } {
    return { storeUrl: world.db.url, brokers: world.brokers, topic: this.topics.events, queryUrl: this.url('query') };
  }

  /** Starts one more instance (its own port); waits for /health/ready. */
  async startInstance(name: AppName, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
    const env = { ...this.env, ...extraEnv, [PORT_VAR[name]]: extraEnv[PORT_VAR[name]] ?? String(await freePort()) };
    const app = await startApp(name, env);
    this.envOf.set(app, env);
    this.instances[name].push(app);
    return app;
  }

  /** kill -9 of instance `i`; resolves once it has exited. The instance stays in the list (dead) until restart(). */
  async kill(name: AppName, i = 0): Promise<void> {
    await this.app(name, i).stop('SIGKILL');
  }

  /** SIGTERM (graceful) of instance `i`. */
  async stopInstance(name: AppName, i = 0): Promise<number | null> {
    return this.app(name, i).stop('SIGTERM');
  }

  /**
   * Restarts instance `i` on the same port with the same env (kill -9 first when `kill`, else SIGTERM if still
   * running); resolves when it answers ready. Returns the time from the restart to ready, in ms.
   */
  async restart(name: AppName, i = 0, options: { kill?: boolean; extraEnv?: Record<string, string> } = {}): Promise<number> {
    const old = this.app(name, i);
    await old.stop(options.kill ? 'SIGKILL' : 'SIGTERM');
    const env = { ...this.envOf.get(old)!, ...options.extraEnv };
    const started = Date.now();
    const app = await startApp(name, env);
    this.envOf.delete(old);
    this.envOf.set(app, env);
    this.instances[name][i] = app;
    return Date.now() - started;
  }

  /** Removes dead instances from the list (after kills without restart). */
  prune(name: AppName): void {
    this.instances[name] = this.instances[name].filter((a) => a.process.exitCode === null && a.process.signalCode === null);
  }

  /** GET /health/ready of instance `i`: the status code, 0 when it does not answer within `timeoutMs`. */
  async readiness(name: AppName, i = 0, timeoutMs = 3000): Promise<number> {
    const res = await fetch(`${this.url(name, i)}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => null);
    return res?.status ?? 0;
  }

  /** Waits until every live instance answers /health/ready with 200; returns the wait in ms. */
  async waitAllReady(timeoutMs = 60000): Promise<number> {
    const started = Date.now();
    await pollUntil(
      async () => {
        for (const name of APP_NAMES) {
          for (let i = 0; i < this.instances[name].length; i++) {
            if (!this.isAlive(name, i)) continue;
            if ((await this.readiness(name, i)) !== 200) return false;
          }
        }
        return true;
      },
      { timeoutMs, intervalMs: 250, what: 'every app ready' },
    );
    return Date.now() - started;
  }

  isAlive(name: AppName, i = 0): boolean {
    const p = this.app(name, i).process;
    return p.exitCode === null && p.signalCode === null;
  }

  /** Instances that exited on their own (not killed or stopped by the test): a crash, e.g. a crash loop. */
  exited(): Array<{ name: AppName; i: number; code: number | null; signal: string | null; output: string }> {
    const out: Array<{ name: AppName; i: number; code: number | null; signal: string | null; output: string }> = [];
    for (const name of APP_NAMES) {
      this.instances[name].forEach((a, i) => {
        if (a.process.exitCode !== null || a.process.signalCode !== null)
          out.push({ name, i, code: a.process.exitCode, signal: a.process.signalCode, output: a.output.join('').slice(-1500) });
      });
    }
    return out;
  }

  /** Sends envelopes to the submissions topic (keyed by subject), as an external producer would. */
  async submit(envelopes: Array<Record<string, unknown> & { subject?: string }>): Promise<void> {
    const kafka = testKafka('fault-submit', this.options.brokers);
    try {
      await kafka.publish(
        this.topics.submissions,
        envelopes.map((e) => ({ key: String(e.subject ?? ''), value: JSON.stringify(e), headers: {} })),
      );
    } finally {
      await kafka.close().catch(() => undefined);
    }
  }

  async stopApps(): Promise<void> {
    await Promise.all(APP_NAMES.flatMap((n) => this.instances[n].map((a) => a.stop())));
  }

  /** Stops every instance and deletes the stack's topics (best effort: the broker may be gone). */
  async stop(options: { deleteTopics?: boolean } = {}): Promise<void> {
    await this.stopApps();
    if (options.deleteTopics === false) return;
    const kafka = testKafka('fault-cleanup', this.options.brokers);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      kafka.deleteTopics(Object.values(this.topics)).catch(() => undefined),
      new Promise((r) => (timer = setTimeout(r, 15000))),
    ]);
    clearTimeout(timer);
    await kafka.close().catch(() => undefined);
  }
}
