import { DataSource } from 'typeorm';
import { KafkaClient, topicNames, kafkaSasl } from '@newsroom/messaging';
import { PROJECTION_NAMES, ProjectionRebuilder, RebuildProgress, RebuildResult } from '@newsroom/projections';
import { ProjectorConfig } from '../config/projector.config';

export interface RebuildCommandOptions {
  /** Projection names, or ["all"]. */
  targets: string[];
  batchSize?: number;
  write?: (line: string) => void;
  /** Aborted: the rebuild's connections are closed, so it fails at once (a projector shutting down mid-backfill). */
  signal?: AbortSignal;
  /** application_name of its connections (default `rebuild`). */
  applicationName?: string;
}

/** "all" or a list of known projection names; throws with the known names otherwise. */
function resolveTargets(targets: string[]): string[] {
  if (targets.length === 0 || targets.includes('all')) return [...PROJECTION_NAMES];
  const unknown = targets.filter((t) => !PROJECTION_NAMES.includes(t));
  if (unknown.length) throw new Error(`unknown projection ${unknown.join(', ')}; known: all, ${PROJECTION_NAMES.join(', ')}`);
  return [...new Set(targets)];
}

/**
 * The projector's checkpoints are per partition: the rebuild sets every partition the topic has (asked of the
 * broker, with the configured count and the partitions already checkpointed as a floor).
 */
async function partitionsOf(config: ProjectorConfig, db: DataSource, topic: string): Promise<number[]> {
  const known = new Set<number>(Array.from({ length: config.KAFKA_EVENTS_PARTITIONS }, (_, i) => i));
  const rows = await db.query(`SELECT DISTINCT partition FROM read_model.projection_checkpoints WHERE topic = $1`, [topic]);
  rows.forEach((r: { partition: number }) => known.add(Number(r.partition)));
  const kafka = new KafkaClient({ clientId: 'newsroom-rebuild', brokers: config.KAFKA_BROKERS, sasl: kafkaSasl(config) });
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000).unref());
    const offsets = await Promise.race([kafka.topicOffsets(topic), timeout]);
    offsets.forEach((o) => known.add(o.partition));
  } catch {
    // The broker is only asked for completeness; the floor above covers a stack with the configured count.
  } finally {
    await kafka.close().catch(() => undefined);
  }
  return [...known].sort((a, b) => a - b);
}

const line = (p: RebuildProgress, names: string[]) => {
  const pct = Number(p.head) > 0 ? Math.floor((Number(p.position) / Number(p.head)) * 100) : 100;
  const rate = p.elapsedMs > 0 ? Math.round((p.events / p.elapsedMs) * 1000) : 0;
  return `[rebuild] ${names.join(',')}: ${p.phase} position ${p.position}/${p.head} (${pct}%), ${p.events} events, ${rate} events/s${p.failures ? `, ${p.failures} failed` : ''}`;
};

/** Rebuilds the projections into shadow tables and swaps them in; the live projector may keep running. */
export async function runRebuild(config: ProjectorConfig, options: RebuildCommandOptions): Promise<RebuildResult> {
  const write = options.write ?? ((s: string) => void process.stdout.write(`${s}\n`));
  const names = resolveTargets(options.targets);
  // Groups of read models are folded side by side (Postgres writes several tables at once while Node computes
  // rows), one connection each, plus one reading the log ahead of them.
  const concurrency = config.PROJECTOR_REBUILD_CONCURRENCY;
  const db = await new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    // A fold's commit need not wait for its WAL to reach the disk: a crash before the swap loses only shadow tables
    // the next run recreates. The swap itself commits synchronously (SET LOCAL in its transaction).
    extra: { max: concurrency + 2, application_name: options.applicationName ?? 'rebuild', options: '-c synchronous_commit=off' },
  }).initialize();
  const abort = () => void db.destroy().catch(() => undefined);
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    if (options.signal?.aborted) throw new Error('the rebuild was stopped before it began');
    const topic = topicNames(config.KAFKA_TOPIC_PREFIX).events;
    const partitions = await partitionsOf(config, db, topic);
    write(`[rebuild] ${names.join(', ')} from the event store into shadow tables (topic ${topic}, partitions ${partitions.join(',')})`);
    let lastPrint = 0;
    const result = await new ProjectionRebuilder(db).rebuild({
      projections: names,
      topic,
      partitions,
      batchSize: options.batchSize,
      concurrency,
      onProgress: (p) => {
        if (p.phase === 'fold' && Date.now() - lastPrint < 1000 && p.position !== p.head) return;
        lastPrint = Date.now();
        write(line(p, names));
      },
    });
    write(`[rebuild] done: swapped in ${names.join(', ')} at position ${result.head}; the live projector continues after it`);
    if (result.resolved)
      write(
        `[rebuild] ${result.resolved} failed position(s) recorded for them were folded in and are resolved (npm run replay has nothing left of them)`,
      );
    if (result.failures)
      write(
        `[rebuild] ${result.failures} event(s) failed and were set aside (read_model.projection_failures); npm run replay -- --from-dlq retries them`,
      );
    return result;
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (db.isInitialized) await db.destroy();
  }
}
