import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DisplayNames, OtherNames } from '@newsroom/domain';
import { FEED_ITEM_COLUMNS, FeedItemDbRow, FeedItemRow, toFeedItemRow } from '@newsroom/projections';
import { READ_DB } from '../../database/read-database.module';
import { EntityNamesRepository } from '../../reports/shared/entity-names.repository';
import { FeedFilter, organizationsOf } from '../feed-query.reader';

const COLUMNS = FEED_ITEM_COLUMNS.split(',')
  .map((c) => `f.${c.trim()}`)
  .join(', ');

/** The newest events of the feed (not amendments), each with the corrections and retractions that target it. */
export interface AtomSource {
  events: FeedItemRow[];
  /** Amendments of those events in position order, by target event id. */
  amendments: Map<string, FeedItemRow[]>;
  /** The names facts give the corrected events' subjects now (a case's filed title), which their entries are rendered with. */
  namesOf?: (subject: string) => DisplayNames | null;
  /** The names facts give now the products and cases a corrected event's data names (a merge's other side). */
  othersIn?: (data: unknown) => OtherNames | null;
}

/** Reads the feed read model for the Atom feed, bounded by the watermark like every other feed read. */
@Injectable()
export class AtomFeedRepository {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly names: EntityNamesRepository,
  ) {}

  async newest(filter: FeedFilter, limit: number): Promise<AtomSource> {
    const organizations = organizationsOf(filter);
    // Unfiltered by entity: the newest facts. Filtered: a fact's entry is the entity's when the fact's own item or one of
    // its amendments' items names it (a departure moved from org:a to org:b by a correction, then retracted, is
    // org:b's too: its JSON feed has the correction and the retraction). Both sides read the subjects' GIN index.
    const byEntity = filter.subjects !== null || organizations !== null;
    const events: FeedItemDbRow[] = byEntity
      ? await this.db.query(
          `WITH w AS (SELECT position FROM read_model.feed_watermark WHERE id = 1),
           named AS (
             SELECT coalesce(n.target_event_id, n.event_id) AS event_id FROM read_model.feed_items n, w
             WHERE n.position <= w.position
               AND ($2::text[] IS NULL OR n.subjects && $2::text[])
               AND ($3::text[] IS NULL OR n.subjects && $3::text[]))
           SELECT ${COLUMNS} FROM read_model.feed_items f, w
           WHERE f.event_id IN (SELECT event_id FROM named) AND f.position <= w.position AND f.target_event_id IS NULL
             AND ($1::text[] IS NULL OR f.type = ANY($1))
           ORDER BY f.position DESC LIMIT $4`,
          [filter.types, filter.subjects, organizations, limit],
        )
      : await this.db.query(
          `WITH w AS (SELECT position FROM read_model.feed_watermark WHERE id = 1)
           SELECT ${COLUMNS} FROM read_model.feed_items f, w
           WHERE f.position <= w.position AND f.target_event_id IS NULL
             AND ($1::text[] IS NULL OR f.type = ANY($1))
           ORDER BY f.position DESC LIMIT $2`,
          [filter.types, limit],
        );
    const rows = events.map(toFeedItemRow);
    const amendments = new Map<string, FeedItemRow[]>();
    if (!rows.length) return { events: rows, amendments };
    // An amendment lives in its target's stream: the subject index narrows the search to the entries' subjects.
    const found: FeedItemDbRow[] = await this.db.query(
      `WITH w AS (SELECT position FROM read_model.feed_watermark WHERE id = 1)
       SELECT ${COLUMNS} FROM read_model.feed_items f, w
       WHERE f.position <= w.position AND f.subject = ANY($1::text[]) AND f.target_event_id = ANY($2::uuid[])
       ORDER BY f.position`,
      [[...new Set(rows.map((r) => r.subject))], rows.map((r) => r.eventId)],
    );
    for (const a of found.map(toFeedItemRow)) {
      const list = amendments.get(a.targetEventId!) ?? [];
      list.push(a);
      amendments.set(a.targetEventId!, list);
    }
    // A corrected entry is rendered again as it stands now, naming its subject by the name it has now.
    const corrected = [...amendments.values()].flat().filter((a) => a.type === 'event.corrected');
    // The products and cases their data names too, as corrected: the event's own and each correction's changes.
    const targets = new Map(rows.map((r) => [r.eventId, r]));
    const names = await this.names.namesOfRows(
      corrected.flatMap((a) => [
        { subject: a.subject, data: (a.data as { changes?: { data?: unknown } } | null)?.changes?.data },
        { subject: a.subject, data: targets.get(a.targetEventId!)?.data },
      ]),
      null,
    );
    return { events: rows, amendments, namesOf: (s) => names.givenTo(s), othersIn: (data) => names.othersIn(data) };
  }
}
