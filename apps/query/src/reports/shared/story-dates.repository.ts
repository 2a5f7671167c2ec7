import { DataSource } from 'typeorm';
import { sourceIdOf } from '@newsroom/projections';

/** A story's `publishedAt` as `GET /v1/sources/{id}` gives it, by story id. */
export type StoryDates = ReadonlyMap<string, string | null>;

interface CitedSource {
  outlet?: unknown;
  url?: unknown;
  title?: unknown;
  publishedAt?: unknown;
}

/**
 * The dates of the stories a page cites, as the registry has them: the story's first sighting's (any written form of
 * its outlet), as `GET /v1/sources/{id}` shows it. A story with a url or a title keeps one id whatever date a citation
 * gives it (ids are public), so a page shows its story's date, not the citation's: one id, one date, whichever endpoint
 * shows it. A story with neither has its date in its id (sourceIdOf), so its citations already agree and are not read.
 */
export async function loadStoryDates(db: DataSource, sources: Iterable<CitedSource>): Promise<StoryDates> {
  const ids = new Set<string>();
  for (const s of sources) if ((s.url ?? null) !== null || (s.title ?? null) !== null) ids.add(sourceIdOf(s));
  if (!ids.size) return new Map();
  const rows: Array<{ id: string; published_at: string | null }> = await db.query(
    `SELECT s.id, (SELECT f.published_at FROM read_model.sources f WHERE f.id = s.id OR f.story_key = s.story_key
       ORDER BY f.first_position, f.id LIMIT 1) AS published_at
     FROM read_model.sources s WHERE s.id = ANY($1::text[])`,
    [[...ids]],
  );
  return new Map(rows.map((r) => [r.id, r.published_at]));
}
