import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A stored event whose data names, beside its subject, a product or case some fact names (a merge's other side, who
 * asks for an intervention): its feed item's stored headline named it by its slug. Text search first (cheap), then
 * the exact check, value by value and list item by list item.
 */
const NAMES_ANOTHER = `EXISTS (
  SELECT 1 FROM event_store.events e
  CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(e.data) = 'object' THEN e.data ELSE '{}'::jsonb END) AS kv(key, value)
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(kv.value) = 'array' THEN kv.value ELSE jsonb_build_array(kv.value) END) AS x(v)
  WHERE e.data::text ~ '"(product|case):' AND jsonb_typeof(x.v) = 'string'
    AND EXISTS (SELECT 1 FROM event_store.events n
                WHERE n.stream_id = x.v #>> '{}' AND n.type IN ('product.announced', 'lawsuit.filed')))`;

/**
 * Names from the facts in another event's data (the fifty-sixth testers): a feed item naming a product or case beside
 * its subject stores the name its announcement or filing gave then, not its slug's. A database holding such an item
 * gets its feed folded again in the background by the projector (a `projection_backfills` intent, as "A read model
 * added to a running system" describes); the reports render those headlines at query time and need nothing. The down
 * queues the same fold, so the older code puts the slugs' names back.
 */
export class OtherNames1764902710000 implements MigrationInterface {
  name = 'OtherNames1764902710000';

  async up(q: QueryRunner): Promise<void> {
    await this.queueFold(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.queueFold(q);
  }

  private async queueFold(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'feed', $1::text WHERE ${NAMES_ANOTHER}
         AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'feed')
       ON CONFLICT (projection) DO NOTHING`,
      ["a product or case named beside an item's subject is headlined by its announced name or filed title (was: the slug's)"],
    );
  }
}
