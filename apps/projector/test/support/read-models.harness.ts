import { DataSource } from 'typeorm';
import type { UpcastFn } from '@newsroom/domain';
import { EventLogReader } from '@newsroom/event-store';
import { createProjections, projectedFromStored } from '@newsroom/projections';

/**
 * What a rebuild by the same code gives: every stored event, in position order, folded into fresh copies
 * (`<table>_cmp`) of the projections' tables; returns each table's rows, live and rebuilt, sorted the same way
 * (timestamps of the write itself left out).
 */
export async function liveAndRebuilt(
  ds: DataSource,
  names: string[],
  upcast?: UpcastFn,
): Promise<Array<{ table: string; live: unknown[]; rebuilt: unknown[] }>> {
  const tables = createProjections(names).flatMap((p) => [...(p.tables ?? [])]);
  await ds.transaction(async (m) => {
    for (const t of tables) {
      await m.query(`DROP TABLE IF EXISTS read_model.${t}_cmp`);
      await m.query(`CREATE TABLE read_model.${t}_cmp (LIKE read_model.${t} INCLUDING ALL)`);
    }
    const stored = await new EventLogReader(m).readAll({ after: 0, limit: Number.MAX_SAFE_INTEGER });
    const events = stored.map((e) => projectedFromStored(e, upcast));
    for (const p of createProjections(names, '_cmp')) await p.applyMany!(m, events);
  });
  const out: Array<{ table: string; live: unknown[]; rebuilt: unknown[] }> = [];
  for (const table of tables) {
    const cols = (
      await ds.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'read_model' AND table_name = $1
         AND column_name NOT IN ('updated_at', 'created_at') ORDER BY ordinal_position`,
        [table],
      )
    )
      .map((c: { column_name: string }) => `"${c.column_name}"`)
      .join(', ');
    out.push({
      table,
      live: await ds.query(`SELECT ${cols} FROM read_model.${table} ORDER BY ${cols}`),
      rebuilt: await ds.query(`SELECT ${cols} FROM read_model.${table}_cmp ORDER BY ${cols}`),
    });
    await ds.query(`DROP TABLE read_model.${table}_cmp`);
  }
  return out;
}

/**
 * Every table of the `names` read models holds what a rebuild by the same code gives (`liveAndRebuilt`); with
 * `feedEvents`, the feed also holds exactly that many items, each event once.
 */
export async function expectLikeRebuild(
  ds: DataSource,
  names: string[],
  { upcast, feedEvents }: { upcast?: UpcastFn; feedEvents?: number } = {},
): Promise<void> {
  if (feedEvents !== undefined) {
    const feed = await ds.query('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM read_model.feed_items');
    expect(feed[0]).toEqual({ n: feedEvents, d: feedEvents });
  }
  for (const { table, live, rebuilt } of await liveAndRebuilt(ds, names, upcast))
    expect({ table, rows: live }).toEqual({ table, rows: rebuilt });
}
