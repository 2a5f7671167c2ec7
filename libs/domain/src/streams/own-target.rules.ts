import { DomainError } from '../errors/domain.errors';

/**
 * A regulatory intervention is asked of an authority against its stream's organization, by someone else: an
 * organization does not ask for action against itself (a filing the wrong way round, or the wrong stream). Refused as
 * a defendant who is also a plaintiff is (400 on the field, `prefix` naming where the data is: `data.` or
 * `changes.data.`). Subjects compare as recorded; one merged into the other later is not seen here.
 */
export function assertNotOwnTarget(type: string, subject: string, data: unknown, prefix = 'data.'): void {
  if (type !== 'regulatory.intervention_requested' || typeof data !== 'object' || data === null) return;
  if ((data as { by?: unknown }).by !== subject) return;
  throw DomainError.validation(
    [
      {
        path: `${prefix}by`,
        message: `is ${subject}, the organization the intervention is against: it does not ask for action against itself`,
      },
    ],
    'the intervention is requested by its own target',
  );
}
