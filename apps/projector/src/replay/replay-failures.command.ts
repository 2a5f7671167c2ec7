import { DataSource } from 'typeorm';
import type { UpcastFn } from '@newsroom/domain';
import { EventLogReader, StoredEvent } from '@newsroom/event-store';
import { advanceFeedWatermark, createProjections, FEED_CHANNEL, Projection, projectedFromStored } from '@newsroom/projections';

export interface ReplayOptions {
  /** The projections that may be replayed (all by default). */
  projections?: Projection[];
  /** The upcaster events are read with: the running code's by default; tests hand one that knows more. */
  upcast?: UpcastFn;
  write?: (line: string) => void;
}

interface ReplayedFailure {
  projection: string;
  position: string;
  eventId: string | null;
  type: string;
}

export interface ReplayResult {
  replayed: ReplayedFailure[];
  failed: Array<ReplayedFailure & { error: string }>;
}

const isTransient = (error: unknown) => {
  const code = (error as { code?: string })?.code ?? '';
  return code.startsWith('08') || code === '40001' || code === '40P01' || code === '57P01';
};

/**
 * Re-applies the positions projections gave up on (read_model.projection_failures), once the code knows them: each
 * event is read from the event store (the truth, not the DLQ copy), applied to every projection that failed it, in
 * position order, one transaction per position, and its failure rows are removed in the same transaction. What
 * still fails keeps its row, with the new error. The feed watermark is then advanced and query instances notified.
 */
export async function replayFailures(ds: DataSource, options: ReplayOptions = {}): Promise<ReplayResult> {
  const write = options.write ?? ((s: string) => void process.stdout.write(`${s}\n`));
  const projections = new Map((options.projections ?? createProjections()).map((p) => [p.name, p]));
  const rows: Array<{ projection: string; position: string; event_id: string | null; type: string }> = await ds.query(
    `SELECT projection, position::text AS position, event_id::text AS event_id, type FROM read_model.projection_failures ORDER BY position, projection`,
  );
  const result: ReplayResult = { replayed: [], failed: [] };
  if (!rows.length) {
    write('[replay] no failed positions to replay');
    return result;
  }
  const positions = [...new Set(rows.map((r) => r.position))];
  const log = new EventLogReader(ds);
  const stored = new Map<string, StoredEvent>();
  for (let at = 0; at < positions.length; at += 1000) {
    for (const e of await log.readByPositions(positions.slice(at, at + 1000))) stored.set(e.globalPosition, e);
  }
  write(`[replay] ${rows.length} failed (projection, position) pairs at ${positions.length} positions`);
  for (const position of positions) {
    const failures = rows.filter((r) => r.position === position);
    const event = stored.get(position);
    const outcome = await ds.transaction(async (m) => {
      const done: ReplayedFailure[] = [];
      const failed: Array<ReplayedFailure & { error: string }> = [];
      for (const f of failures) {
        const which = { projection: f.projection, position, eventId: event?.eventId ?? f.event_id, type: event?.type ?? f.type };
        const projection = projections.get(f.projection);
        if (!projection || !event) {
          failed.push({ ...which, error: !event ? 'not in the event store' : `unknown projection ${f.projection}` });
          continue;
        }
        await m.query('SAVEPOINT replay_event');
        try {
          // Still unresolved (another replay may have done it meanwhile): the row is taken in this transaction.
          // TypeORM answers a DELETE with [rows, rowCount] (always two long): the count says whether it was taken.
          const [, taken] = await m.query<[unknown[], number]>(
            `DELETE FROM read_model.projection_failures WHERE projection = $1 AND position = $2`,
            [f.projection, position],
          );
          if (taken) await projection.apply(m, projectedFromStored(event, options.upcast));
          await m.query('RELEASE SAVEPOINT replay_event');
          if (taken) done.push(which);
        } catch (error) {
          await m.query('ROLLBACK TO SAVEPOINT replay_event');
          if (isTransient(error)) throw error;
          const reason = (error as Error)?.message ?? String(error);
          await m.query(`UPDATE read_model.projection_failures SET error = $3, failed_at = now() WHERE projection = $1 AND position = $2`, [
            f.projection,
            position,
            reason.slice(0, 2000),
          ]);
          failed.push({ ...which, error: reason });
        }
      }
      return { done, failed };
    });
    for (const r of outcome.done) write(`[replay] applied position ${position} (${r.type} ${r.eventId}) to ${r.projection}`);
    if (outcome.done.length && event) {
      // Applied late: a later event of its stream (a correction of it, say) was applied without it.
      const later = await log.countInStreamAfter(event.streamId, position);
      if (later > 0) {
        write(
          `[replay] note: ${later} later event(s) of ${event.streamId} were applied before it; if they depend on it, run npm run rebuild -- ${[...new Set(outcome.done.map((r) => r.projection))].join(' ')}`,
        );
      }
    }
    for (const r of outcome.failed)
      write(`[replay] still fails: position ${position} (${r.type} ${r.eventId ?? 'no id'}) for ${r.projection}: ${r.error}`);
    result.replayed.push(...outcome.done);
    result.failed.push(...outcome.failed);
  }
  for (const projection of projections.values()) await projection.afterCommit?.(ds.manager);
  // The watermark had already passed these positions (their failure rows counted as done): query instances are
  // woken so a page read from before them now includes the replayed items.
  const watermark = await advanceFeedWatermark(ds.manager);
  await ds.query('SELECT pg_notify($1, $2)', [FEED_CHANNEL, watermark]);
  write(`[replay] done: ${result.replayed.length} applied, ${result.failed.length} still failing; feed watermark ${watermark}`);
  return result;
}
