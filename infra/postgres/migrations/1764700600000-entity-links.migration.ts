import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One entity, many names (issue 14.5): every merge of a subject into another (`link = 'merge'`, `target` the
 * canonical subject) and every alias name (`link = 'name'`, `target` the name), each with when it became known
 * and, once reversed, when that became known. Transaction time only: `knownAt` picks the links standing then.
 */
export class EntityLinks1764700600000 implements MigrationInterface {
  name = 'EntityLinks1764700600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_model.entity_links (
      event_id uuid PRIMARY KEY,
      subject text NOT NULL,
      link text NOT NULL CHECK (link IN ('merge', 'name')),
      target text NOT NULL,
      reason text,
      linked_position bigint NOT NULL,
      linked_at timestamptz NOT NULL,
      unlink_event_id uuid,
      unlinked_position bigint,
      unlinked_at timestamptz,
      unlink_reason text
    )`);
    await q.query(`CREATE INDEX entity_links_i1 ON read_model.entity_links (subject, link, target)`);
    await q.query(`CREATE INDEX entity_links_i2 ON read_model.entity_links (target) WHERE link = 'merge'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.entity_links`);
  }
}
