import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { advanceFeedWatermark, createProjections, PROJECTION_NAMES, ProjectionRebuilder, projectedFromStored } from '@newsroom/projections';

/** Every read-model table the projections write. */
const READ_MODEL_TABLES = createProjections().flatMap((p) => p.tables ?? []);

/** Every read-model table's rows, in a stable order: what "rebuild equals incremental" compares. */
export async function readModelSnapshot(ds: DataSource): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of READ_MODEL_TABLES) out[t] = await ds.query(`SELECT * FROM read_model.${t} t ORDER BY t::text`);
  return out;
}

/**
 * The store's log applied to the read models in log order, a page of `pageSize` per transaction (what the live
 * projector does per partition): `batched` hands each projection the page whole (`applyMany`, as the runner does),
 * otherwise each event goes to every projection in turn (`apply`), event by event. The feed watermark moves after each
 * page, as the projector moves it after each batch.
 */
export async function applyLog(store: PgEventStore, ds: DataSource, options: { pageSize: number; batched: boolean }): Promise<void> {
  const projections = createProjections();
  for (let after = '0'; ;) {
    const page = await store.readAll(after, options.pageSize);
    if (!page.length) return;
    await ds.transaction(async (m) => {
      const events = page.map((s) => projectedFromStored(s));
      if (!options.batched) {
        for (const e of events) for (const p of projections) if (!p.handles || p.handles(e)) await p.apply(m, e);
      } else {
        for (const p of projections) {
          const mine = events.filter((e) => !p.handles || p.handles(e));
          if (p.applyMany) await p.applyMany(m, mine);
          else for (const e of mine) await p.apply(m, e);
        }
      }
      // As the projector does after a batch: the reports read the state up to the watermark (cursor.codec).
      await advanceFeedWatermark(m);
    });
    after = page[page.length - 1].globalPosition;
  }
}

/**
 * Read models folded every way they are folded, each checked by `expectation`: event by event, the whole log in one
 * batch, batches of two, and a rebuild from the event store (which must give the same rows as folding). `tables` are
 * the read model's tables, emptied before each fold and compared after the rebuild. For describe blocks whose
 * `world()` holds the store and the read database.
 */
export function itFoldsEveryWay(
  what: string,
  world: () => { store: PgEventStore; ds: DataSource },
  topic: string,
  expectation: () => Promise<void>,
  tables: readonly string[],
): void {
  const names = tables.map((t) => `read_model.${t}`).join(', ');
  it.each([
    ['event by event', { pageSize: 100, batched: false }],
    ['the whole log in one batch', { pageSize: 100, batched: true }],
    ['a batch of two at a time', { pageSize: 2, batched: true }],
  ])(`applied %s, ${what}`, async (_how, options) => {
    const { store, ds } = world();
    await ds.query(`TRUNCATE ${names}`);
    await applyLog(store, ds, options);
    await expectation();
  });

  it(`a rebuild from the event store gives the same ${tables.join(', ')}`, async () => {
    const { store, ds } = world();
    await ds.query(`TRUNCATE ${names}`);
    await applyLog(store, ds, { pageSize: 3, batched: true });
    const incremental = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic, partitions: [0], concurrency: 2, batchSize: 2 });
    const rebuilt = await readModelSnapshot(ds);
    for (const t of tables) expect({ table: t, rows: rebuilt[t] }).toEqual({ table: t, rows: incremental[t] });
    await expectation();
  });
}

/** The feed folded every way it is folded (`itFoldsEveryWay` over `feed_items`, and `tables` folded with it). */
export function itFoldsTheFeedEveryWay(
  what: string,
  world: () => { store: PgEventStore; ds: DataSource },
  topic: string,
  expectation: () => Promise<void>,
  tables: readonly string[] = ['feed_items'],
): void {
  itFoldsEveryWay(what, world, topic, expectation, tables);
}

/**
 * Marks read models as folded up to position 10 of `topic`'s partition 0 (a checkpoint each): what a migration that
 * queues a fold again of a read model already folded looks for.
 */
export const markFolded = (ds: DataSource, topic: string, projections: readonly string[]) =>
  ds.query(
    `INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
     SELECT p, $1, 0, 10, 9 FROM unnest($2::text[]) p ON CONFLICT DO NOTHING`,
    [topic, projections],
  );
