import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

/** The snapshot open in this async context, and the DataSource whose reads it takes. */
interface OpenSnapshot {
  readonly db: DataSource;
  readonly runner: QueryRunner;
  /** The last read queued on the snapshot's one connection: reads made at once run one after the other. */
  tail: Promise<unknown>;
}

const current = new AsyncLocalStorage<OpenSnapshot>();
const routed = new WeakSet<DataSource>();

/**
 * Makes `db.query(sql, params)` (no runner given) run on the snapshot `inReadSnapshot` opened in the caller's async
 * context, if any, else on the pool as before: so every read a report makes while its page is read (its rows, the
 * entity graph, histories, corroboration, names; in its repositories or the shared helpers) sees that one snapshot,
 * with no runner threaded through them. Once per DataSource.
 */
function routeToSnapshots(db: DataSource): void {
  if (routed.has(db)) return;
  routed.add(db);
  const query = db.query.bind(db);
  db.query = <T>(sql: string, parameters?: unknown[], runner?: QueryRunner): Promise<T> => {
    const open = current.getStore();
    if (runner || open?.db !== db) return query(sql, parameters, runner);
    // Queued here, not on the client: node-postgres queues a query sent while another runs, but deprecates it (pg 9
    // refuses it).
    const run = open.tail.then(() => query<T>(sql, parameters, open.runner));
    open.tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Runs `body` with every read of `db` in one snapshot of the database: one connection, `BEGIN ISOLATION LEVEL
 * REPEATABLE READ READ ONLY` sent in one string with `first` (a statement without parameters: it takes the snapshot),
 * so opening it costs no round trip more than `first` alone. `body` gets `first`'s rows. Reads `body` makes at once
 * (Promise.all) queue on the one connection. The COMMIT is sent after `body` is done and not waited for (a read-only
 * transaction has nothing to keep); the connection goes back to the pool when it is answered. Nested in a snapshot
 * of the same DataSource, `first` and `body` run in that one.
 */
export async function inReadSnapshot<R, T>(db: DataSource, first: string, body: (rows: R[]) => Promise<T>): Promise<T> {
  routeToSnapshots(db);
  const outer = current.getStore();
  if (outer?.db === db) return body(await db.query<R[]>(first));
  const runner = db.createQueryRunner();
  // node-postgres answers a string of two statements (simple protocol, no parameters) with both results.
  const client = (await runner.connect().catch(async (error: unknown) => {
    await runner.release();
    throw error;
  })) as { query(sql: string): Promise<Array<{ rows: R[] }>> };
  let ok = false;
  const open: OpenSnapshot = { db, runner, tail: Promise.resolve() };
  try {
    const [, taken] = await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${first}`);
    const result = await current.run(open, () => body(taken.rows));
    ok = true;
    return result;
  } finally {
    // ROLLBACK after a failure: a statement that failed left the transaction aborted; the connection is clean again
    // either way (a connection that broke is thrown away by the release). After any read still queued.
    void open.tail
      .then(() => runner.query(ok ? 'COMMIT' : 'ROLLBACK'))
      .catch(() => undefined)
      .finally(() => runner.release());
  }
}
