import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { createProjections, projectedFromStored } from '@newsroom/projections';

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
 * otherwise each event goes to every projection in turn (`apply`), event by event.
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
        return;
      }
      for (const p of projections) {
        const mine = events.filter((e) => !p.handles || p.handles(e));
        if (p.applyMany) await p.applyMany(m, mine);
        else for (const e of mine) await p.apply(m, e);
      }
    });
    after = page[page.length - 1].globalPosition;
  }
}
