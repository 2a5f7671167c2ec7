import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { IncomingMessage, Publisher } from '@newsroom/messaging';
import { Projection } from './projection';
import { parseWireEvent, ProjectedEvent } from './projected-event';

export interface ProjectionRunnerOptions {
  dlqTopic: string;
  /** Attempts per event before it is given up on and sent to the DLQ. */
  maxAttempts: number;
  onApplied?: (projection: string, event: ProjectedEvent) => void;
  onDeadLettered?: (projection: string, position: string, error: string) => void;
}

type Checkpoints = Map<string, bigint>;
type Parsed = { message: IncomingMessage; event: ProjectedEvent };

/**
 * Applies one Kafka batch (one partition) to every projection in ONE transaction, together with each
 * projection's checkpoint for that partition. Events at or below a projection's checkpoint are skipped, so a
 * redelivered batch or a relay republish changes nothing. A poison event is retried a bounded number of times
 * (under a savepoint) and then dead-lettered, and the partition moves on.
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
    const { topic, partition, messages } = batch;
    await this.dataSource.transaction(async (manager) => {
      const checkpoints = await this.lockCheckpoints(manager, topic, partition);
      const moved = new Map<string, { position: bigint; offset: string }>();
      const parsed: Parsed[] = [];
      for (const message of messages) {
        try {
          parsed.push({ message, event: parseWireEvent(message.value) });
        } catch (error) {
          await this.deadLetter(manager, '*', message, null, error);
        }
      }
      if (!(await this.applyBatch(manager, parsed, checkpoints, moved))) {
        for (const { message, event } of parsed) {
          const position = BigInt(event.globalPosition);
          for (const projection of this.projections) {
            if (position <= (checkpoints.get(projection.name) ?? -1n)) continue;
            if (!projection.handles || projection.handles(event)) await this.applyWithRetries(manager, projection, event, message);
            checkpoints.set(projection.name, position);
            moved.set(projection.name, { position, offset: message.offset });
          }
        }
      }
      for (const [name, { position, offset }] of moved) {
        await manager.query(
          `INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (projection, topic, partition)
           DO UPDATE SET last_position = EXCLUDED.last_position, last_offset = EXCLUDED.last_offset, updated_at = now()`,
          [name, topic, partition, position.toString(), offset],
        );
      }
    });
    for (const projection of this.projections) {
      if (projection.afterCommit) await projection.afterCommit(this.dataSource.manager);
    }
  }

  /**
   * Fast path: each projection takes the whole batch at once (`applyMany`) under one savepoint. Any failure
   * rolls it back and the caller goes event by event, with retries and dead-lettering. The events each
   * projection takes are exactly those the event-by-event path would (above its checkpoint, as it moves).
   */
  private async applyBatch(manager: EntityManager, parsed: Parsed[], checkpoints: Checkpoints, moved: Map<string, { position: bigint; offset: string }>): Promise<boolean> {
    if (parsed.length < 2 || !this.projections.every((p) => p.applyMany)) return false;
    const plans = this.projections.map((projection) => {
      let last = checkpoints.get(projection.name) ?? -1n;
      let at: { position: bigint; offset: string } | null = null;
      const take: ProjectedEvent[] = [];
      for (const { message, event } of parsed) {
        const position = BigInt(event.globalPosition);
        if (position <= last) continue;
        last = position;
        at = { position, offset: message.offset };
        if (!projection.handles || projection.handles(event)) take.push(event);
      }
      return { projection, take, at };
    });
    await manager.query('SAVEPOINT apply_batch');
    try {
      for (const { projection, take } of plans) if (take.length) await projection.applyMany!(manager, take);
      await manager.query('RELEASE SAVEPOINT apply_batch');
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT apply_batch');
      if (this.isTransient(error)) throw error;
      return false;
    }
    for (const { projection, take, at } of plans) {
      take.forEach((event) => this.options.onApplied?.(projection.name, event));
      if (!at) continue;
      checkpoints.set(projection.name, at.position);
      moved.set(projection.name, at);
    }
    return true;
  }

  private async lockCheckpoints(manager: EntityManager, topic: string, partition: number): Promise<Checkpoints> {
    const rows = await manager.query(
      `SELECT projection, last_position FROM read_model.projection_checkpoints
       WHERE topic = $1 AND partition = $2 FOR UPDATE`,
      [topic, partition],
    );
    return new Map(rows.map((r: any) => [r.projection, BigInt(r.last_position)]));
  }

  private async applyWithRetries(manager: EntityManager, projection: Projection, event: ProjectedEvent, message: IncomingMessage) {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      await manager.query('SAVEPOINT apply_event');
      try {
        await projection.apply(manager, event);
        await manager.query('RELEASE SAVEPOINT apply_event');
        this.options.onApplied?.(projection.name, event);
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
