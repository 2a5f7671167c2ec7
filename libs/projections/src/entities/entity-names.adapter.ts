import { displayNamesOf, type DisplayNames } from '@newsroom/domain';
import { EntityManager } from 'typeorm';
import type { ProjectedEvent } from '../projected-event.mapper';
import { isUuid } from '../facts/fact-batch.util';
import { write } from '../write-pipeline.util';
import { evolveEntityNames, foldNameChange, NameChange, NameVersion } from './entity-names.projection';

interface NameVersionRow {
  subject: string;
  fact_id: string;
  fact_position: string;
  value: unknown;
  display_names: DisplayNames | null;
  named_at: Date | string;
  named_position: string;
  unnamed_at: Date | string | null;
  unnamed_position: string | null;
}

const iso = (t: Date | string) => new Date(t).toISOString();

const versionOf = (r: NameVersionRow): NameVersion => ({
  subject: r.subject,
  factId: r.fact_id,
  factPosition: String(r.fact_position),
  value: r.value,
  displayNames: r.display_names,
  namedAt: iso(r.named_at),
  namedPosition: String(r.named_position),
  unnamedAt: r.unnamed_at === null ? null : iso(r.unnamed_at),
  unnamedPosition: r.unnamed_position === null ? null : String(r.unnamed_position),
});

const rowOf = (v: NameVersion) => ({
  subject: v.subject,
  fact_id: v.factId,
  fact_position: v.factPosition,
  value: v.value,
  display_names: v.displayNames,
  display_name: v.displayNames?.en ?? null,
  named_at: v.namedAt,
  named_position: v.namedPosition,
  unnamed_at: v.unnamedAt,
  unnamed_position: v.unnamedPosition,
});

const COLUMNS = {
  subject: 'text',
  fact_id: 'uuid',
  fact_position: 'bigint',
  value: 'jsonb',
  display_name: 'text',
  display_names: 'jsonb',
  named_at: 'timestamptz',
  named_position: 'bigint',
  unnamed_at: 'timestamptz',
  unnamed_position: 'bigint',
};
const NAMES = Object.keys(COLUMNS).join(', ');
const RECORD = Object.entries(COLUMNS)
  .map(([c, t]) => `${c} ${t}`)
  .join(', ');

/**
 * The names facts give subjects (read_model.entity_names, one row per version of a naming fact's name), and the
 * registry's names that follow from them (read_model.entities.display_name, display_names: the subject's name now).
 * Only a batch with a product's or a case's naming fact, or a correction or retraction on one, reads or writes.
 */
export class EntityNamesWriter {
  constructor(
    private readonly table: string,
    private readonly registry: string,
  ) {}

  async applyMany(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    const changes = events.map(evolveEntityNames).filter((c): c is NameChange => c !== null && isUuid(c.factId));
    if (!changes.length) return;
    const rows: NameVersionRow[] = await manager.query(
      `SELECT subject, fact_id::text, fact_position::text, value, display_names, named_at, named_position::text, unnamed_at,
              unnamed_position::text
       FROM ${this.table} WHERE fact_id = ANY($1::uuid[])`,
      [[...new Set(changes.map((c) => c.factId))]],
    );
    const stored = rows.map(versionOf);
    const standingBefore = new Set(stored.filter((v) => v.unnamedPosition === null));
    const versions = [...stored];
    for (const change of changes) foldNameChange(versions, change);
    const opened = versions.slice(stored.length);
    const closed = [...standingBefore].filter((v) => v.unnamedPosition !== null);
    if (!opened.length && !closed.length) return;
    if (closed.length) {
      await write(
        manager,
        `UPDATE ${this.table} AS t SET unnamed_at = s.unnamed_at, unnamed_position = s.unnamed_position
         FROM jsonb_to_recordset($1::jsonb) AS s(${RECORD})
         WHERE t.fact_id = s.fact_id AND t.named_position = s.named_position AND t.unnamed_position IS NULL`,
        [JSON.stringify(closed.map(rowOf))],
      );
    }
    if (opened.length) {
      await write(
        manager,
        `INSERT INTO ${this.table} (${NAMES}) SELECT ${NAMES} FROM jsonb_to_recordset($1::jsonb) AS s(${RECORD})
         ON CONFLICT (fact_id, named_position) DO NOTHING`,
        [JSON.stringify(opened.map(rowOf))],
      );
    }
    await this.renameInRegistry(manager, [...new Set([...opened, ...closed].map((v) => v.subject))]);
  }

  /** The registry's names of these subjects: the latest recorded standing naming fact's, else their slug's. */
  private async renameInRegistry(manager: EntityManager, subjects: string[]): Promise<void> {
    const named: Array<{ subject: string; display_names: DisplayNames | null }> = await manager.query(
      `SELECT s.subject, n.display_names FROM unnest($1::text[]) AS s(subject)
       LEFT JOIN LATERAL (
         SELECT t.display_names FROM ${this.table} t
         WHERE t.subject = s.subject AND t.unnamed_position IS NULL AND t.display_names IS NOT NULL
         ORDER BY t.fact_position DESC LIMIT 1
       ) n ON true`,
      [subjects],
    );
    const rows = named.map((r) => {
      const names = r.display_names ?? displayNamesOf(r.subject);
      return { subject: r.subject, display_name: names.en, display_names: names };
    });
    await write(
      manager,
      `UPDATE ${this.registry} AS r SET display_name = s.display_name, display_names = s.display_names
       FROM jsonb_to_recordset($1::jsonb) AS s(subject text, display_name text, display_names jsonb)
       WHERE r.subject = s.subject AND (r.display_name, r.display_names) IS DISTINCT FROM (s.display_name, s.display_names)`,
      [JSON.stringify(rows)],
    );
  }
}
