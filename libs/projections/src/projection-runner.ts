import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { IncomingMessage, Publisher } from '@newsroom/messaging';
import { Projection } from './projection';
import { Checkpoints, lockCheckpoints, Moved, saveCheckpoints } from './projection-checkpoints';
import { parseWireEvent, ProjectedEvent } from './projected-event';

export interface ProjectionRunnerOptions {
  dlqTopic: string;
  /** Attempts per event before it is given up on and sent to the DLQ. */
  maxAttempts: number;
  /** Called once per projection and transaction with how many events it applied (metrics). */
  onApplied?: (projection: string, events: number) => void;
  onDeadLettered?: (projection: string, position: string, error: string) => void;
}

/** The whole batch could not be applied at once (a poison event in it): it is redone carefully. */
class BatchFailed extends Error {
  constructor(readonly reason: unknown) {
    super(`batch failed: ${(reason as Error)?.message ?? String(reason)}`);
  }
}

type Parsed = { message: IncomingMessage; event: ProjectedEvent };
/** What one projection takes of a batch: the events above its checkpoint it handles (by index), and where it ends. */
type Plan = { projection: Projection; take: Array<{ at: number; event: ProjectedEvent }>; end: { position: bigint; offset: string } | null };

/**
 * Applies one Kafka batch (one partition) to every projection in ONE transaction, together with each
 * projection's checkpoint for that partition. Events at or below a projection's checkpoint are skipped, so a
 * redelivered batch or a relay republish changes nothing. The batch goes to each projection whole (`applyMany`,
 * set-based, no savepoint); when that fails the transaction is redone carefully: halves under savepoints, down
 * to the single event that fails, which is retried a bounded number of times per projection and then
 * dead-lettered, and the partition moves on.
 */
export class ProjectionRunner {
  private readonly logger = new Logger(ProjectionRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly projections: Projection[],
    private readonly publisher: Publisher,
    private readonly options: ProjectionRunnerOptions,
  ) {}

  async handleBatch(batch: { topic: string; partition: number; messages: IncomingMessage[] }): Promise<void> {
    const parsed: Parsed[] = [];
    const unreadable: Array<{ message: IncomingMessage; error: unknown }> = [];
    for (const message of batch.messages) {
      try {
        parsed.push({ message, event: parseWireEvent(message.value) });
      } catch (error) {
        unreadable.push({ message, error });
      }
    }
    try {
      // The common case costs no savepoint: every projection takes the batch whole, in one transaction.
      await this.dataSource.transaction((m) => this.applyBatch(m, batch, parsed, unreadable, false));
    } catch (error) {
      if (this.isTransient(error) || !(error instanceof BatchFailed)) throw error;
      await this.dataSource.transaction((m) => this.applyBatch(m, batch, parsed, unreadable, true));
    }
    for (const projection of this.projections) {
      if (projection.afterCommit) await projection.afterCommit(this.dataSource.manager);
    }
  }

  /** One transaction: checkpoints locked, events applied (whole, or `careful`ly by halves), checkpoints moved. */
  private async applyBatch(
    manager: EntityManager,
    { topic, partition }: { topic: string; partition: number },
    parsed: Parsed[],
    unreadable: Array<{ message: IncomingMessage; error: unknown }>,
    careful: boolean,
  ): Promise<void> {
    const checkpoints = await lockCheckpoints(manager, topic, partition);
    const plans = this.plan(parsed, checkpoints);
    // Carefully: the whole batch just failed, so it starts with its halves.
    if (careful || !this.projections.every((p) => p.applyMany)) await this.applyRange(manager, parsed, plans, 0, parsed.length, !careful);
    else await this.applyWhole(manager, plans);
    for (const { message, error } of unreadable) await this.deadLetter(manager, '*', message, null, error);
    const moved: Moved = new Map();
    for (const { projection, end } of plans) if (end) moved.set(projection.name, end);
    await saveCheckpoints(manager, topic, partition, moved);
  }

  private async applyWhole(manager: EntityManager, plans: Plan[]): Promise<void> {
    for (const { projection, take } of plans) {
      if (!take.length) continue;
      try {
        await projection.applyMany!(manager, take.map((t) => t.event));
      } catch (error) {
        throw this.isTransient(error) ? error : new BatchFailed(error);
      }
    }
    for (const { projection, take } of plans) if (take.length) this.options.onApplied?.(projection.name, take.length);
  }

  /** The events each projection takes: those above its checkpoint (as it moves through the batch) that it handles. */
  private plan(parsed: Parsed[], checkpoints: Checkpoints): Plan[] {
    return this.projections.map((projection) => {
      let last = checkpoints.get(projection.name) ?? -1n;
      const plan: Plan = { projection, take: [], end: null };
      parsed.forEach(({ message, event }, at) => {
        const position = BigInt(event.globalPosition);
        if (position <= last) return;
        last = position;
        plan.end = { position, offset: message.offset };
        if (!projection.handles || projection.handles(event)) plan.take.push({ at, event });
      });
      return plan;
    });
  }

  /**
   * Applies events [from, to) of the batch: set-based under one savepoint; on failure (a poison event somewhere)
   * each half again, so only the failing event ends up applied alone, with retries and dead-lettering.
   */
  private async applyRange(manager: EntityManager, parsed: Parsed[], plans: Plan[], from: number, to: number, whole = true): Promise<void> {
    const slices = plans
      .map(({ projection, take }) => ({ projection, events: take.filter((t) => t.at >= from && t.at < to).map((t) => t.event) }))
      .filter((s) => s.events.length > 0);
    if (!slices.length) return;
    if (whole && this.projections.every((p) => p.applyMany)) {
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
      await this.applyRange(manager, parsed, plans, from, middle);
      await this.applyRange(manager, parsed, plans, middle, to);
      return;
    }
    for (const { projection, events } of slices) await this.applyWithRetries(manager, projection, events[0], parsed[from].message);
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
    await this.deadLetter(manager, projection.name, message, event, lastError);
  }

  private isTransient(error: unknown): boolean {
    const code = (error as { code?: string })?.code ?? '';
    return code.startsWith('08') || code === '40001' || code === '40P01' || code === '57P01';
  }

  private async deadLetter(manager: EntityManager, projection: string, message: IncomingMessage, event: ProjectedEvent | null, error: unknown) {
    const reason = (error as Error)?.message ?? String(error);
    this.logger.error(`dead-lettering ${event?.id ?? `offset ${message.offset}`} for ${projection}: ${reason}`);
    // Published before the checkpoint commits: a crash in between can dead-letter twice, never zero times.
    await this.publisher.publish(this.options.dlqTopic, [
      {
        key: message.key ?? '',
        value: message.value,
        headers: {
          ...message.headers,
          'dlq-projection': projection,
          'dlq-error': reason.slice(0, 1000),
          'dlq-source-topic': message.topic,
          'dlq-source-partition': String(message.partition),
          'dlq-source-offset': message.offset,
        },
      },
    ]);
    if (event) {
      await manager.query(
        `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [projection, event.globalPosition, event.id, event.type, reason.slice(0, 2000)],
      );
    }
    this.options.onDeadLettered?.(projection, event?.globalPosition ?? '', reason);
  }
}
