import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EntityGraph, EntityLinkRow } from '@newsroom/projections';
import { READ_DB } from '../../database/read-database.module';

/**
 * Which subjects are one entity at `knownAt` (now without it): merges and alias names standing then. Editors'
 * merges are few, so the whole set is read per request and resolved in memory (EntityGraph).
 */
@Injectable()
export class EntityLinksRepository {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async graph(knownAt: string | null): Promise<EntityGraph> {
    return new EntityGraph(await this.standing(knownAt));
  }

  /**
   * The graph at `knownAt` and `read`'s answer for every subject of `subject`'s entity (no subject: `read([])`), in
   * one round trip's time when the subject stands alone (most do): `read` runs for the subject alone beside the
   * graph's own read, and again with the entity's members when the graph shows others merged with it.
   */
  async readForEntity<T>(knownAt: string | null, subject: string | null | undefined, read: (members: string[]) => Promise<T>): Promise<{ graph: EntityGraph; result: T }> {
    const [graph, alone] = await Promise.all([this.graph(knownAt), read(subject ? [subject] : [])]);
    const members = subject ? graph.membersOf(subject) : [];
    const result = !subject || (members.length === 1 && members[0] === subject) ? alone : await read(members);
    return { graph, result };
  }

  /** The merges and alias names standing at `knownAt` (now without it). */
  async standing(knownAt: string | null): Promise<EntityLinkRow[]> {
    const standing = knownAt ? `linked_at <= $1::timestamptz AND (unlinked_at IS NULL OR unlinked_at > $1::timestamptz)` : 'unlinked_position IS NULL';
    return this.db.query(
      `SELECT subject, link, target, linked_position::text AS linked_position FROM read_model.entity_links WHERE ${standing}`,
      knownAt ? [knownAt] : [],
    );
  }
}
