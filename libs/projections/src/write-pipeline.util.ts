import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { preparedName, queryPrepared } from './prepared-query.util';

/** One statement of a pipeline: its text (or, for a statement already prepared on the connection, its name) and values. */
type Statement = { text: string; values: unknown[]; name?: string };

/** The parts of node-postgres' connection a pipeline writes to (pg 8: `Client.connection`, as its own Query uses). */
interface PgConnection {
  parse(msg: { text: string; name?: string; types?: number[] }): void;
  bind(msg: { portal?: string; statement?: string; values: unknown[]; binary?: boolean; valueMapper?: (v: unknown) => unknown }): void;
  execute(msg: { portal?: string; rows?: number }): void;
  sync(): void;
  sendCopyFail(msg: string): void;
  query(text: string): void;
  endCopyFrom(): void;
  stream: { cork?: () => void; uncork?: () => void; writable: boolean; write(chunk: Buffer): boolean };
  parsedStatements: Record<string, string>;
}
interface PgClient {
  connection: PgConnection;
  query(submittable: object): unknown;
}

const prepareValue = (pg as unknown as { utils: { prepareValue: (v: unknown) => unknown } }).utils.prepareValue;

/**
 * Several statements in one round trip, as node-postgres' own Query sends one (extended protocol: Parse, Bind,
 * Execute per statement) but with a single Sync at the end: Postgres runs them in order, each seeing the ones before,
 * and after an error skips the rest up to the Sync (inside a transaction, which the error has aborted anyway). Their
 * rows are not read: it is for writes, and for statements run for their effect (a lock, a setting).
 */
class Pipeline {
  private completed = 0;
  private failed: Error | null = null;
  private settle!: { resolve: () => void; reject: (e: Error) => void };
  readonly done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(private readonly statements: Statement[]) {}

  /** Called by the client when it is this query's turn: everything goes out at once (one corked write). */
  submit(connection: PgConnection): null {
    connection.stream.cork?.();
    try {
      for (const { text, values, name } of this.statements) {
        if (!name) connection.parse({ text, types: [] });
        connection.bind({ statement: name ?? '', values, valueMapper: prepareValue });
        connection.execute({ portal: '', rows: 0 });
      }
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
  handleCopyInResponse(connection: PgConnection): void {
    connection.sendCopyFail('COPY is not supported in a write pipeline');
  }
  handleEmptyQuery(): void {
    this.completed++;
  }
  handleCommandComplete(): void {
    this.completed++;
  }

  /** The first error ends it (the client drops it as its active query: no ReadyForQuery reaches it). */
  handleError(error: Error): void {
    if (this.failed) return;
    const at = this.statements[this.completed];
    if (at)
      error.message = `${error.message} (statement ${this.completed + 1} of ${this.statements.length} in a pipeline: ${at.text.slice(0, 120)})`;
    this.failed = error;
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.settle.resolve();
  }
}

/**
 * `COPY ... FROM STDIN` with its rows, on the simple protocol (a COPY cannot share a Sync with other statements: in
 * copy-in mode Postgres takes nothing but the copy's own messages). The rows go out when Postgres answers the COPY
 * with CopyInResponse; an error before that (a missing table) fails it with nothing sent.
 */
class CopyIn {
  private failed = false;
  private settle!: { resolve: () => void; reject: (e: Error) => void };
  readonly done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    private readonly text: string,
    private readonly rows: Buffer,
  ) {}

  submit(connection: PgConnection): null {
    connection.query(this.text);
    return null;
  }

  handleCopyInResponse(connection: PgConnection): void {
    const stream = connection.stream;
    stream.cork?.();
    try {
      // CopyData messages of at most 1 MiB each (Postgres takes any split of the rows), each its 5-byte header and a
      // view of the rows written out together: node-postgres' sendCopyFromChunk would copy every chunk into a
      // message buffer of its own first.
      if (stream.writable)
        for (let at = 0; at < this.rows.length; at += COPY_CHUNK) {
          const chunk = this.rows.subarray(at, at + COPY_CHUNK);
          const header = Buffer.allocUnsafe(5);
          header[0] = COPY_DATA;
          header.writeInt32BE(chunk.length + 4, 1);
          stream.write(header);
          stream.write(chunk);
        }
      connection.endCopyFrom();
    } finally {
      stream.uncork?.();
    }
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
  handleEmptyQuery(): void {}
  handleCommandComplete(): void {}

  handleError(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    error.message = `${error.message} (${this.text.slice(0, 120)})`;
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.settle.resolve();
  }
}

const COPY_CHUNK = 1 << 20;
/** The frontend's CopyData message type ('d'). */
const COPY_DATA = 0x64;

/**
 * Writes `rows` (COPY's text format, `CopyBody`) into `table`'s `columns` with one COPY, after whatever the
 * transaction holds (`holdWrites`). No conflict handling: for tables the caller alone fills, once per row (a
 * rebuild's fold into fresh shadow tables). An error (a constraint) fails the whole COPY, as it would an INSERT.
 * `rows` is sent as it is, not copied: it must not change until the returned promise settles. Once it has resolved,
 * Postgres has read all of it (it answers a COPY only after its CopyDone); after a failure, what was still queued is
 * dropped by Postgres whatever it holds, as the protocol drops copy data after an error.
 */
export async function copyRows(manager: EntityManager, table: string, columns: readonly string[], rows: Buffer): Promise<void> {
  if (!rows.length) return;
  const runner = manager.queryRunner;
  if (runner && held.get(runner)?.length) await sendHeldWrites(manager);
  const client = await clientOf(manager);
  if (!client) throw new Error("a COPY needs a node-postgres connection (a transaction's query runner)");
  const copy = new CopyIn(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, rows);
  client.query(copy);
  await copy.done;
}

/** Writes held back per transaction (its query runner), each with the read model that wrote it (null: the runner). */
type Held = Statement & { owner: string | null };
const held = new WeakMap<object, Held[]>();
const OWNER = Symbol('write-pipeline owner');
type Owned = EntityManager & { [OWNER]?: string | null };

async function clientOf(manager: EntityManager): Promise<PgClient | null> {
  const runner = manager.queryRunner as unknown as { connect?: () => Promise<PgClient> } | undefined;
  return runner?.connect ? runner.connect() : null;
}

/** A view of `manager` whose own queries first send what is held, all of it or only when `owner` has some held. */
function view(manager: EntityManager, owner: string | null): EntityManager {
  const reading = Object.create(manager) as Owned;
  reading[OWNER] = owner;
  reading.query = async (query: string, parameters?: unknown[]) => {
    const pending = manager.queryRunner ? held.get(manager.queryRunner) : undefined;
    if (pending?.length && (owner === null || pending.some((h) => h.owner === owner))) await sendHeldWrites(manager);
    return manager.query(query, parameters);
  };
  return reading;
}

/**
 * From here until `sendHeldWrites(manager, after)`, `write` holds this transaction's writes back, to go out together.
 * The returned manager sends everything held before any query of its own, so a read through it sees every write
 * issued before. For a transaction on a query runner whose connection is node-postgres'.
 */
export function holdWrites(manager: EntityManager): EntityManager {
  const runner = manager.queryRunner;
  if (!runner) return manager;
  held.set(runner, []);
  return view(manager, null);
}

/**
 * The manager a read model applies a batch with while writes are held: its reads send the held writes first only
 * when some are its own. Each read model reads only the tables it owns (a projection's `tables`, and what its
 * statements name), so the writes other read models hold cannot change what it reads: a batch's reads of the
 * conflicts' candidates, say, need not wait for the feed's and the facts' inserts to go out, and those go out with
 * the COMMIT. Outside `holdWrites` it is `manager` itself.
 */
export function ownWrites(manager: EntityManager, owner: string): EntityManager {
  const base = Object.getPrototypeOf(manager) as EntityManager;
  const holding = (manager as Owned)[OWNER] === null && !!manager.queryRunner && held.has(manager.queryRunner);
  return holding ? view(base, owner) : manager;
}

/**
 * Sends the held writes, then `after` (statements without parameters: the checkpoints, COMMIT), in one round trip,
 * and stops holding when `after` is given (the transaction is over). Rejects with the first statement's error.
 */
export async function sendHeldWrites(manager: EntityManager, after?: string[]): Promise<void> {
  const runner = manager.queryRunner;
  const pending = runner ? held.get(runner) : undefined;
  if (runner && after) held.delete(runner);
  const statements = [...(pending ?? []), ...(after ?? []).map((text) => ({ text, values: [] }))];
  if (pending) pending.length = 0;
  if (!statements.length) return;
  const client = await clientOf(manager);
  if (!client) throw new Error('a write pipeline needs a node-postgres connection');
  const pipeline = new Pipeline(statements);
  client.query(pipeline);
  await pipeline.done;
}

/** Stops holding without sending (the transaction failed; what was held is rolled back with it). */
export function dropHeldWrites(manager: EntityManager): void {
  if (manager.queryRunner) held.delete(manager.queryRunner);
}

/**
 * A statement run for its effect. Inside `holdWrites` it is held and goes out with the next read or the commit, in
 * the same order as issued; otherwise it runs now. `prepared` names it as `queryPrepared` does (parsed and planned
 * once per connection): held only once the connection has it, so the first use parses it on its own round trip.
 */
export async function write(manager: EntityManager, text: string, values: unknown[], options: { prepared?: boolean } = {}): Promise<void> {
  const runner = manager.queryRunner;
  const pending = runner ? held.get(runner) : undefined;
  if (pending) {
    const owner = (manager as Owned)[OWNER] ?? null;
    if (!options.prepared) return void pending.push({ text, values, owner });
    const client = await clientOf(manager);
    const name = preparedName(text);
    if (client?.connection.parsedStatements[name] === text) return void pending.push({ text, values, name, owner });
    await sendHeldWrites(manager);
  }
  if (options.prepared) await queryPrepared(manager, text, values);
  else await manager.query(text, values);
}
