import { MigrationInterface, QueryRunner } from 'typeorm';

/** The read models that hold free text of a fact as corrections leave it (entity-links holds subjects only). */
const TEXT_READ_MODELS = [
  'feed',
  'leadership',
  'departures',
  'lawsuits',
  'financials',
  'products',
  'regulatory',
  'timeline',
  'sources',
  'entities',
  'conflicts',
] as const;

/**
 * A correction giving text per language (`{"role": {"fr": "..."}}`) onto a value recorded as a plain string now
 * merges into it as into `{"en": ...}`: the English stays beside the French, where the merge patch replaced the
 * string and the English was lost (t31's finding left in the sixty-second session). The read models folded before
 * hold the replaced text. A database holding a correction that gives text per language (its patch has an `en` or
 * `fr` key) gets every read model holding such text folded again in the background by the projector (a
 * `projection_backfills` intent); the down queues the same, so the older code puts its texts back.
 */
export class CorrectionsPerLanguage1764902850000 implements MigrationInterface {
  name = 'CorrectionsPerLanguage1764902850000';

  async up(q: QueryRunner): Promise<void> {
    await this.queueFolds(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.queueFolds(q);
  }

  private async queueFolds(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT p, $2::text FROM unnest($1::text[]) AS p
        WHERE EXISTS (SELECT 1 FROM event_store.events e
                       WHERE e.type = 'event.corrected' AND (e.data #> '{changes,data}')::text ~ '"(en|fr)":')
          AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints c WHERE c.projection = p)
       ON CONFLICT (projection) DO NOTHING`,
      [TEXT_READ_MODELS, 'a correction giving text per language merges into a plain string, keeping the English'],
    );
  }
}
