import { Injectable } from '@nestjs/common';
import { Command, CommandBus, ICommand } from '@nestjs/cqrs';
import { EventStoreTimeoutError } from '@newsroom/event-store';

/**
 * Every write answers within one deadline (INGEST_WRITE_DEADLINE_MS; 0: none). Each statement already has its own
 * timeouts, but a write makes two (its reads, then its append), and each may first queue behind statements that are
 * waiting out theirs on a hung database, so without a deadline the waits add up. Past it the client gets 503
 * STORE.TIMEOUT with `recorded: "unknown"` (the append may still commit): a retry with the same ids records the event
 * once either way.
 *
 * The HTTP controllers send their commands through `WriteCommands`, which bounds each by it: one timer a write. (A
 * Nest interceptor did this before, and as the ingest's only one it put every request through RxJS: about 7% of the
 * ingest's CPU on single appends, measured in the thirteenth session.) The submissions consumer is not bounded by it:
 * a Kafka submission has no client waiting.
 */
export class WriteDeadline {
  constructor(readonly ms: number) {}

  /** What `work` answers, or past the deadline an EventStoreTimeoutError whose outcome is unknown. */
  within<T>(work: Promise<T>): Promise<T> {
    if (this.ms <= 0) return work;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new EventStoreTimeoutError(new Error(`no answer within the write deadline (${this.ms} ms)`), false)),
        this.ms,
      );
      // A late answer or failure settles nothing more (and is not an unhandled rejection).
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the write's own failure, passed on as it came
          reject(error);
        },
      );
    });
  }
}

/**
 * The command bus as the HTTP controllers see it: every command (every write the API takes) answers within the
 * write deadline. Controllers take this, never the CommandBus itself (eslint: no-restricted-imports on controllers).
 */
@Injectable()
export class WriteCommands {
  constructor(
    private readonly bus: CommandBus,
    private readonly deadline: WriteDeadline,
  ) {}

  execute<R = void>(command: Command<R>): Promise<R>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CommandBus's own signature for untyped commands
  execute<T extends ICommand, R = any>(command: T): Promise<R>;
  execute(command: ICommand): Promise<unknown> {
    return this.deadline.within(this.bus.execute(command));
  }
}
