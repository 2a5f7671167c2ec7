import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { upcast as shippedUpcast, type UpcastFn } from '@newsroom/domain';
import { EventLogReader, isTransientStoreError, translateStoreError, type StoredEvent } from '@newsroom/event-store';
import { ForgedReason, unvouched } from './store-vouching.util';
import {
  deadLetterOf,
  EventIdentity,
  headerPosition,
  identifyMessage,
  IncomingMessage,
  Publisher,
  STORE_ID_HEADER,
} from '@newsroom/messaging';
import { Projection } from './projection.types';
import {
  Checkpoints,
  checkpointsFrom,
  lockCheckpointsSql,
  lockMissingCheckpointsSql,
  Moved,
  saveCheckpointsSql,
  lostCheckpointsIntentSql,
} from './projection-checkpoints.repository';
import { parseWireEvent, ProjectedEvent, projectedFromStored } from './projected-event.mapper';
import { chainGaps, eventsMissingFromPartition, partitionOfKey } from './topic-gap.util';
import { dropHeldWrites, holdWrites, ownWrites, sendHeldWrites } from './write-pipeline.util';

export interface ProjectionRunnerOptions {
  dlqTopic: string;
  /** Attempts per event before it is given up on and sent to the DLQ. */
  maxAttempts: number;
  /** Called once per projection and transaction with how many events it applied (metrics). */
  onApplied?: (projection: string, events: number) => void;
  onDeadLettered?: (projection: string, position: string, error: string) => void;
  /**
   * The topic's partition count, asked only when a partition's offsets show a gap (retention deleted records the
   * projector never saw, or the topic was recreated): the missing events are then read from the event store.
   * Without it gaps are only logged.
   */
  partitionCount?: (topic: string) => Promise<number>;
  onGapFilled?: (partition: number, events: number) => void;
  /** A message from another event store (its `store-id` header is not this database's): skipped, counted here. */
  onForeign?: (storeId: string, messages: number) => void;
  /**
   * A message the store does not vouch for (its position is beyond the store's head or a hole, or its id or content
   * differs from the store's record at that position): refused, dead-lettered, counted here by reason.
   */
  onForged?: (reason: ForgedReason, messages: number) => void;
  /** The upcaster events are read with (tests hand one that knows a newer schema version). */
  upcast?: UpcastFn;
  /**
   * Batches of at most this many messages that arrive together (the partitions of one fetch, handed to concurrent
   * handlers) share one transaction and one write per read model: at low rates each partition's batch holds a few
   * events, and its fixed cost (the checkpoints' round trips, a dozen read models' statements, the watermark's
   * update) is paid once for all of them rather than once each. Larger batches keep a transaction of their own
   * (and their parallelism). 0 (the default): every batch alone. Off in the projector by default: in the stack,
   * at the reports' 500 events/s, it saved no CPU an event (a fetch seldom carries several partitions' batches) and
   * the end-to-end p99 at 50 events/s rose (README, Performance, the reports' line).
   */
  groupBatchesUpTo?: number;
  /**
   * Projections with no checkpoint on a partition where the others have one, or where this runner moved theirs before:
   * new to the system (the projector's start found them), or their read model emptied by hand, rows and checkpoints,
   * while the projector runs. The batch that finds them records their backfill intent in its transaction
   * (`read_model.projection_backfills`, so their reports say they are partial; one already there is kept) and applies
   * its events to them as to a new read model; this is called once it committed, to fold their history in.
   */
  onCheckpointsLost?: (projections: string[], topic: string, partition: number) => void;
}

const NONE_LOST: readonly string[] = [];

/** Why a message was refused as not the store's: `beyond-head`, `not-in-store` (a hole), `id-mismatch`, `content-mismatch`. */
export type { ForgedReason } from './store-vouching.util';

/** The whole batch could not be applied at once (a poison event in it): it is redone carefully. */
class BatchFailed extends Error {
  constructor(readonly reason: unknown) {
    super(`batch failed: ${(reason as Error)?.message ?? String(reason)}`);
  }
}

/**
 * A message with a place in the log: parsed (`event`), or unreadable (`event` null: unknown type, newer schema
 * version, broken JSON with the relay's headers), which every projection not past it records as failed.
 */
type Item = {
  message: IncomingMessage;
  position: bigint;
  event: ProjectedEvent | null;
  identity: EventIdentity;
  error?: unknown;
  /** Placed by its `global-position` header, its value not parsed: the event is the store's record once vouched for. */
  byHeader?: true;
};
/** What one projection takes of the items: those above its checkpoint it handles (by index), those it fails, and where it ends. */
type Plan = {
  projection: Projection;
  take: Array<{ at: number; event: ProjectedEvent }>;
  fail: number[];
  end: { position: bigint; offset: string } | null;
};
type Dead = { message: IncomingMessage; error: unknown };
type Batch = { topic: string; partition: number; messages: IncomingMessage[] };
/** A batch read and vouched for, ready for its transaction. */
type Prepared = { batch: Batch; items: Item[]; dead: Dead[]; firstOffset: bigint | null; lastOffset: string | null };
/** A batch waiting for the others of its fetch (`groupBatchesUpTo`). */
type Waiting = { batch: Batch; resolve: () => void; reject: (error: unknown) => void };

/** A grouped batch needs what only its own transaction does (a gap, an unreadable or refused message): each goes alone. */
class NotPlain extends Error {}
/** Events of the partition in (after, before) the topic did not deliver; `offset`: the last message's before them. */
type Gap = { after: bigint; before: bigint | null; offset: bigint };
const MAX_POSITION = 2n ** 63n - 1n;

/**
 * Applies one Kafka batch (one partition) to every projection in ONE transaction, together with each
 * projection's checkpoint for that partition. Events at or below a projection's checkpoint are skipped, so a
 * redelivered batch or a relay republish changes nothing. The batch goes to each projection whole (`applyMany`,
 * set-based, no savepoint); when that fails the transaction is redone carefully: halves under savepoints, down
 * to the single event that fails, which is retried a bounded number of times per projection and then
 * dead-lettered, and the partition moves on. An event no projection can read is recorded as failed for each
 * projection not past it, so checkpoints and the feed watermark move past it (`npm run replay -- --from-dlq`).
 *
 * The topic is only the transport: when a partition's offsets jump past the checkpoint's (records deleted by
 * retention) or restart below it (topic recreated), the events of that partition the store holds between the
 * checkpoint and the batch are read from the store and applied first, in the same transaction.
 */
export class ProjectionRunner {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly upcast: UpcastFn;
  private storeId: Promise<string | null> | null = null;
  private foreignLoggedAt = 0;
  private forgedLoggedAt = 0;
  /** The last offset this instance applied per `topic:partition`: whether it has had every message of one. */
  private readonly handled = new Map<string, bigint>();
  /** Small batches of this turn of the event loop, to be applied together (`joinGroup`). */
  private waiting: Waiting[] = [];
  private groupScheduled = false;
  /** The partitions of the groups being applied. */
  private readonly busy = new Set<string>();
  /** The partitions (`topic:partition`) this instance has moved checkpoints on. */
  private readonly known = new Set<string>();
  /** This runner's projections (the checkpoints table may hold others'). */
  private readonly names: ReadonlySet<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly projections: Projection[],
    private readonly publisher: Publisher,
    private readonly options: ProjectionRunnerOptions,
  ) {
    this.upcast = options.upcast ?? shippedUpcast;
    this.names = new Set(projections.map((p) => p.name));
  }

  async handleBatch(batch: Batch): Promise<void> {
    const upTo = this.options.groupBatchesUpTo ?? 0;
    if (upTo > 0 && batch.messages.length <= upTo) return this.joinGroup(batch);
    const prepared = await this.prepare(batch);
    await this.refuseForged([prepared]);
    await this.applyAlone(prepared);
  }

  /**
   * The small batches handed over in one turn of the event loop (kafkajs gives each partition of a fetch to a
   * handler of its own, all at once) are applied together once that turn ends. A partition never has two batches in
   * one transaction or in two at once: its later batch waits until the group holding the earlier one is done.
   */
  private joinGroup(batch: Batch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      this.scheduleGroup();
    });
  }

  private scheduleGroup(): void {
    if (this.groupScheduled) return;
    this.groupScheduled = true;
    setImmediate(() => {
      this.groupScheduled = false;
      this.startGroup();
    });
  }

  private startGroup(): void {
    const group: Waiting[] = [];
    const later: Waiting[] = [];
    const partitions = new Set<string>();
    for (const w of this.waiting) {
      const key = `${w.batch.topic}:${w.batch.partition}`;
      if (partitions.has(key) || this.busy.has(key)) {
        later.push(w);
        continue;
      }
      partitions.add(key);
      group.push(w);
    }
    this.waiting = later;
    if (!group.length) return;
    for (const key of partitions) this.busy.add(key);
    void this.applyGroup(group).finally(() => {
      for (const key of partitions) this.busy.delete(key);
      if (this.waiting.length) this.scheduleGroup();
    });
  }

  /**
   * A group's batches in ONE transaction: their checkpoints locked in one round trip, each read model's events of all
   * of them in one `applyMany` (in log order: the partitions split the log by stream, and every read model already
   * takes streams interleaved), every checkpoint moved with the COMMIT. When one of them needs its own transaction
   * (a gap to fill, an unreadable or refused message) or a write fails, each batch is applied alone, as a batch
   * that came alone would be; a transient failure fails every batch of the group, which the consumer retries.
   */
  private async applyGroup(group: Waiting[]): Promise<void> {
    let prepared: Prepared[];
    try {
      prepared = [];
      for (const { batch } of group) prepared.push(await this.prepare(batch));
      await this.refuseForged(prepared);
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    if (prepared.length > 1) {
      try {
        await this.transaction(
          prepared.map((p) => p.batch),
          (m, checkpoints) => this.applyTogether(m, prepared, checkpoints),
          true,
        );
        for (const p of prepared) this.markHandled(p);
        await this.afterCommit();
        for (const w of group) w.resolve();
        return;
      } catch (error) {
        if (!(error instanceof NotPlain) && (this.isTransient(error) || !(error instanceof BatchFailed))) {
          for (const w of group) w.reject(error);
          return;
        }
      }
    }
    for (const [i, w] of group.entries()) await this.applyAlone(prepared[i]).then(w.resolve, w.reject);
  }

  /** Reads a batch's messages into items: their place in the log, the event parsed where no header places it. */
  private async prepare(batch: Batch): Promise<Prepared> {
    const own = await this.ownStoreId();
    const items: Item[] = [];
    const dead: Dead[] = [];
    let foreign: string | null = null;
    let foreignCount = 0;
    for (const message of batch.messages) {
      // A record of a compressed batch that could not be read: not an event anyone can place, only dead-lettered.
      if (message.unreadable !== undefined) {
        dead.push({ message, error: new Error(message.unreadable) });
        continue;
      }
      const from = message.headers[STORE_ID_HEADER];
      if (from && own && from !== own) {
        foreign = from;
        foreignCount++;
        continue;
      }
      // The relay's messages say where they sit: the store's record at that position, read to vouch for the message
      // anyway, is the event (refuseForged), so the value is parsed only when no header says it.
      const position = headerPosition(message.headers);
      if (position !== null) {
        items.push({ message, position, event: null, identity: { position: String(position), id: null, type: 'unknown' }, byHeader: true });
        continue;
      }
      try {
        const event = parseWireEvent(message.value, this.upcast);
        items.push({
          message,
          position: BigInt(event.globalPosition),
          event,
          identity: { position: event.globalPosition, id: event.id, type: event.type },
        });
      } catch (error) {
        const identity = identifyMessage(message.value, message.headers);
        if (identity) items.push({ message, position: BigInt(identity.position), event: null, identity, error });
        else dead.push({ message, error });
      }
    }
    if (foreign) this.reportForeign(foreign, foreignCount, batch.partition);
    const lastOffset = batch.messages.length ? batch.messages[batch.messages.length - 1].offset : null;
    const firstOffset = batch.messages.length ? BigInt(batch.messages[0].offset) : null;
    return { batch, items, dead, firstOffset, lastOffset };
  }

  /** One batch in a transaction of its own: pipelined, and redone carefully when a write fails. */
  private async applyAlone(prepared: Prepared): Promise<void> {
    const { batch, items, dead, firstOffset, lastOffset } = prepared;
    const apply = (careful: boolean) =>
      this.transaction(
        [batch],
        async (m, [checkpoints]) => [await this.applyBatch(m, batch, checkpoints, items, dead, firstOffset, lastOffset, careful)],
        !careful,
      );
    try {
      // The common case costs no savepoint: every projection takes the batch whole, in one transaction, and their
      // writes go out together with the checkpoints and the COMMIT (one round trip).
      await apply(false);
    } catch (error) {
      if (this.isTransient(error) || !(error instanceof BatchFailed)) throw error;
      await apply(true);
    }
    this.markHandled(prepared);
    await this.afterCommit();
  }

  private markHandled({ batch, lastOffset }: Prepared): void {
    if (lastOffset !== null) this.handled.set(`${batch.topic}:${batch.partition}`, BigInt(lastOffset));
  }

  private async afterCommit(): Promise<void> {
    for (const projection of this.projections) {
      if (projection.afterCommit) await projection.afterCommit(this.dataSource.manager);
    }
  }

  /** Inside a group's transaction: every projection's events of all its batches at once; the checkpoints to move. */
  private async applyTogether(manager: EntityManager, group: Prepared[], checkpoints: Checkpoints[]): Promise<Moved[]> {
    if (!this.projections.every((p) => p.applyMany !== undefined)) throw new NotPlain();
    const plans = group.map(({ items, dead, firstOffset }, i) => {
      if (dead.length || this.gapsBefore(items, checkpoints[i], firstOffset).length) throw new NotPlain();
      const running = new Map<string, bigint>();
      for (const [name, cp] of checkpoints[i]) running.set(name, cp.position);
      const planned = this.plan(items, running);
      if (planned.some((p) => p.fail.length)) throw new NotPlain();
      return planned;
    });
    const applied: Array<[string, number]> = [];
    for (const [j, projection] of this.projections.entries()) {
      const take = group.flatMap(({ items }, i) => plans[i][j].take.map(({ at, event }) => ({ position: items[at].position, event })));
      if (!take.length) continue;
      take.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
      await this.applyOne(
        manager,
        projection,
        take.map((t) => t.event),
      );
      applied.push([projection.name, take.length]);
    }
    for (const [name, events] of applied) this.options.onApplied?.(name, events);
    return group.map(({ lastOffset }, i) => {
      const moved: Moved = new Map();
      for (const { projection, end } of plans[i]) {
        // The offset of the batch's last message, so duplicates or skipped messages at its end leave no hole.
        if (end) moved.set(projection.name, { position: end.position, offset: lastOffset ?? end.offset });
      }
      return moved;
    });
  }

  /**
   * For the projector's progress check, when the feed watermark stands still behind the store's head. A record the
   * broker lost after acknowledging it shows in the next message of its partition (`partition-prev-position`), but
   * when it was its partition's last, no message shows it, and the watermark would wait before it until the next
   * event lands there. So: the event the feed `watermark` waits for (the first above it), if the relay has published
   * it (its checkpoint is past it), is looked for on its partition. When every message of that partition has been applied (this instance handled its
   * last offset, or every projection's checkpoint is there) and it is still not, the topic lost it: the partition's
   * events up to it are read from the store and applied in one transaction with the checkpoints, which keep their
   * offsets. A partition the topic never held a message on has no checkpoints: its lost records are filled from its
   * start. Returns how many were applied: 0 when nothing waits, the partition has messages still to deliver (a
   * consumer behind), or a projection has no checkpoint on a partition that has had messages (a projection added
   * later sees new events only; the watchdog's restart is what is left). The checkpoints' row locks, or the
   * partition's lock where there are none, keep it from racing the partition's batches, in this instance or another.
   */
  async fillLostTail(
    topic: string,
    watermark: string | bigint,
    offsets: () => Promise<ReadonlyArray<{ partition: number; high: string }>>,
  ): Promise<number> {
    const log = new EventLogReader(this.dataSource);
    const [next] = await log.readAll({ after: watermark, limit: 1 });
    if (!next || BigInt(await log.publishedUpTo(topic)) < BigInt(next.globalPosition)) return 0;
    const awaited = { position: BigInt(next.globalPosition), streamId: next.streamId };
    const highs = await offsets();
    const partition = partitionOfKey(awaited.streamId, highs.length);
    const high = highs.find((o) => o.partition === partition)?.high;
    if (high === undefined) return 0;
    const last = BigInt(high) - 1n;
    const handled = this.handled.get(`${topic}:${partition}`);
    const applied = handled !== undefined && handled >= last;
    let filled = 0;
    const fillIn = async (manager: EntityManager, checkpoints: Checkpoints, careful: boolean): Promise<Moved> => {
      const running = new Map<string, bigint>();
      const moved: Moved = new Map();
      let lowest = MAX_POSITION;
      for (const { name } of this.projections) {
        const cp = checkpoints.get(name);
        // No checkpoint: nothing of this partition applied yet. Where the topic never held a message, its lost
        // first records are filled from the partition's start; elsewhere (a projection added to a running system,
        // which sees new events only) nothing is.
        if (!cp && last >= 0n) return moved;
        const position = cp?.position ?? -1n;
        running.set(name, position);
        if (position < lowest) lowest = position;
      }
      const delivered = applied || this.projections.every(({ name }) => (checkpoints.get(name)?.offset ?? -1n) >= last);
      if (!delivered || awaited.position <= lowest) return moved;
      const gap = { after: lowest, before: awaited.position + 1n, offset: last };
      filled = await this.fillGap(manager, topic, partition, gap, running, moved, careful, highs.length);
      return moved;
    };
    const fill = (careful: boolean) =>
      this.transaction([{ topic, partition }], async (manager, [checkpoints]) => [await fillIn(manager, checkpoints, careful)], !careful);
    try {
      await fill(false);
    } catch (error) {
      if (this.isTransient(error) || !(error instanceof BatchFailed)) throw error;
      await fill(true);
    }
    if (filled) await this.afterCommit();
    return filled;
  }

  /**
   * Messages the event store does not vouch for (store-vouching.util.ts) are dead-lettered, counted, never applied:
   * they leave each batch's items for its dead. One read of the store for all the batches.
   */
  private async refuseForged(batches: Prepared[]): Promise<void> {
    const { refused, records } = await unvouched(
      this.dataSource,
      batches.flatMap((b) => b.items),
    );
    const out = new Set(refused.map((r) => r.item));
    for (const { items } of batches)
      for (const item of items) if (item.byHeader && !out.has(item)) this.readRecord(item, records.get(item.position.toString())!);
    if (!refused.length) return;
    const counts = new Map<ForgedReason, number>();
    for (const { reason } of refused) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    for (const prepared of batches) {
      for (const { item, reason } of refused)
        if (prepared.items.includes(item))
          prepared.dead.push({
            message: item.message,
            error: new Error(`refused as forged (${reason}): position ${item.position} is not the event store's record`),
          });
      prepared.items = prepared.items.filter((i) => !out.has(i));
    }
    for (const [reason, n] of counts) this.options.onForged?.(reason, n);
    if (Date.now() - this.forgedLoggedAt >= 10_000) {
      this.forgedLoggedAt = Date.now();
      const summary = [...counts].map(([reason, n]) => `${n} ${reason}`).join(', ');
      const partitions = [...new Set(refused.map((r) => r.item.message.partition))].join(', ');
      this.logger.warn(
        `partition ${partitions}: refused ${refused.length} message(s) the event store does not vouch for (${summary}), e.g. position ${refused[0].item.position}; who else writes to this topic?`,
      );
    }
  }

  /**
   * A vouched message placed by its header takes its event from the store's record (the same event), upcast as a
   * parsed one would be; an event it cannot read (unknown type, newer schema version) is recorded as failed.
   */
  private readRecord(item: Item, record: StoredEvent): void {
    item.identity = { position: record.globalPosition, id: record.eventId, type: record.type };
    try {
      item.event = projectedFromStored(record, this.upcast);
    } catch (error) {
      item.error = error;
    }
  }

  /**
   * The batches' transaction, on a connection of its own: BEGIN goes in one query string with the statements locking
   * the partitions' checkpoints (in partition order, so two transactions never wait for each other's), and COMMIT
   * with the ones moving them. With `pipelined`, the projections' writes are held (write-pipeline.util) and sent in
   * one round trip with the checkpoints and the COMMIT; a read sends those held before it first. So a transaction
   * of new events costs the BEGIN, the projections' reads, and one round trip for everything it writes, not one per
   * statement. Any failure rolls it back; a write that fails there (not a transient error) fails the batch as it
   * would have failed its projection: it is redone carefully. `work` gets the checkpoints and returns the moves of
   * each partition, in the order of `partitions`.
   */
  private async transaction(
    partitions: Array<{ topic: string; partition: number }>,
    work: (manager: EntityManager, checkpoints: Checkpoints[]) => Promise<Moved[]>,
    pipelined = false,
  ): Promise<void> {
    const order = partitions.map((_, i) => i).sort((x, y) => partitions[x].partition - partitions[y].partition);
    const runner = this.dataSource.createQueryRunner();
    try {
      // The driver's client: TypeORM's query() keeps only a single statement's rows.
      const client = (await runner.connect()) as { query(sql: string): Promise<Array<{ rows: unknown[] }>> };
      try {
        const locks = order.map((i) => lockCheckpointsSql(partitions[i].topic, partitions[i].partition));
        const [, ...locked] = await client.query(`BEGIN;\n${locks.join(';\n')}`);
        const checkpoints: Checkpoints[] = [];
        order.forEach((i, k) => (checkpoints[i] = checkpointsFrom(locked[k].rows as Parameters<typeof checkpointsFrom>[0])));
        // Rows that are not there cannot be locked: the partition's lock instead (projection-checkpoints.repository).
        const missing = order.filter((i) => this.projections.some(({ name }) => !checkpoints[i].has(name)));
        if (missing.length) {
          const relocked = await client.query(
            missing.map((i) => lockMissingCheckpointsSql(partitions[i].topic, partitions[i].partition)).join(';\n'),
          );
          // Two statements each: the lock, then the checkpoints read again.
          missing.forEach((i, k) => (checkpoints[i] = checkpointsFrom(relocked[2 * k + 1].rows as Parameters<typeof checkpointsFrom>[0])));
        }
        // Read from the rows just locked: no statement of its own. A lost one's intent goes with the COMMIT.
        const lost = partitions.map(({ topic, partition }, i) => this.lostCheckpoints(topic, partition, checkpoints[i]));
        const manager = pipelined ? holdWrites(runner.manager) : runner.manager;
        const moved = await work(manager, checkpoints);
        const saves = partitions.flatMap(({ topic, partition }, i) => saveCheckpointsSql(topic, partition, moved[i]) ?? []);
        const lostNames = [...new Set(lost.flat())];
        if (lostNames.length) saves.push(lostCheckpointsIntentSql(lostNames));
        if (!pipelined) await client.query([...saves, 'COMMIT'].join(';\n'));
        else
          await sendHeldWrites(runner.manager, [...saves, 'COMMIT']).catch((error: unknown) => {
            throw this.isTransient(error) ? error : new BatchFailed(error);
          });
        partitions.forEach(({ topic, partition }, i) => this.hold(topic, partition, moved[i], lost[i]));
      } catch (error) {
        dropHeldWrites(runner.manager);
        // Also after a failed BEGIN or COMMIT string: whatever part of it ran, no transaction is left open.
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * This runner's projections that `checkpoints` (the partition's, just locked) lacks where others of them have one, or
   * where this instance moved them before: every batch moves every projection's checkpoint (a rebuild's swap sets them
   * in place), so one lacking there is new to the system (the start found it and recorded its backfill) or was deleted
   * by hand. A dozen lookups a batch, no statement.
   */
  private lostCheckpoints(topic: string, partition: number, checkpoints: Checkpoints): readonly string[] {
    let lost: string[] | null = null;
    let some = false;
    for (const name of this.names)
      if (checkpoints.has(name)) some = true;
      else (lost ??= []).push(name);
    if (!lost || (!some && !this.known.has(`${topic}:${partition}`))) return NONE_LOST;
    return lost;
  }

  /** After a commit: the partition is known; the projections it found lost are reported. */
  private hold(topic: string, partition: number, moved: Moved, lost: readonly string[]): void {
    if (moved.size) this.known.add(`${topic}:${partition}`);
    if (!lost.length) return;
    this.logger.debug(`partition ${partition}: no checkpoint of ${lost.join(', ')} while the others have one; recorded for a backfill`);
    this.options.onCheckpointsLost?.([...lost], topic, partition);
  }

  /** Inside the transaction: a gap filled from the store, events applied; returns the checkpoints to move. */
  private async applyBatch(
    manager: EntityManager,
    { topic, partition }: { topic: string; partition: number },
    checkpoints: Checkpoints,
    items: Item[],
    dead: Dead[],
    firstOffset: bigint | null,
    lastOffset: string | null,
    careful: boolean,
  ): Promise<Moved> {
    const running = new Map<string, bigint>();
    for (const [name, cp] of checkpoints) running.set(name, cp.position);
    const moved: Moved = new Map();
    const gaps = this.gapsBefore(items, checkpoints, firstOffset);
    let from = 0;
    for (const [at, missing] of gaps) {
      if (at > from) await this.applyItems(manager, items.slice(from, at), running, moved, careful, null);
      await this.fillGap(manager, topic, partition, missing, running, moved, careful);
      from = at;
    }
    await this.applyItems(manager, from ? items.slice(from) : items, running, moved, careful, lastOffset);
    for (const { message, error } of dead) await this.deadLetter(manager, [], message, null, error);
    return moved;
  }

  /**
   * Where the store holds events of this partition the topic did not deliver, by the index of the item they go before,
   * in item order: after deleted records or a recreated topic (offsets, `findGap`), and where the relay's partition
   * chain says an event is missing (a broker that lost acknowledged records, `chainGaps`). Filled right before that
   * item, everything applies in log order.
   */
  private gapsBefore(items: Item[], checkpoints: Checkpoints, firstOffset: bigint | null): Array<[number, Gap]> {
    const gaps = new Map<number, Gap>();
    const gap = firstOffset === null ? null : this.findGap(items, checkpoints, firstOffset);
    if (gap)
      gaps.set(
        Math.max(
          0,
          items.findIndex((i) => i.position > gap.after),
        ),
        gap,
      );
    let lowest = checkpoints.size ? MAX_POSITION : -1n;
    for (const cp of checkpoints.values()) if (cp.position < lowest) lowest = cp.position;
    for (const { at, after, before } of chainGaps(items, lowest)) {
      const known = gaps.get(at);
      const offset = at > 0 ? BigInt(items[at - 1].message.offset) : BigInt(items[0].message.offset) - 1n;
      if (!known || after < known.after) gaps.set(at, { after, before, offset: known?.offset ?? offset });
    }
    return [...gaps].sort((a, b) => a[0] - b[0]);
  }

  /**
   * Offsets on the events topic have no holes (no transactions, no compaction) and a checkpoint keeps the offset
   * of the last message of the batch it moved in. So a batch starting after checkpoint offset + 1 follows deleted
   * records, and a new event at or below the checkpoint's offset comes from a recreated topic: either way the
   * store may hold events of this partition the topic never delivered. One comparison per projection and batch.
   */
  private findGap(items: Item[], checkpoints: Checkpoints, firstOffset: bigint): Gap | null {
    let gap: Gap | null = null;
    for (const cp of checkpoints.values()) {
      const next = items.find((i) => i.position > cp.position);
      const deleted = firstOffset > cp.offset + 1n;
      const reset = next !== undefined && BigInt(next.message.offset) <= cp.offset;
      // Deleted records and nothing new here yet: the checkpoint stays, and the next batch looks again.
      if ((!deleted && !reset) || !next) continue;
      if (!gap || cp.position < gap.after) gap = { after: cp.position, before: next.position, offset: cp.offset };
    }
    if (gap) gap.before = items.find((i) => i.position > gap.after)?.position ?? null;
    return gap;
  }

  private async fillGap(
    manager: EntityManager,
    topic: string,
    partition: number,
    gap: Gap,
    running: Map<string, bigint>,
    moved: Moved,
    careful: boolean,
    known?: number,
  ): Promise<number> {
    if (!known && !this.options.partitionCount) {
      this.logger.warn(`partition ${partition}: offsets jumped past the checkpoint, and no partition count to fill the gap from the store`);
      return 0;
    }
    const partitions = known ?? (await this.options.partitionCount!(topic));
    let filled = 0;
    for await (const page of eventsMissingFromPartition(manager, { after: gap.after, before: gap.before, partition, partitions })) {
      const items = page.map((e) => this.itemFromStore(e, topic, partition, gap.offset.toString()));
      await this.applyItems(manager, items, running, moved, careful, null);
      filled += page.length;
    }
    if (filled)
      this.logger.warn(
        `partition ${partition}: ${filled} events in (${gap.after}, ${gap.before ?? 'head'}) were missing from the topic; applied from the event store`,
      );
    this.options.onGapFilled?.(partition, filled);
    return filled;
  }

  private itemFromStore(e: StoredEvent, topic: string, partition: number, offset: string): Item {
    const message: IncomingMessage = {
      topic,
      partition,
      offset,
      key: e.streamId,
      value: Buffer.from(JSON.stringify(e)),
      headers: { 'global-position': e.globalPosition, 'event-id': e.eventId, 'event-type': e.type },
    };
    const identity = { position: e.globalPosition, id: e.eventId, type: e.type };
    try {
      return { message, position: BigInt(e.globalPosition), event: projectedFromStored(e, this.upcast), identity };
    } catch (error) {
      return { message, position: BigInt(e.globalPosition), event: null, identity, error };
    }
  }

  /** Applies items in order above each projection's running checkpoint, records the unreadable ones, moves ends. */
  private async applyItems(
    manager: EntityManager,
    items: Item[],
    running: Map<string, bigint>,
    moved: Moved,
    careful: boolean,
    lastOffset: string | null,
  ): Promise<void> {
    const plans = this.plan(items, running);
    // Carefully: the whole batch just failed, so it starts with its halves.
    if (careful || !this.projections.every((p) => p.applyMany !== undefined))
      await this.applyRange(manager, items, plans, 0, items.length, !careful);
    else await this.applyWhole(manager, plans);
    await this.recordUnreadable(manager, items, plans);
    for (const { projection, end } of plans) {
      if (!end) continue;
      running.set(projection.name, end.position);
      // The offset of the batch's last message, so duplicates or skipped messages at its end leave no hole.
      moved.set(projection.name, { position: end.position, offset: lastOffset ?? end.offset });
    }
  }

  private async applyWhole(manager: EntityManager, plans: Plan[]): Promise<void> {
    for (const { projection, take } of plans) {
      if (!take.length) continue;
      await this.applyOne(
        manager,
        projection,
        take.map((t) => t.event),
      );
    }
    for (const { projection, take } of plans) if (take.length) this.options.onApplied?.(projection.name, take.length);
  }

  /** One projection's events at once, set-based; a write that fails fails the batch (it is redone carefully). */
  private async applyOne(manager: EntityManager, projection: Projection, events: ProjectedEvent[]): Promise<void> {
    try {
      // Its reads wait only for its own held writes (write-pipeline.util: a read model reads only its own tables).
      await projection.applyMany!(ownWrites(manager, projection.name), events);
    } catch (error) {
      throw this.isTransient(error) ? error : new BatchFailed(error);
    }
  }

  /** The items each projection takes: those above its checkpoint (as it moves through them) that it handles. */
  private plan(items: Item[], running: Map<string, bigint>): Plan[] {
    return this.projections.map((projection) => {
      let last = running.get(projection.name) ?? -1n;
      const plan: Plan = { projection, take: [], fail: [], end: null };
      items.forEach(({ message, event, position }, at) => {
        if (position <= last) return;
        last = position;
        plan.end = { position, offset: message.offset };
        if (!event) plan.fail.push(at);
        else if (!projection.handles || projection.handles(event)) plan.take.push({ at, event });
      });
      return plan;
    });
  }

  /** Unreadable items: one DLQ message each, and a failure row for every projection that was not past it. */
  private async recordUnreadable(manager: EntityManager, items: Item[], plans: Plan[]): Promise<void> {
    if (plans.every((p) => !p.fail.length)) return;
    const byItem = new Map<number, string[]>();
    for (const { projection, fail } of plans) for (const at of fail) byItem.set(at, [...(byItem.get(at) ?? []), projection.name]);
    for (const [at, names] of [...byItem].sort((a, b) => a[0] - b[0])) {
      await this.deadLetter(manager, names, items[at].message, items[at].identity, items[at].error);
    }
  }

  /**
   * Applies events [from, to) of the batch: set-based under one savepoint; on failure (a poison event somewhere)
   * each half again, so only the failing event ends up applied alone, with retries and dead-lettering.
   */
  private async applyRange(manager: EntityManager, items: Item[], plans: Plan[], from: number, to: number, whole = true): Promise<void> {
    const slices = plans
      .map(({ projection, take }) => ({ projection, events: take.filter((t) => t.at >= from && t.at < to).map((t) => t.event) }))
      .filter((s) => s.events.length > 0);
    if (!slices.length) return;
    if (whole && this.projections.every((p) => p.applyMany !== undefined)) {
      await manager.query('SAVEPOINT apply_batch');
      try {
        for (const { projection, events } of slices) await projection.applyMany!(manager, events);
        await manager.query('RELEASE SAVEPOINT apply_batch');
        for (const { projection, events } of slices) this.options.onApplied?.(projection.name, events.length);
        return;
      } catch (error) {
        await manager.query('ROLLBACK TO SAVEPOINT apply_batch');
        if (this.isTransient(error)) throw error; // the whole batch is retried by the consumer
      }
    }
    if (to - from > 1) {
      const middle = from + Math.ceil((to - from) / 2);
      await this.applyRange(manager, items, plans, from, middle);
      await this.applyRange(manager, items, plans, middle, to);
      return;
    }
    for (const { projection, events } of slices) await this.applyWithRetries(manager, projection, events[0], items[from].message);
  }

  private async applyWithRetries(manager: EntityManager, projection: Projection, event: ProjectedEvent, message: IncomingMessage) {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      await manager.query('SAVEPOINT apply_event');
      try {
        await projection.apply(manager, event);
        await manager.query('RELEASE SAVEPOINT apply_event');
        this.options.onApplied?.(projection.name, 1);
        return;
      } catch (error) {
        lastError = error;
        await manager.query('ROLLBACK TO SAVEPOINT apply_event');
        if (this.isTransient(error)) throw error; // the whole batch is retried by the consumer
      }
    }
    await this.deadLetter(
      manager,
      [projection.name],
      message,
      { position: event.globalPosition, id: event.id, type: event.type },
      lastError,
    );
  }

  /** Postgres down, a timeout, a lock wait or a rollback: the whole batch is retried, nothing is dead-lettered. */
  private isTransient(error: unknown): boolean {
    return isTransientStoreError(translateStoreError(error));
  }

  /** The DLQ message, and a failure row per projection (none for a message without a position: it cannot block). */
  private async deadLetter(
    manager: EntityManager,
    projections: string[],
    message: IncomingMessage,
    identity: EventIdentity | null,
    error: unknown,
  ) {
    const reason = (error as Error)?.message ?? String(error);
    const label = projections.length ? projections.join(',') : '*';
    this.logger.error(
      `dead-lettering ${identity ? `position ${identity.position} (${identity.id ?? 'no id'})` : `offset ${message.offset}`} for ${label}: ${reason}`,
    );
    // Published before the checkpoint commits: a crash in between can dead-letter twice, never zero times.
    // The original as it came (bytes, repeated headers); compressed, and cut if even that does not fit the topic.
    await this.publisher.publish(
      this.options.dlqTopic,
      [
        deadLetterOf(message, {
          'dlq-projection': label,
          'dlq-error': reason.slice(0, 1000),
          'dlq-source-topic': message.topic,
          'dlq-source-partition': String(message.partition),
          'dlq-source-offset': message.offset,
        }),
      ],
      { deadLetters: true },
    );
    if (identity && projections.length) {
      await manager.query(
        `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error)
         SELECT p, $2, $3, $4, $5 FROM unnest($1::text[]) AS p ON CONFLICT DO NOTHING`,
        [projections, identity.position, identity.id, identity.type, reason.slice(0, 2000)],
      );
    }
    for (const projection of projections.length ? projections : ['*'])
      this.options.onDeadLettered?.(projection, identity?.position ?? '', reason);
  }

  /**
   * This database's event store identity, read once; null (accept every message) on a schema without one. Any
   * other error fails the batch (the consumer retries it) rather than let a message through unchecked.
   */
  private ownStoreId(): Promise<string | null> {
    if (!this.storeId) {
      this.storeId = new EventLogReader(this.dataSource).storeId().then(
        (id) => {
          if (id === null)
            this.logger.warn('this database has no event store identity (migration not run): messages are not checked for their store');
          return id;
        },
        (error: unknown) => {
          this.storeId = null; // asked again on the next batch
          throw error;
        },
      );
    }
    return this.storeId;
  }

  private reportForeign(storeId: string, messages: number, partition: number): void {
    this.options.onForeign?.(storeId, messages);
    if (Date.now() - this.foreignLoggedAt < 10_000) return;
    this.foreignLoggedAt = Date.now();
    this.logger.warn(
      `skipped ${messages} message(s) on partition ${partition} published from another event store (store-id ${storeId}); is this projector pointed at the right topic?`,
    );
  }
}
