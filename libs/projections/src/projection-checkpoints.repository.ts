import type { EntityManager } from 'typeorm';

/** A partition's checkpoints by projection: the last position each has applied, and the offset it came at. */
export type Checkpoints = Map<string, { position: bigint; offset: bigint }>;
export type Moved = Map<string, { position: bigint; offset: string }>;

/*
 * These statements travel in one query string with the batch transaction's BEGIN and COMMIT (one round trip each
 * instead of two), and such a string cannot carry bind parameters: every value is checked and written as a literal.
 * Topic and projection names are plain identifiers ([A-Za-z0-9._-], as Kafka allows for topics), positions and
 * offsets decimal integers; anything else is refused before it reaches the SQL.
 */
const NAME = /^[A-Za-z0-9._-]{1,249}$/;
const INTEGER = /^-?\d{1,19}$/;

function name(value: string): string {
  if (!NAME.test(value)) throw new Error(`checkpoints: refusing the name ${JSON.stringify(value)}`);
  return `'${value}'`;
}

function integer(value: bigint | number | string): string {
  const text = String(value);
  if (!INTEGER.test(text)) throw new Error(`checkpoints: refusing the integer ${JSON.stringify(text)}`);
  return text;
}

const list = (values: string[]) => `ARRAY[${values.join(', ')}]`;

/** Reads the partition's checkpoints and locks them for the batch's transaction (one batch per partition at once). */
export function lockCheckpointsSql(topic: string, partition: number): string {
  return `SELECT projection, last_position, last_offset FROM read_model.projection_checkpoints
     WHERE topic = ${name(topic)} AND partition = ${integer(partition)} FOR UPDATE`;
}

/*
 * A projection with no checkpoint on a partition yet (the partition's first batch, or a projection just added) has no
 * row for FOR UPDATE to lock, so two transactions on that partition (two instances across a rebalance, or a batch and
 * the progress check's fill) would both apply its events. Those transactions also take this lock, one per topic and
 * partition, and then read the checkpoints again: the second sees the rows the first saved. Two-key advisory locks of
 * this class meet no other lock (leadership's runs use another class; the store and the relay take one-key locks).
 */
const FIRST_BATCH_LOCK_CLASS = 0x4350;

/** The lock for a partition whose checkpoints are not all there, then the checkpoints read and locked again. */
export function lockMissingCheckpointsSql(topic: string, partition: number): string {
  return `SELECT pg_advisory_xact_lock(${FIRST_BATCH_LOCK_CLASS}, hashtext(${name(topic)} || ':' || ${integer(partition)}));
${lockCheckpointsSql(topic, partition)}`;
}

/** The rows `lockCheckpointsSql` returned, by projection. */
export function checkpointsFrom(rows: Array<{ projection: string; last_position: string; last_offset: string }>): Checkpoints {
  return new Map(rows.map((r) => [r.projection, { position: BigInt(r.last_position), offset: BigInt(r.last_offset) }]));
}

/** Every moved checkpoint of the partition in one statement, in the batch's transaction (null when none moved). */
export function saveCheckpointsSql(topic: string, partition: number, moved: Moved): string | null {
  if (!moved.size) return null;
  const names = [...moved.keys()];
  return `INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
     SELECT c.projection, ${name(topic)}, ${integer(partition)}, c.position, c.offset_
     FROM unnest(${list(names.map(name))}::text[], ${list(names.map((n) => integer(moved.get(n)!.position)))}::bigint[],
       ${list(names.map((n) => integer(moved.get(n)!.offset)))}::bigint[]) AS c(projection, position, offset_)
     ON CONFLICT (projection, topic, partition)
     DO UPDATE SET last_position = EXCLUDED.last_position, last_offset = EXCLUDED.last_offset, updated_at = now()`;
}

/**
 * The backfill intent of projections whose checkpoints vanished while the projector ran (their read model emptied by
 * hand with its checkpoints): travels with the batch's checkpoints and COMMIT, as `read-model-backfill.service` writes
 * it at start. An intent already there is kept.
 */
export function lostCheckpointsIntentSql(projections: readonly string[]): string {
  return `INSERT INTO read_model.projection_backfills (projection, reason)
     SELECT p, 'its checkpoints vanished while the projector ran' FROM unnest(${list(projections.map(name))}::text[]) AS p
     ON CONFLICT (projection) DO NOTHING`;
}

/**
 * Read models among `names` with no checkpoint on `topic` while others already have some: added to a system whose
 * events the others have applied up to `position`. Such a read model gets the events from its first batch on; its
 * history is a rebuild's work. None on a new system (no read model has a checkpoint yet).
 */
export async function readModelsWithoutHistory(
  manager: Pick<EntityManager, 'query'>,
  topic: string,
  names: readonly string[],
): Promise<{ names: string[]; position: string } | null> {
  const rows: Array<{ projection: string; position: string }> = await manager.query(
    `SELECT projection, max(last_position)::text AS position FROM read_model.projection_checkpoints WHERE topic = $1 GROUP BY projection`,
    [topic],
  );
  if (!rows.length) return null;
  const known = new Set(rows.map((r) => r.projection));
  const missing = names.filter((n) => !known.has(n));
  if (!missing.length) return null;
  const position = rows.reduce((max, r) => (BigInt(r.position) > max ? BigInt(r.position) : max), 0n);
  return { names: missing, position: String(position) };
}

/**
 * Read models whose history is still being folded into them (a row of `read_model.projection_backfills`: one added
 * to a running system, until its rebuild's swap): their reports hold the events from their first batch on, not
 * the ones before.
 */
export async function readModelsBackfilling(manager: Pick<EntityManager, 'query'>): Promise<string[]> {
  const rows: Array<{ projection: string }> = await manager.query(
    'SELECT projection FROM read_model.projection_backfills ORDER BY projection',
  );
  return rows.map((r) => r.projection);
}

/**
 * Read models whose answers lack part of the log: being backfilled (as `readModelsBackfilling`), or with no checkpoint
 * at all while the event store holds events. The latter is a fresh database or a read model emptied with its
 * checkpoints, in the seconds (or the outage) before the projector starts and records its backfill: it has folded
 * none of the log yet, though its tables answer as if there were nothing to fold.
 */
export async function readModelsIncomplete(manager: Pick<EntityManager, 'query'>, names: readonly string[]): Promise<string[]> {
  const rows: Array<{ projection: string }> = await manager.query(
    `SELECT n.name AS projection FROM unnest($1::text[]) AS n(name)
     WHERE EXISTS (SELECT 1 FROM read_model.projection_backfills b WHERE b.projection = n.name)
        OR (NOT EXISTS (SELECT 1 FROM read_model.projection_checkpoints c WHERE c.projection = n.name)
            AND EXISTS (SELECT 1 FROM event_store.events))
     ORDER BY 1`,
    [names],
  );
  return rows.map((r) => r.projection);
}
