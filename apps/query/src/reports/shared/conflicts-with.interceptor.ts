import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { READ_DB } from '../../database/read-database.module';
import { conflictsWithIn, loadConflictsWith } from './conflicts-with.repository';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fact id of a report node that is a fact (it carries corroboration): `factId`, or `eventId` for a bound or step. */
function factIdOf(node: Json): string | null {
  if (!('corroboration' in node)) return null;
  const id = node.factId ?? node.eventId;
  return typeof id === 'string' ? id : null;
}

function factNodes(value: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(value)) for (const v of value) factNodes(v, found);
  else if (isObject(value)) {
    if (factIdOf(value)) found.push(value);
    for (const v of Object.values(value)) factNodes(v, found);
  }
  return found;
}

/**
 * `conflictsWith` on every fact of every report, source page and entity page (a fact is a node carrying `corroboration`: items, tenure bounds,
 * case steps): the ids of the conflicts it is a side of, open at the report's `knownAt` (now without it), as
 * GET /v1/reports/conflicts lists them. One query per answer, for every fact of the page, after the report is
 * built: each report's own code stays as it was. CSV answers (strings) pass through.
 */
@Injectable()
export class ConflictsWithInterceptor implements NestInterceptor {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const path = context.switchToHttp().getRequest<Request>()?.path ?? '';
    const reportsFacts = path.startsWith('/v1/reports/') || path.startsWith('/v1/sources') || path.startsWith('/v1/entities/');
    if (!reportsFacts || path.startsWith('/v1/reports/conflicts')) return next.handle();
    return next.handle().pipe(switchMap((body) => from(this.attach(body))));
  }

  private async attach(body: unknown): Promise<unknown> {
    if (!isObject(body)) return body;
    const nodes = factNodes(body);
    if (!nodes.length) return body;
    const knownAt = typeof body.knownAt === 'string' ? body.knownAt : null;
    const map = await loadConflictsWith(this.db, nodes.map((n) => factIdOf(n)!), knownAt);
    for (const node of nodes) node.conflictsWith = conflictsWithIn(map, factIdOf(node)!);
    return body;
  }
}
