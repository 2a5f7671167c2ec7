import {
  displayNamesGivenBy,
  isAmendment,
  NAMING_FACTS,
  namedSubjectsIn,
  namesItsSubject,
  namingFactOf,
  type CorrectionChanges,
  type DisplayNames,
  type HeadlineEvent,
  type OtherNames,
} from '@newsroom/domain';
import { EntityManager } from 'typeorm';
import { EventLogReader } from '@newsroom/event-store';
import { isUuid } from '../facts/fact-batch.util';
import { FoldKey, Projection } from '../projection.types';
import { ProjectedEvent } from '../projected-event.mapper';
import { casePartiesOf, correctedFact, correctionsReach, evolveFeed, factOfItem } from './feed.projection';
import { FeedItemRow } from './feed-item.types';
import { FEED_ITEM_COLUMNS, FeedItemDbRow, toFeedItemRow } from './feed-item.mapper';
import { FeedWatermark } from './feed-watermark.repository';
import type { CorroborationRecord } from '../corroboration/corroboration-entry.model';
import { copyRows, write } from '../write-pipeline.util';
import { CopyBody, CopyKind } from '../copy-text.util';
import { PlanGenerations } from '../prepared-query.util';

/** The feed item an event reads: the target of an amendment or of an attached source. */
const targetOf = (e: ProjectedEvent): string | null =>
  isAmendment(e) || e.type === 'event.sourced'
    ? (e.data?.targetEventId ?? null)
    : e.type === 'conflict.resolved'
      ? (e.data?.standingEventId ?? null)
      : null;

/** A correction of a target, as an amendment's item needs it to name the target's fact as it stood. */
interface Correction {
  position: bigint;
  changes: CorrectionChanges | undefined;
}

// During a fold, the corrections seen so far by target (see `correctionsOf`), up to this many targets.
const FOLD_CORRECTED_TARGETS = 200_000;

// During a fold, the naming facts seen so far by subject (see `namingFactsOf`), up to this many subjects.
const FOLD_NAMED = 200_000;

const isStep = (e: ProjectedEvent): boolean => e.type === 'lawsuit.status_changed';

/** The fact types that name their subject: a product's announcement, a case's filing (NAMING_FACTS). */
const NAMING_TYPES = Object.values(NAMING_FACTS).map((n) => n.type);

/**
 * The products and cases an event's headline names beside its subject: in its data (a merge's other side), a
 * correction's changes and, given, its target's data.
 */
const othersNamedBy = (e: ProjectedEvent, target?: Pick<FeedItemRow, 'data'> | null): string[] => {
  const changes = e.type === 'event.corrected' ? (e.data?.changes as { data?: unknown } | undefined)?.data : undefined;
  return [...new Set([...namedSubjectsIn(e.data), ...namedSubjectsIn(changes), ...namedSubjectsIn(target?.data)])];
};

/** A case's filing or a product's announcement (it names its subject), to be kept in a fold's memory. */
const isNaming = (e: ProjectedEvent): boolean => namesItsSubject(e.type, e.subject);

// One JSON document per statement; a few thousand items keep it to a few megabytes.
const ITEMS_PER_STATEMENT = 2000;

/** The columns the feed's writes name (FEED_ITEM_COLUMNS), and how a fold's COPY writes each. */
const COLUMNS = FEED_ITEM_COLUMNS.split(',').map((c) => c.trim());
const NOT_PLAIN: Readonly<Record<string, CopyKind>> = {
  organizations: 'array',
  subjects: 'array',
  data: 'json',
  sources: 'json',
  inferred: 'json',
  corroboration: 'json',
  fallbacks: 'json',
};
const COPY_KINDS = COLUMNS.map((c) => NOT_PLAIN[c] ?? 'plain');

/** An item as the feed's writes store it: a value per column of FEED_ITEM_COLUMNS. */
const itemValues = (i: FeedItemRow): Record<string, unknown> => ({
  position: i.position,
  event_id: i.eventId,
  type: i.type,
  subject: i.subject,
  organizations: i.organizations,
  subjects: i.subjects,
  occurred_at: i.occurredAt,
  recorded_at: i.recordedAt,
  headline_en: i.headlineEn,
  headline_fr: i.headlineFr,
  data: i.data,
  sources: i.sources,
  modality: i.modality,
  status: i.status,
  target_event_id: i.targetEventId,
  correlation_id: i.correlationId,
  inferred: i.inferred,
  corroboration: i.corroboration,
  fallbacks: i.fallbacks ?? null,
});

/**
 * Persists the feed set-based: every item of a batch in one INSERT keyed by position (a replay does nothing), then
 * one UPDATE of the statuses that corrections and retractions change (a retraction is final). An amendment reads
 * its target as applying the events one by one would: an item of the same batch, else the stored one.
 */
export class FeedItemsProjection implements Projection {
  readonly name = 'feed';
  readonly tables = ['feed_items'] as const;
  /** A rebuild folds without the unique event id (random: see `Projection.foldKeys`); items are found by position. */
  readonly foldKeys: readonly FoldKey[] = [{ table: 'feed_items', columns: ['event_id'] }];
  private readonly table: string;
  /** The watermark's walk probes the feed's rows: planned again as this instance's inserts double them. */
  private readonly plans = new PlanGenerations();
  private readonly watermark = new FeedWatermark(this.plans);

  /** True while a rebuild folds the log into a fresh table: items go in by COPY (see FactProjection's `beginFold`). */
  private copying = false;
  /**
   * While a fold runs: every correction it has applied, by target (the fold reads the whole log in order, so this is
   * all of them). Saves the fold a search of its unindexed table; null when not folding or once it grew too big.
   */
  private foldCorrections: Map<string, Correction[]> | null = null;
  /**
   * While a fold runs: the naming facts it has applied (a case's filings, a product's announcements), by subject (as
   * `foldCorrections`, for a case's steps and the items naming a case or a product).
   */
  private foldNamings: Map<string, string[]> | null = null;

  /** `tableSuffix` points the adapter at a shadow table (`_next`) during a rebuild. */
  constructor(tableSuffix = '') {
    this.table = `read_model.feed_items${tableSuffix}`;
  }

  beginFold(): void {
    this.copying = true;
    this.foldCorrections = new Map();
    this.foldNamings = new Map();
  }

  async completeFold(_manager: EntityManager): Promise<void> {
    this.copying = false;
    this.foldCorrections = null;
    this.foldNamings = null;
  }

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    await this.applyMany(manager, [event]);
  }

  async applyMany(manager: EntityManager, events: ProjectedEvent[]): Promise<void> {
    // A case's step reaches the entities its filing names, and an item on a case or a product names it as its filing
    // or announcement does (and names the products and cases its data names so: a merge's other side): the naming
    // facts stored before are read with the targets. (A fold also reads them for a batch's new naming facts, so that
    // what it keeps of a subject stays whole.)
    const named = [
      ...new Set([...events.filter((e) => this.readsNamesFor(e)).map((e) => e.subject), ...events.flatMap((e) => othersNamedBy(e))]),
    ];
    const filings = named.length ? await this.namingFactsOf(manager, named) : new Map<string, string[]>();
    const targetIds = [...new Set([...events.map(targetOf), ...[...filings.values()].flat()].filter(isUuid))];
    const stored = targetIds.length ? await this.find(manager, targetIds) : new Map<string, FeedItemRow>();
    // An amendment's item may name its target's fact again: the products and cases that fact names, read once the
    // targets are (only a batch amending such a fact pays for these two statements).
    const late = [...new Set([...stored.values()].flatMap((t) => namedSubjectsIn(t.data)))].filter((s) => !named.includes(s));
    if (late.length) {
      const more = await this.namingFactsOf(manager, late);
      for (const [subject, ids] of more) filings.set(subject, ids);
      const missing = [...more.values()].flat().filter((id) => isUuid(id) && !stored.has(id));
      if (missing.length) for (const [id, item] of await this.find(manager, missing)) stored.set(id, item);
    }
    const inBatch = new Map<string, FeedItemRow>();
    const items: FeedItemRow[] = [];
    const statuses = new Map<string, 'corrected' | 'retracted'>();
    // A target's entries as the events before in this batch left them (each attached source builds on the last).
    const entries = new Map<string, CorroborationRecord[]>();
    // The corrections of the batch's targets in position order: those stored before (only a target whose item says it
    // was corrected has any), then the batch's own as they come. Only amendments, attached sources and resolutions
    // pay for this; a batch of plain facts reads nothing more.
    const corrections = await this.correctionsOf(manager, stored);
    for (const event of events) {
      const targetId = targetOf(event);
      const known = targetId ? (stored.get(targetId) ?? inBatch.get(targetId) ?? null) : null;
      const target = known && targetId && entries.has(targetId) ? { ...known, corroboration: entries.get(targetId)! } : known;
      const position = BigInt(event.globalPosition);
      const earlier = target && targetId ? corrections.get(targetId) : undefined;
      const targetFact = target && earlier ? factBefore(target, earlier, position) : null;
      // Whom the corrections before it reached: an item on a fact moved to another entity reaches both entities' readers.
      const reached = target && earlier ? correctionsReach(target.subject, changesBefore(earlier, position)) : [];
      if (targetId && event.type === 'event.corrected') {
        const list = corrections.get(targetId) ?? [];
        // A redelivered batch finds its own corrections stored already: each counts once.
        if (!list.some((c) => c.position === position)) list.push({ position, changes: event.data?.changes });
        corrections.set(targetId, list);
      }
      if (isNaming(event)) {
        const list = filings.get(event.subject) ?? [];
        if (!list.includes(event.id)) filings.set(event.subject, [...list, event.id]);
      }
      const seen = { stored, inBatch, statuses, corrections };
      const standingOf = (subject: string) => (filings.has(subject) ? this.standingFactsOf(filings.get(subject)!, seen, position) : []);
      const standing = standingOf(event.subject);
      const parties = isStep(event) ? casePartiesOf(standing[0] ?? null) : [];
      const others = namesOfOthers(othersNamedBy(event, target), standingOf);
      for (const change of evolveFeed(event, target, targetFact, parties, reached, namesOf(standing), others)) {
        if (change.kind === 'insert') {
          items.push(change.item);
          if (!inBatch.has(change.item.eventId)) inBatch.set(change.item.eventId, change.item);
        } else if (change.kind === 'corroboration') {
          entries.set(change.targetEventId, change.entries);
        } else if (stored.has(change.targetEventId) || inBatch.has(change.targetEventId)) {
          // One by one, a status change only reaches an item already there; a retraction is final.
          if (statuses.get(change.targetEventId) !== 'retracted') statuses.set(change.targetEventId, change.status);
        }
      }
    }
    await this.insert(manager, items);
    this.remember(corrections);
    this.rememberNamings(filings);
    // Targets are updated by position, the primary key (a fold goes without the event id's key): an item neither
    // stored nor in this batch has none, and an update by its id would have found nothing either.
    const at = (eventId: string) => (stored.get(eventId) ?? inBatch.get(eventId))?.position;
    const changed = [...statuses].filter(([id]) => at(id) !== undefined);
    if (changed.length) {
      await write(
        manager,
        `UPDATE ${this.table} AS f SET status = CASE WHEN f.status = 'retracted' THEN f.status ELSE s.status END
         FROM unnest($1::bigint[], $2::text[]) AS s(position, status) WHERE f.position = s.position`,
        [changed.map(([id]) => String(at(id))), changed.map(([, status]) => status)],
      );
    }
    const attached = [...entries].filter(([id]) => at(id) !== undefined);
    if (attached.length) {
      await write(
        manager,
        `UPDATE ${this.table} AS f SET corroboration = s.entries
         FROM jsonb_to_recordset($1::jsonb) AS s(position bigint, entries jsonb) WHERE f.position = s.position`,
        [JSON.stringify(attached.map(([id, list]) => ({ position: String(at(id)), entries: list })))],
      );
    }
  }

  /** Readers are served up to the watermark; it moves once the items below it are committed. */
  async afterCommit(manager: EntityManager): Promise<void> {
    await this.watermark.advance(manager);
  }

  /**
   * The stored corrections of these targets, by target, in position order: only of targets whose item was corrected
   * (a correction sets its status; a retraction after one keeps the corrections). A correction lives in its target's
   * stream, so the subject index narrows the search; a fold has no such index and keeps what it applied instead.
   */
  private async correctionsOf(manager: EntityManager, stored: Map<string, FeedItemRow>): Promise<Map<string, Correction[]>> {
    const out = new Map<string, Correction[]>();
    const corrected = [...stored.values()].filter((t) => t.status !== 'current');
    if (!corrected.length) return out;
    const folded = this.foldCorrections;
    if (folded) {
      for (const t of corrected) {
        const list = folded.get(t.eventId);
        if (list) out.set(t.eventId, [...list]);
      }
      return out;
    }
    const rows: Array<{ target_event_id: string; position: string; changes: CorrectionChanges | null }> = await manager.query(
      `SELECT target_event_id, position, data->'changes' AS changes FROM ${this.table}
       WHERE subject = ANY($1::text[]) AND type = 'event.corrected' AND target_event_id = ANY($2::uuid[])
       ORDER BY position`,
      [[...new Set(corrected.map((t) => t.subject))], corrected.map((t) => t.eventId)],
    );
    for (const r of rows) {
      const list = out.get(r.target_event_id) ?? [];
      list.push({ position: BigInt(r.position), changes: r.changes ?? undefined });
      out.set(r.target_event_id, list);
    }
    return out;
  }

  /** Whether an event's item needs its subject's naming facts: one on a case or a product (a fold keeps them all). */
  private readsNamesFor(e: ProjectedEvent): boolean {
    if (!namingFactOf(e.subject)) return false;
    return !isNaming(e) || this.foldNamings !== null;
  }

  /**
   * A subject's naming facts standing at `position`, the latest recorded first, each with the corrections before
   * `position` applied (a retracted one left out): a case's first is its standing filing, whose parties its steps
   * reach (none: no one but the case's own readers), and the first that gives a name names the subject.
   */
  private standingFactsOf(
    filingIds: readonly string[],
    seen: {
      stored: Map<string, FeedItemRow>;
      inBatch: Map<string, FeedItemRow>;
      statuses: Map<string, 'corrected' | 'retracted'>;
      corrections: Map<string, Correction[]>;
    },
    position: bigint,
  ): HeadlineEvent[] {
    const out: HeadlineEvent[] = [];
    for (const id of [...filingIds].reverse()) {
      const filing = seen.stored.get(id) ?? seen.inBatch.get(id);
      if (!filing || filing.status === 'retracted' || seen.statuses.get(id) === 'retracted') continue;
      out.push(factBefore(filing, seen.corrections.get(id) ?? [], position) ?? factOfItem(filing));
    }
    return out;
  }

  /**
   * The naming facts of these subjects (a case's filings, a product's announcements), by subject, in position order: a
   * fold keeps those it applied (see `foldNamings`).
   */
  private async namingFactsOf(manager: EntityManager, subjects: string[]): Promise<Map<string, string[]>> {
    const folded = this.foldNamings;
    if (folded) return new Map(subjects.filter((c) => folded.has(c)).map((c) => [c, [...folded.get(c)!]]));
    const rows: Array<{ subject: string; event_id: string }> = await manager.query(
      `SELECT subject, event_id FROM ${this.table} WHERE subject = ANY($1::text[]) AND type = ANY($2::text[]) ORDER BY position`,
      [subjects, NAMING_TYPES],
    );
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.subject, [...(out.get(r.subject) ?? []), String(r.event_id)]);
    return out;
  }

  /** A fold keeps every naming fact it applied (bounded: past the bound it searches its table as the live feed does). */
  private rememberNamings(filings: Map<string, string[]>): void {
    const folded = this.foldNamings;
    if (!folded || !filings.size) return;
    for (const [c, list] of filings) folded.set(c, list);
    if (folded.size > FOLD_NAMED) this.foldNamings = null;
  }

  /** A fold keeps every correction it applied (bounded: past the bound it searches its table as the live feed does). */
  private remember(corrections: Map<string, Correction[]>): void {
    const folded = this.foldCorrections;
    if (!folded || !corrections.size) return;
    for (const [id, list] of corrections) folded.set(id, list);
    if (folded.size > FOLD_CORRECTED_TARGETS) this.foldCorrections = null;
  }

  /** The stored items of these events: by event id, or in a fold by their events' positions (see `foldKeys`). */
  private async find(manager: EntityManager, eventIds: string[]): Promise<Map<string, FeedItemRow>> {
    const rows = this.copying
      ? await manager.query(`SELECT ${FEED_ITEM_COLUMNS} FROM ${this.table} WHERE position = ANY($1::bigint[])`, [
          [...(await new EventLogReader(manager).positionsOf(eventIds)).values()],
        ])
      : await manager.query(`SELECT ${FEED_ITEM_COLUMNS} FROM ${this.table} WHERE event_id = ANY($1::uuid[])`, [eventIds]);
    return new Map(rows.map((r: FeedItemDbRow) => [String(r.event_id), toFeedItemRow(r)]));
  }

  private async insert(manager: EntityManager, items: FeedItemRow[]): Promise<void> {
    this.plans.grow(items.length);
    if (this.copying) return this.copy(manager, items);
    for (let at = 0; at < items.length; at += ITEMS_PER_STATEMENT) {
      const doc = items.slice(at, at + ITEMS_PER_STATEMENT).map(itemValues);
      // Prepared, as the facts' insert is (fact.adapter.ts): a plan that does not depend on the table's size.
      await write(
        manager,
        `INSERT INTO ${this.table} (${FEED_ITEM_COLUMNS})
         SELECT ${FEED_ITEM_COLUMNS} FROM jsonb_populate_recordset(NULL::${this.table}, $1::jsonb)
         ON CONFLICT (position) DO NOTHING`,
        [JSON.stringify(doc)],
        { prepared: true },
      );
    }
  }

  /** The items the INSERT above would store, by COPY; of items sharing a position, the first (as DO NOTHING keeps). */
  private async copy(manager: EntityManager, items: FeedItemRow[]): Promise<void> {
    const seen = new Set<string>();
    const body = new CopyBody(COPY_KINDS);
    try {
      for (const i of items) {
        const position = String(i.position);
        if (seen.has(position)) continue;
        seen.add(position);
        const values = itemValues(i);
        for (const column of COLUMNS) body.add(values[column]);
      }
      await copyRows(manager, this.table, COLUMNS, body.bytes());
    } finally {
      body.release();
    }
  }
}

/** A target's fact as its corrections below `position` left it; null when none did (its item still says it). */
function factBefore(target: FeedItemRow, corrections: readonly Correction[], position: bigint): HeadlineEvent | null {
  let fact: HeadlineEvent | null = null;
  for (const c of corrections) {
    if (c.position >= position) break;
    fact = correctedFact(fact ?? factOfItem(target), c.changes);
  }
  return fact;
}

/** The names the first of a subject's standing naming facts that gives one gives it (its field: NAMING_FACTS), or null. */
function namesOf(standing: readonly HeadlineEvent[]): DisplayNames | null {
  for (const fact of standing) {
    const field = namingFactOf(fact.subject)?.field;
    const names = field ? displayNamesGivenBy((fact.data as Record<string, unknown> | undefined)?.[field]) : null;
    if (names) return names;
  }
  return null;
}

/** The names the standing naming facts of these subjects give them, by subject; null when none gives one. */
function namesOfOthers(subjects: readonly string[], standingOf: (subject: string) => HeadlineEvent[]): OtherNames | null {
  const out = new Map<string, DisplayNames>();
  for (const subject of subjects) {
    const names = namesOf(standingOf(subject));
    if (names) out.set(subject, names);
  }
  return out.size ? out : null;
}

/** The changes of a target's corrections below `position`, in order. */
function changesBefore(corrections: readonly Correction[], position: bigint): Array<CorrectionChanges | undefined> {
  const out: Array<CorrectionChanges | undefined> = [];
  for (const c of corrections) {
    if (c.position >= position) break;
    out.push(c.changes);
  }
  return out;
}
