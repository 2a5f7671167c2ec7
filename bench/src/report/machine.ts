import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { ROOT } from '../config/bench.config';

/** What the figures ran on: they mean nothing without it. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  kafka: string;
  /**
   * How long the broker on this machine had run when the run started, in seconds (null for a broker elsewhere): a
   * broker's first minutes run slower while its JIT compiles (bench/README, "A broker just started").
   */
  kafkaUptimeSeconds?: number | null;
  /**
   * Whether Linux's autogroup scheduling was on (`/proc/sys/kernel/sched_autogroup_enabled`; null where there is no
   * such file): it shares the cores between sessions first, so where each process runs matters (bench/README,
   * "Sessions and the scheduler").
   */
  autogroup?: boolean | null;
  loadStart: number[];
  loadEnd: number[];
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** USER_HZ on Linux: /proc counts process times in hundredths of a second. */
const TICKS_PER_SECOND = 100;

/** The broker process of `infra/kafka` (this checkout's or another's) listening on `port` here, and its release. */
interface LocalBroker {
  pid: string;
  version: string | null;
}

function findLocalBroker(port: number, procRoot: string): LocalBroker | null {
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(join(procRoot, pid, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue; // gone, or not ours to read
    }
    const main = args.indexOf('kafka.Kafka');
    const properties = main >= 0 ? args[main + 1] : undefined;
    if (!properties) continue;
    let listeners = '';
    try {
      listeners = /^listeners=(.*)$/m.exec(readFileSync(properties, 'utf8'))?.[1] ?? '';
    } catch {
      continue;
    }
    if (!listeners.split(',').some((l) => l.endsWith(`:${port}`) && !l.startsWith('CONTROLLER:'))) continue;
    const fromJars = args.map((a) => /\/\.cache\/([^/]+)\/lib\//.exec(a)?.[1]).find(Boolean);
    if (fromJars) return { pid, version: fromJars };
    const versionFile = join(dirname(properties), 'kafka.version');
    return { pid, version: existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : null };
  }
  return null;
}

/**
 * The Kafka release of the broker listening on `port` on this machine, read from its process: a broker of
 * `infra/kafka` (this checkout's or another's) runs `kafka.Kafka` with its server.properties as an argument and its
 * jars from `.cache/<version>/lib`. Null when no such process listens there (a broker elsewhere, or in a container).
 */
export function localBrokerVersion(port: number, procRoot = '/proc'): string | null {
  return findLocalBroker(port, procRoot)?.version ?? null;
}

/**
 * How long the broker listening on `port` here has run, in whole seconds: the machine's uptime less the process's
 * start (field 22 of /proc/<pid>/stat, in clock ticks since boot). Null when no broker of `infra/kafka` listens there.
 */
export function localBrokerUptimeSeconds(port: number, procRoot = '/proc'): number | null {
  const broker = findLocalBroker(port, procRoot);
  return broker ? uptimeSecondsOf(broker.pid, procRoot) : null;
}

function uptimeSecondsOf(pid: string, procRoot: string): number | null {
  try {
    const machineUp = Number(readFileSync(join(procRoot, 'uptime'), 'utf8').split(/\s+/)[0]);
    const stat = readFileSync(join(procRoot, pid, 'stat'), 'utf8');
    // The fields after the command (which may hold spaces) start after the last ')', at field 3: field 22 is [19].
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    if (!Number.isFinite(machineUp) || !Number.isFinite(startTicks)) return null;
    return Math.max(0, Math.round(machineUp - startTicks / TICKS_PER_SECOND));
  } catch {
    return null;
  }
}

/** Whether the kernel's autogroup scheduling is on; null where it cannot say (no such file: not Linux, or built without it). */
export function autogroupEnabled(procRoot = '/proc'): boolean | null {
  try {
    return readFileSync(join(procRoot, 'sys', 'kernel', 'sched_autogroup_enabled'), 'utf8').trim() === '1';
  } catch {
    return null;
  }
}

export async function machineInfo(serverUrl: string, brokers: string[] = []): Promise<MachineInfo> {
  let postgres = 'unknown';
  const client = new Client({ connectionString: serverUrl });
  try {
    await client.connect();
    postgres = (await client.query('SHOW server_version')).rows[0].server_version;
  } catch {
    /* reported as unknown */
  } finally {
    await client.end().catch(() => undefined);
  }
  // The broker's own release where it runs here; else the one this checkout's infra/kafka last started.
  const port = Number(/:(\d+)$/.exec(brokers[0] ?? '')?.[1]);
  const broker = Number.isFinite(port) && port > 0 ? findLocalBroker(port, '/proc') : null;
  const running = broker?.version ?? null;
  const versionFile = join(ROOT, 'infra', 'kafka', '.data', 'kafka.version');
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    postgres,
    kafka: running ?? (existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : 'unknown'),
    kafkaUptimeSeconds: broker ? uptimeSecondsOf(broker.pid, '/proc') : null,
    autogroup: autogroupEnabled(),
    loadStart: load(),
    loadEnd: [],
  };
}

export const loadNow = load;

/** The commit measured, Postgres' settings that move write and read figures, and the broker's configuration. */
export interface RunSettings {
  commit: string;
  dirty: boolean;
  postgres: Record<string, string>;
  kafka: Record<string, string>;
}

const PG_SETTINGS = [
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'maintenance_work_mem',
  'synchronous_commit',
  'fsync',
  'full_page_writes',
  'wal_level',
  'wal_buffers',
  'wal_compression',
  'wal_writer_delay',
  'commit_delay',
  'max_wal_size',
  'checkpoint_timeout',
  'max_connections',
  'max_parallel_workers',
  'max_parallel_maintenance_workers',
  'jit',
  'random_page_cost',
];

const KAFKA_SETTINGS = [
  'num.partitions',
  'default.replication.factor',
  'min.insync.replicas',
  'num.network.threads',
  'num.io.threads',
  'log.flush.interval.messages',
  'log.flush.interval.ms',
  'log.segment.bytes',
  'log.retention.ms',
  'log.retention.hours',
  'compression.type',
  'message.max.bytes',
  'socket.send.buffer.bytes',
  'socket.receive.buffer.bytes',
  'group.initial.rebalance.delay.ms',
  'auto.create.topics.enable',
];

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export async function runSettings(serverUrl: string, brokers: string[]): Promise<RunSettings> {
  const postgres: Record<string, string> = {};
  const client = new Client({ connectionString: serverUrl });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name', [PG_SETTINGS]);
    for (const r of rows) postgres[r.name] = unitOf(r.setting, r.unit);
  } catch (error) {
    postgres.error = (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
  const kafka: Record<string, string> = { brokers: brokers.join(',') };
  const admin = new Kafka({ clientId: 'bench-settings', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    kafka.brokerCount = String(cluster.brokers.length);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(cluster.brokers[0].nodeId), configNames: KAFKA_SETTINGS }],
    });
    for (const entry of described.resources[0]?.configEntries ?? []) kafka[entry.configName] = entry.configValue ?? 'null';
  } catch (error) {
    kafka.error = (error as Error).message;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  kafka.benchTopics = 'events topics of 6 partitions, replication 1; producers acks=all';
  return { commit: git(['rev-parse', 'HEAD']) || 'unknown', dirty: git(['status', '--porcelain']) !== '', postgres, kafka };
}

/** pg_settings gives sizes in units of 8 kB blocks and the like: show them as a person would set them. */
function unitOf(setting: string, unit: string | null): string {
  const n = Number(setting);
  if (!unit || !Number.isFinite(n)) return setting;
  const bytes = { B: 1, kB: 1024, '8kB': 8192, MB: 2 ** 20 }[unit];
  if (bytes === undefined) return `${setting}${unit}`;
  const total = n * bytes;
  return total >= 2 ** 30 && total % 2 ** 30 === 0
    ? `${total / 2 ** 30}GB`
    : total >= 2 ** 20
      ? `${Math.round(total / 2 ** 20)}MB`
      : `${Math.round(total / 1024)}kB`;
}
