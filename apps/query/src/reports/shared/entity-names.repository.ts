import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  displayNamesOf,
  namedSubjectsIn,
  namingFactOf,
  renderHeadline,
  type DisplayNames,
  type HeadlineEvent,
  type OtherNames,
  type TextLang,
} from '@newsroom/domain';
import type { StoredFactRow } from '@newsroom/projections';
import { READ_DB } from '../../database/read-database.module';

/** A stored fact version with its headlines (a timeline or a source link row). */
type StoredHeadlineRow = Pick<StoredFactRow, 'event_type' | 'subject' | 'occurred_at' | 'modality' | 'data'> & {
  headline_en: string;
  headline_fr: string;
};

/** Subjects' display names as the facts gave them at one `knownAt`: a product's announced name, a case's filed title. */
export class SubjectNames {
  constructor(private readonly given: ReadonlyMap<string, DisplayNames>) {}

  /** The names a fact gives the subject, or null (its slug's name stands). */
  givenTo(subject: string): DisplayNames | null {
    return this.given.get(subject) ?? null;
  }

  /** The subject's names in every language: a fact's, else its slug's (and the glossary's for an authority). */
  of(subject: string): DisplayNames {
    return this.given.get(subject) ?? displayNamesOf(subject);
  }

  in(subject: string, lang: TextLang): string {
    return this.of(subject)[lang];
  }

  /** The names facts give the products and cases `data` names beside its subject (a merge's other side), or null. */
  othersIn(...data: unknown[]): OtherNames | null {
    const out = new Map<string, DisplayNames>();
    for (const subject of data.flatMap(namedSubjectsIn)) {
      const names = this.given.get(subject);
      if (names) out.set(subject, names);
    }
    return out.size ? out : null;
  }

  /**
   * A stored fact version's headline naming its subject, and the products and cases its data names (a merge's other
   * side), by these names: as stored (rendered when the version was projected, a case's step with its slug's name)
   * when no fact names any of them, else rendered again with the names.
   */
  headlineOf(r: StoredHeadlineRow, lang: TextLang): string {
    const names = this.givenTo(r.subject);
    const others = this.othersIn(r.data);
    if (!names && !others) return lang === 'fr' ? r.headline_fr : r.headline_en;
    const fact = { type: r.event_type, subject: r.subject, occurredAt: r.occurred_at, modality: r.modality, data: r.data };
    return renderHeadline(fact as HeadlineEvent, lang, { names, others });
  }
}

/** No fact names any subject: every name is its slug's (a page without products or cases). */
const SLUG_NAMES = new SubjectNames(new Map());

/**
 * Which name each subject had at `knownAt` (now without it), by the rule the entity registry folds: the latest recorded
 * naming fact standing then (read_model.entity_names: each version of such a name with when it was known and when a
 * correction or retraction ended it, read as `entity_links` are at `knownAt`), else the slug's. Only products and cases
 * are named by facts; a page naming neither costs no query.
 */
@Injectable()
export class EntityNamesRepository {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  /** The names at `knownAt` of these rows' subjects and of the products and cases their data names. */
  namesOfRows(rows: ReadonlyArray<{ subject: string; data?: unknown }>, knownAt: string | null): Promise<SubjectNames> {
    return this.namesAt(
      rows.flatMap((r) => [r.subject, ...namedSubjectsIn(r.data)]),
      knownAt,
    );
  }

  async namesAt(subjects: Iterable<string>, knownAt: string | null): Promise<SubjectNames> {
    const named = [...new Set(subjects)].filter((s) => namingFactOf(s) !== null);
    if (!named.length) return SLUG_NAMES;
    const standing = knownAt
      ? `named_at <= $2::timestamptz AND (unnamed_at IS NULL OR unnamed_at > $2::timestamptz)`
      : 'unnamed_position IS NULL';
    const rows: Array<{ subject: string; display_names: DisplayNames }> = await this.db.query(
      `SELECT DISTINCT ON (subject) subject, display_names FROM read_model.entity_names
       WHERE subject = ANY($1::text[]) AND display_names IS NOT NULL AND ${standing}
       ORDER BY subject, fact_position DESC`,
      knownAt ? [named, knownAt] : [named],
    );
    return new SubjectNames(new Map(rows.map((r) => [r.subject, r.display_names])));
  }
}
