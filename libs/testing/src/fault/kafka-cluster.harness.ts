import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../stack-processes.harness';

const run = promisify(execFile);
const KAFKA_SH = join(__dirname, '..', '..', '..', '..', 'infra', 'kafka', 'kafka.sh');

export interface KafkaNode {
  id: number;
  /** Where the broker listens. */
  port: number;
  /** Where clients are told to connect (metadata): `port`, or a proxy's port in front of it. */
  advertisedPort: number;
  controllerPort: number;
  dataDir: string;
  env: Record<string, string>;
}

export interface KafkaClusterOptions {
  /** Nodes (combined broker + controller); 3 for replication 3 / min ISR 2. */
  size?: number;
  /** Per node (by index): the port it listens on (default: a free one). */
  ports?: number[];
  /** Per node (by index): the port to advertise instead of its own, e.g. a TcpProxy's in front of it (0: its own). */
  advertisedPorts?: number[];
  /**
   * Called with the nodes once their ports are picked, before any starts (again on each start-up attempt): e.g. to
   * point a TcpProxy whose port a node advertises at that node, since its readiness is checked through the proxy.
   */
  beforeStart?: (nodes: KafkaNode[]) => void;
  heapOpts?: string;
  startTimeoutS?: number;
}

/**
 * A KRaft cluster of its own for one fault test (infra/kafka/kafka.sh per node: other ports, a temp data dir),
 * never the shared broker. Nodes can be killed with SIGKILL and started again; stop() removes everything.
 */
/** Whole-cluster start attempts before start() gives up. */
const START_ATTEMPTS = 3;

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

export class KafkaCluster {
  private constructor(
    readonly nodes: KafkaNode[],
    private readonly dir: string,
    private readonly timeoutS: number,
  ) {}

  /** KAFKA_BROKERS for the apps: the advertised addresses. */
  get brokers(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.advertisedPort}`).join(',');
  }

  /**
   * Starts the cluster; a node that dies during start-up (a port found free but taken before the JVM bound it,
   * or the process killed while the suite loads the machine) fails the attempt, and the whole cluster is started
   * again from empty folders, on other ports where the caller did not fix them (up to START_ATTEMPTS in all).
   */
  static async start(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await KafkaCluster.startOnce(options);
      } catch (error) {
        if (attempt >= START_ATTEMPTS) throw error;
        const where = options.ports?.length ? 'on the same ports' : 'on other ports';
        const why = lastLines((error as Error).message, 3);
        process.stderr.write(`[kafka-cluster] start attempt ${attempt} failed; starting again ${where}:\n${why}\n`);
      }
    }
  }

  private static async startOnce(options: KafkaClusterOptions): Promise<KafkaCluster> {
    const size = options.size ?? 3;
    const dir = mkdtempSync(join(tmpdir(), 'newsroom-kafka-cluster-'));
    const ports: number[] = [];
    for (let i = 0; i < size; i++) ports.push(options.ports?.[i] ?? 0);
    for (let i = 0; i < size; i++) {
      while (ports[i] === 0) {
        const p = await freePort();
        if (!ports.includes(p) && p !== 9092 && p !== 9093) ports[i] = p;
      }
    }
    while (ports.length < size * 2) {
      const p = await freePort();
      if (!ports.includes(p) && p !== 9092 && p !== 9093) ports.push(p);
    }
    const voters = Array.from({ length: size }, (_, i) => `${i + 1}@127.0.0.1:${ports[size + i]}`).join(',');
    const nodes: KafkaNode[] = Array.from({ length: size }, (_, i) => {
      const id = i + 1;
      const port = ports[i];
      const advertisedPort = options.advertisedPorts?.[i] || port;
      const dataDir = join(dir, `node-${id}`);
      return {
        id,
        port,
        advertisedPort,
        controllerPort: ports[size + i],
        dataDir,
        env: {
          KAFKA_NODE_ID: String(id),
          KAFKA_PORT: String(port),
          KAFKA_CONTROLLER_PORT: String(ports[size + i]),
          KAFKA_ADVERTISED_PORT: String(advertisedPort),
          KAFKA_QUORUM_VOTERS: voters,
          KAFKA_DATA_DIR: dataDir,
          KAFKA_INTERNAL_REPLICATION: String(Math.min(size, 3)),
          KAFKA_HEAP_OPTS: options.heapOpts ?? '-Xms128m -Xmx384m',
          // Nodes of minutes: the JVM profile that starts on less CPU (infra/kafka/README.md).
          KAFKA_JVM_PROFILE: 'quick-start',
          KAFKA_START_TIMEOUT: String(options.startTimeoutS ?? 150),
        },
      };
    });
    options.beforeStart?.(nodes);
    const cluster = new KafkaCluster(nodes, dir, options.startTimeoutS ?? 150);
    try {
      // Side by side: a node is ready only once a majority of the controller quorum is up.
      await Promise.all(nodes.map((n) => cluster.startNode(n.id)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  node(id: number): KafkaNode {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  /** Starts (or restarts after a kill) one node and waits until it answers metadata. */
  async startNode(id: number): Promise<void> {
    const node = this.node(id);
    await run('bash', [KAFKA_SH, 'start'], { env: { ...process.env, ...node.env }, timeout: (this.timeoutS + 60) * 1000 }).catch(
      (error) => {
        throw new Error(`kafka node ${id} did not start: ${error.stderr ?? error.message}`);
      },
    );
  }

  pid(id: number): number | null {
    try {
      const pid = Number(readFileSync(join(this.node(id).dataDir, 'kafka.pid'), 'utf8').trim());
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  /** kill -9: no controlled shutdown, no leader hand-over. Resolves once the process is gone. */
  async kill(id: number): Promise<void> {
    const pid = this.pid(id);
    if (pid === null) return;
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`kafka node ${id} (pid ${pid}) still alive after SIGKILL`);
  }

  /** Partition -> leader node id (-1 while none) of a topic, as the cluster's metadata says now. */
  async leaders(topic: string): Promise<Map<number, number>> {
    return new Map((await this.partitions(topic)).map((p) => [p.partition, p.leader]));
  }

  /** A topic's partitions with leader, replicas and in-sync replicas, asked of the nodes that are up. */
  async partitions(topic: string): Promise<Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>> {
    const kafka = new Kafka({
      clientId: 'fault-cluster-admin',
      brokers: this.nodes.filter((n) => this.pid(n.id) !== null).map((n) => `127.0.0.1:${n.advertisedPort}`),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 2 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0].partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * The node coordinating a consumer group: the leader of the group's partition of __consumer_offsets, which Kafka
   * picks as Utils.abs(groupId.hashCode()) modulo that topic's partition count (GroupCoordinator partitionFor).
   * The topic exists once some group has looked up its coordinator.
   */
  async groupCoordinator(groupId: string): Promise<number> {
    const partitions = await this.partitions('__consumer_offsets');
    let hash = 0;
    for (let i = 0; i < groupId.length; i++) hash = (Math.imul(31, hash) + groupId.charCodeAt(i)) | 0;
    const abs = hash === -2147483648 ? 0 : Math.abs(hash);
    const partition = partitions.find((p) => p.partition === abs % partitions.length);
    if (!partition) throw new Error(`no partition ${abs % partitions.length} in __consumer_offsets`);
    return partition.leader;
  }

  /** Stops every node (SIGTERM, then SIGKILL) and deletes the data. Safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map((n) =>
        run('bash', [KAFKA_SH, 'stop'], { env: { ...process.env, ...n.env }, timeout: 60000 }).catch(() => {
          const pid = this.pid(n.id);
          if (pid !== null) process.kill(pid, 'SIGKILL');
        }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
