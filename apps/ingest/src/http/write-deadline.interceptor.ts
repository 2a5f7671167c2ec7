import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { IngestRequest } from './http.types';
import { catchError, Observable, throwError, timeout, TimeoutError } from 'rxjs';
import { EventStoreTimeoutError } from '@newsroom/event-store';

/**
 * Every write answers within one deadline. Each statement already has its own timeouts, but a write makes two
 * (its reads, then its append), and each may first queue behind statements that are waiting out theirs on a hung
 * database, so without a deadline the waits add up. Past it the client gets 503 STORE.TIMEOUT with
 * `recorded: "unknown"` (the append may still commit): a retry with the same ids records the event once either way.
 */
@Injectable()
export class WriteDeadlineInterceptor implements NestInterceptor {
  constructor(private readonly deadlineMs: number) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<IngestRequest>();
    if (this.deadlineMs <= 0 || req.method !== 'POST') return next.handle();
    return next.handle().pipe(
      timeout(this.deadlineMs),
      catchError((error) =>
        throwError(() =>
          error instanceof TimeoutError
            ? new EventStoreTimeoutError(new Error(`no answer within the write deadline (${this.deadlineMs} ms)`), false)
            : error,
        ),
      ),
    );
  }
}
