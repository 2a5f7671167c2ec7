import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../stack-processes.harness';
import { alive, run, signal, sleep, waitExit } from './proc.util';

const ROOT = join(__dirname, '..', '..', '..', '..');
const KAFKA_SH = join(ROOT, 'infra', 'kafka', 'kafka.sh');

/**
 * A single KRaft broker of its own (infra/kafka/kafka.sh on free ports and a temp data folder), which a fault test
 * may kill, freeze and restart without touching the shared broker. Its data survives kill/restart (topics and
 * offsets stay); `destroy()` (always in afterAll) stops it and removes the folder.
 */
export class KafkaBroker {
  private destroyed = false;
  private frozen = false;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly controllerPort: number,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  /** `extraEnv`: more kafka.sh settings, e.g. KAFKA_SASL=true (users and ACLs; passwords then in `password()`). */
  static async start(label = 'fault', extraEnv: Record<string, string> = {}): Promise<KafkaBroker> {
    // A broker that dies during start-up (its port found free but taken before the JVM bound it, or the process
    // killed while the suite loads the machine) is started again from an empty folder on other ports.
    for (let attempt = 1; ; attempt++) {
      const dataDir = mkdtempSync(join(tmpdir(), `newsroom-kafka-${label.replace(/[^a-z0-9]/gi, '-').slice(0, 20)}-`));
      const port = await freePort();
      let controllerPort = await freePort();
      while (controllerPort === port) controllerPort = await freePort();
      const broker = new KafkaBroker(dataDir, port, controllerPort, extraEnv);
      try {
        await broker.start();
        return broker;
      } catch (error) {
        await broker.destroy();
        if (attempt >= 3) throw error;
        const why = (error as Error).message.trimEnd().split('\n').slice(-3).join('\n');
        process.stderr.write(`[kafka-broker] start attempt ${attempt} failed; starting again on other ports:\n${why}\n`);
      }
    }
  }

  /** `host:port` list for KAFKA_BROKERS. */
  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** pid of the broker's JVM (null when not running). */
  get pid(): number | null {
    const file = join(this.dataDir, 'kafka.pid');
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  }

  /** kafka.sh start: formats once, starts, waits until a metadata request lists the broker. */
  async start(): Promise<number> {
    const started = Date.now();
    const r = await run('bash', [KAFKA_SH, 'start'], { env: this.env(), timeoutMs: 180000 });
    if (r.code !== 0) throw new Error(`kafka.sh start failed (${r.code}):\n${r.stderr.slice(-3000)}`);
    return Date.now() - started;
  }

  /** SIGTERM, then SIGKILL after 30 s (kafka.sh stop). */
  async stop(): Promise<void> {
    this.thaw();
    await run('bash', [KAFKA_SH, 'stop'], { env: this.env(), timeoutMs: 60000 });
  }

  async restart(): Promise<number> {
    await this.stop();
    return this.start();
  }

  /** kill -9 of the broker: no clean shutdown, log recovery on the next start. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (!pid) return;
    signal(pid, 'SIGKILL');
    await waitExit(pid, 15000);
    this.frozen = false;
  }

  /** SIGSTOP: connections stay open, nothing answers. */
  freeze(): void {
    const pid = this.pid;
    if (!pid) throw new Error('broker not running');
    signal(pid, 'SIGSTOP');
    this.frozen = true;
  }

  thaw(): void {
    const pid = this.pid;
    if (pid && this.frozen) signal(pid, 'SIGCONT');
    this.frozen = false;
  }

  /** Polls until a metadata request answers (after a restart or a thaw); returns the wait in ms. */
  async waitReady(timeoutMs = 90000): Promise<number> {
    const started = Date.now();
    const kafka = new Kafka({
      clientId: 'fault-broker-ready',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      requestTimeout: 5000,
      retry: { retries: 0 },
    });
    for (;;) {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        await admin.listTopics();
        await admin.disconnect();
        if (cluster.brokers.length > 0) return Date.now() - started;
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        if (Date.now() - started > timeoutMs)
          throw new Error(`broker on ${this.port} not ready after ${timeoutMs} ms: ${(error as Error).message}`);
      }
      await sleep(300);
    }
  }

  /** A SASL user's password, as kafka.sh generated it into the data folder (KAFKA_SASL=true). */
  password(user: string): string {
    return readFileSync(join(this.dataDir, 'sasl', `${user}.password`), 'utf8').trim();
  }

  logTail(lines = 40): string {
    const file = join(this.dataDir, 'logs', 'server.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }

  /** Stops the broker (kill -9 if it does not stop) and removes its folder. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.thaw();
      const pid = this.pid;
      if (pid) {
        // Its data is thrown away: no need for a clean shutdown.
        signal(pid, 'SIGKILL');
        await waitExit(pid, 15000);
      }
    } finally {
      if (this.dataDir.startsWith(tmpdir())) rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      KAFKA_DATA_DIR: this.dataDir,
      KAFKA_HEAP_OPTS: process.env.FAULT_KAFKA_HEAP_OPTS ?? '-Xms128m -Xmx384m',
      // A broker of minutes: the JVM profile that starts on less CPU (infra/kafka/README.md).
      KAFKA_JVM_PROFILE: 'quick-start',
      KAFKA_START_TIMEOUT: '120',
      ...this.extraEnv,
    };
  }
}
