import { EntityManager } from 'typeorm';

/** A partition's checkpoints by projection: the last position each has applied, and the offset it came at. */
export type Checkpoints = Map<string, { position: bigint; offset: bigint }>;
export type Moved = Map<string, { position: bigint; offset: string }>;

/** Reads the partition's checkpoints and locks them for the batch's transaction (one batch per partition at once). */
export async function lockCheckpoints(manager: EntityManager, topic: string, partition: number): Promise<Checkpoints> {
  const rows = await manager.query(
    `SELECT projection, last_position, last_offset FROM read_model.projection_checkpoints
     WHERE topic = $1 AND partition = $2 FOR UPDATE`,
    [topic, partition],
  );
  return new Map(
    rows.map((r: { projection: string; last_position: string; last_offset: string }) => [
      r.projection,
      { position: BigInt(r.last_position), offset: BigInt(r.last_offset) },
    ]),
  );
}

/** Every moved checkpoint of the partition in one statement, in the batch's transaction. */
export async function saveCheckpoints(manager: EntityManager, topic: string, partition: number, moved: Moved): Promise<void> {
  if (!moved.size) return;
  const names = [...moved.keys()];
  await manager.query(
    `INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
     SELECT c.projection, $2, $3, c.position, c.offset_ FROM unnest($1::text[], $4::bigint[], $5::bigint[]) AS c(projection, position, offset_)
     ON CONFLICT (projection, topic, partition)
     DO UPDATE SET last_position = EXCLUDED.last_position, last_offset = EXCLUDED.last_offset, updated_at = now()`,
    [names, topic, partition, names.map((n) => moved.get(n)!.position.toString()), names.map((n) => moved.get(n)!.offset)],
  );
}
