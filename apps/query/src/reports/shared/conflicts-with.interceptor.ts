import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, map, Observable, switchMap } from 'rxjs';
import { ConflictsWithRepository } from './conflicts-with.repository';

/**
 * `conflictsWith` on every fact of every report, source page and entity page (a fact is a node carrying `corroboration`: items, tenure bounds,
 * case steps): the ids of the conflicts it is a side of, open at the report's `knownAt` (now without it), as
 * GET /v1/reports/conflicts lists them. One query per answer, for every fact of the page, after the report is
 * built: each report's own code stays as it was. CSV answers (strings) pass through: their views attach it themselves
 * (`ConflictsWithRepository.attach`) for their `conflicts_with` columns.
 */
@Injectable()
export class ConflictsWithInterceptor implements NestInterceptor {
  constructor(private readonly conflicts: ConflictsWithRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const path = context.switchToHttp().getRequest<Request>()?.path ?? '';
    const reportsFacts = path.startsWith('/v1/reports/') || path.startsWith('/v1/sources') || path.startsWith('/v1/entities/');
    if (!reportsFacts || path.startsWith('/v1/reports/conflicts')) return next.handle();
    return next.handle().pipe(switchMap((body) => from(this.conflicts.attach(body)).pipe(map(() => body))));
  }
}
