import { DomainError } from '../errors/domain.errors';
import { parsePeriod } from '../values/period.value';

/** A source dated up to a day after the instant it is recorded passes: a story dated in a time zone ahead of UTC. */
const PUBLISHED_SLACK_MS = 24 * 60 * 60 * 1000;

/**
 * A source cannot have been published after the newsroom recorded it: a story dated next year is a typo. The schema
 * cannot know the time, so the decider checks it against `now`, the write's clock (passed in: the domain has none).
 * A period counts from its start ("2026-12" recorded on 2026-12-06 passes). 400 on each such source's `publishedAt`.
 */
export function assertPublishedBy(now: Date, sources: ReadonlyArray<{ path: string; publishedAt?: string }>): void {
  const latest = now.getTime() + PUBLISHED_SLACK_MS;
  const errors = sources.flatMap(({ path, publishedAt }) => {
    const period = publishedAt === undefined ? null : parsePeriod(publishedAt);
    if (!period || Date.parse(period.start) <= latest) return [];
    return [
      {
        path: `${path}.publishedAt`,
        message: `is after ${now.toISOString()}, when it is recorded: a story is not published in the future`,
      },
    ];
  });
  if (errors.length) throw DomainError.validation(errors, 'a source is dated after the moment it is recorded');
}

/** The sources of a request as `assertPublishedBy` takes them, each named by its place in `field` (`sources[1]`). */
export const sourcesAt = (field: string, sources: ReadonlyArray<{ publishedAt?: string }> | undefined) =>
  (sources ?? []).map((s, i) => ({ path: `${field}[${i}]`, publishedAt: s.publishedAt }));
