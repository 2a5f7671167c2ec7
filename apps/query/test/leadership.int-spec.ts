import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LeadershipProjection, LeadershipRow, rosterAt, Tenure, tenuresOf } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { outletKey, rumourConfirmed } from '@newsroom/domain';
import { EntityLinksRepository } from '../src/reports/shared/entity-links.repository';
import { corroborationIn, loadCorroboration } from '../src/reports/shared/corroboration.repository';
import { factColumns, SqlParams, visibleAt } from '../src/reports/shared/sql.builder';
import { loadAttachedWords } from '../src/reports/shared/rumour-words.repository';
import { LeadershipQuery, LeadershipRepository } from '../src/reports/leadership/leadership.repository';

/** A small deterministic generator, so a failure replays. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const ORGS = ['org:alpha', 'org:beta'];
const PEOPLE = Array.from({ length: 9 }, (_, i) => `person:p${i}`);
// Two spellings of one role: the pairing compares role keys, not texts.
const ROLES = [
  ['Chief Technology Officer', 'c-suite'],
  ['chief  technology officer', 'c-suite'],
  ['Head of Research', 'research'],
  ['Board Member', 'board'],
  // Ordered by code point wherever the roster is cut (in Postgres, COLLATE "C"; in JavaScript, <).
  ['Directrice générale', 'c-suite'],
];
const DAYS = [null, '2024-01-01', '2024-03-01', '2024-03-01', '2024-06-15', '2024-09-01', '2025-01-01'];
const MODALITIES = ['reported', 'reported', 'confirmed', 'denied', 'rumored'];
// Outlets a fact's corroboration names: two spellings of one outlet, and a syndicated copy of another.
const OUTLETS = [
  { outlet: 'Wire' },
  { outlet: 'Daily' },
  { outlet: ' daily ' },
  { outlet: 'Courier' },
  { outlet: 'Local Copy', via: 'Wire' },
];
const T0 = Date.parse('2025-06-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** The feed watermark past every feed item written here, as the projector leaves it: reports read the state up to it. */
const WATERMARK_AT_FEED_END = `UPDATE read_model.feed_watermark
  SET position = greatest(position, (SELECT coalesce(max(position), 0) FROM read_model.feed_items)) WHERE id = 1`;

const INSERT = `INSERT INTO read_model.leadership_events (fact_id, version, part, event_type, subject, modality, occurred_at, valid_from,
    valid_to, recorded_from, recorded_to, position_from, fact_position, superseded_by, data, sources, organization, kind, role, role_key,
    role_category, interim, reason, destination)
  SELECT (x->>0)::uuid, (x->>1)::int, '', x->>2, x->>3, x->>4, x->>5, (x->>6)::timestamptz, (x->>7)::timestamptz,
    (x->>8)::timestamptz, (x->>9)::timestamptz, (x->>10)::bigint, (x->>11)::bigint, x->>12, '{}',
    jsonb_build_array(jsonb_build_object('outlet', 'Wire', 'url', 'https://wire.example/' || (x->>0) || '/' || (x->>1))),
    x->>13, CASE x->>2 WHEN 'executive.appointed' THEN 'appointed' ELSE 'departed' END, x->>14, x->>15, x->>16, (x->>17)::boolean,
    x->>18, x->>19
  FROM jsonb_array_elements($1::jsonb) AS x`;

/**
 * A random leadership history stored as the projection stores it: appointments and departures, some corrected
 * (a later version, possibly of another person, organization or role) or retracted, at once or later.
 */
class History {
  private readonly r = random(20261127);
  private clock = 0;
  private position = 0;

  constructor(private readonly db: TestDatabase) {}

  private version(factId: string, v: number, position: number, from: number, to: number | null, by: string | null): unknown[] {
    const r = this.r;
    const [role, category] = r.pick(ROLES);
    const day = r.pick(DAYS);
    const validFrom = day && `${day}T00:00:00.000Z`;
    const validTo = day && new Date(Date.parse(validFrom!) + r.pick([1, 1, 31, 92]) * 86_400_000).toISOString();
    return [
      factId,
      v,
      r.pick(['executive.appointed', 'executive.departed']),
      r.pick(PEOPLE),
      r.pick(MODALITIES),
      day,
      validFrom,
      validTo,
      at(from),
      to === null ? null : at(to),
      position,
      position,
      by,
      r.pick(ORGS),
      role,
      role.trim().replace(/\s+/g, ' ').toLowerCase(),
      category,
      r.next() < 0.3,
      r.pick([null, 'resigned', 'fired']),
      r.pick([null, 'org:gamma']),
    ];
  }

  /** `facts` new facts; returns their ids. */
  async record(facts: number): Promise<string[]> {
    const rows: unknown[][] = [];
    const ids: string[] = [];
    for (let i = 0; i < facts; i++) {
      const factId = randomUUID();
      const position = ++this.position;
      const recorded = ++this.clock;
      const fate = this.r.next();
      ids.push(factId);
      if (fate < 0.15) {
        const fixed = (this.clock += 1);
        rows.push(this.version(factId, 1, position, recorded, fixed, 'corrected'), this.version(factId, 2, position, fixed, null, null));
      } else if (fate < 0.22) rows.push(this.version(factId, 1, position, recorded, (this.clock += 1), 'retracted'));
      else rows.push(this.version(factId, 1, position, recorded, null, null));
    }
    await this.db.pool.query(INSERT, [JSON.stringify(rows)]);
    await this.corroborate(ids, rows[0] ? Number(rows[0][10]) : 0);
    return ids;
  }

  /** Each fact's item in the feed read model, with 0 to 3 outlets' words on it, some recorded later than the fact. */
  private async corroborate(ids: string[], firstPosition: number): Promise<void> {
    const items = ids.map((id, i) => {
      const words = Array.from({ length: Math.floor(this.r.next() * 4) }, (_, k) => {
        const outlet = this.r.pick(OUTLETS);
        return {
          // The second word, when there is one, a story attached later (its entry's id its own event's): attached
          // stories confirming a rumoured appointment make it count as confirmed.
          id: k === 1 ? randomUUID() : `${id}:${k}`,
          ...outlet,
          key: outletKey(outlet),
          // Now and then a story denying it: a denied rumour of a departure is set aside.
          stance: this.r.next() < 0.2 ? 'denies' : 'confirms',
          recordedAt: at(this.clock - this.r.next() * this.clock + this.r.pick([0, 0, 30])),
        };
      });
      return [firstPosition + i, id, words];
    });
    await this.db.pool.query(
      `INSERT INTO read_model.feed_items (position, event_id, type, subject, recorded_at, headline_en, headline_fr, data, sources, modality, corroboration)
       SELECT (x->>0)::bigint, (x->>1)::uuid, 'executive.appointed', 'person:p0', now(), '', '', '{}', '[]', 'reported', x->2
       FROM jsonb_array_elements($1::jsonb) AS x`,
      [JSON.stringify(items)],
    );
    await this.db.pool.query(WATERMARK_AT_FEED_END);
  }

  /** Corrects (two in three) or retracts `count` standing facts now; returns their ids. */
  async amend(count: number): Promise<string[]> {
    const { rows: standing } = await this.db.pool.query(
      'SELECT fact_id, version, fact_position FROM read_model.leadership_events WHERE recorded_to IS NULL ORDER BY fact_id LIMIT $1',
      [count],
    );
    const added: unknown[][] = [];
    for (const f of standing) {
      const now = ++this.clock;
      const corrected = this.r.next() < 0.67;
      await this.db.pool.query(
        'UPDATE read_model.leadership_events SET recorded_to = $3, superseded_by = $4 WHERE fact_id = $1 AND version = $2',
        [f.fact_id, f.version, at(now), corrected ? 'corrected' : 'retracted'],
      );
      if (corrected) added.push(this.version(f.fact_id, f.version + 1, Number(f.fact_position), now, null, null));
    }
    await this.db.pool.query(INSERT, [JSON.stringify(added)]);
    return standing.map((f) => f.fact_id);
  }

  /** Instants between the recordings so far, for knownAt. */
  instants(): string[] {
    return Array.from({ length: 6 }, (_, k) => at(Math.round(((k + 1) * this.clock) / 7) + 0.5));
  }
}

/** How many starts the reference compared had their modality from another report (`modalityFrom`). */
let confirmedByAnother = 0;
/** How many rumoured departures a story denied, and how many tenures shown ended by a rumour, in the references. */
let deniedByStance = 0;
/** How many rumoured appointments the stories attached to them confirmed, in the references. */
let confirmedByStance = 0;
let rumouredEnds = 0;

/**
 * The reference: every visible row of the organization paired by `tenuresOf`, as the report did before paging. With
 * `merged`, the organizations of one entity (the first canonical): the rows of all of them, paired as one organization.
 */
async function expected(ds: DataSource, q: LeadershipQuery, merged: string[] | null = null): Promise<Tenure[]> {
  const p = new SqlParams();
  const columns = factColumns('t', {
    data: false,
    plain: ['organization', 'kind', 'role', 'role_key', 'role_category', 'interim', 'reason', 'destination'],
  });
  const rows: LeadershipRow[] = await ds.query(
    `SELECT ${columns} FROM read_model.leadership_events t WHERE t.organization = ANY(${p.add(merged ?? [q.organization], '::text[]')}) AND ${visibleAt('t', q.knownAt, p)}
       AND (${p.add(q.modality, '::text[]')} IS NULL OR t.modality = ANY(${p.add(q.modality, '::text[]')}) OR t.modality = 'denied')`,
    p.values,
  );
  // Whatever the modalities asked, a denial sets a rumoured departure aside: the denied departures stay in the rows
  // (pairing skips them), and the stories denying a rumour are read as the corroboration counts them at knownAt.
  const rumours = rows.filter((r) => r.kind === 'departed' && r.modality === 'rumored').map((r) => r.fact_id);
  const words = await loadCorroboration(ds, rumours, q.knownAt);
  // A rumoured appointment counts as confirmed when the stories attached to it (not its own sources) confirm it.
  const appointed = rows.filter((r) => r.kind === 'appointed' && r.modality === 'rumored').map((r) => r.fact_id);
  const attached = await loadAttachedWords(ds, appointed, q.knownAt);
  const options = {
    deniedByStance: (id: string) => corroborationIn(words, id).denies > 0,
    confirmedByStance: (id: string) => rumourConfirmed(attached.get(id)),
  };
  deniedByStance += rumours.filter(options.deniedByStance).length;
  confirmedByStance += appointed.filter(options.confirmedByStance).length;
  // The roster as of a date shows each tenure as it stood then (its interim, its start's strongest report by then).
  const entityOf = (o: string) => (merged?.includes(o) ? merged[0] : o);
  const shown =
    q.show === 'tenures' ? tenuresOf(rows, null, entityOf, options) : rosterAt(tenuresOf(rows, q.asOf, entityOf, options), q.asOf);
  rumouredEnds += shown.filter((t) => t.end?.modality === 'rumored').length;
  confirmedByAnother += shown.filter((t) => t.start?.modalityFrom).length;
  if (!q.minOutlets) return shown;
  // As the report filtered before it paged in SQL: each bound's corroboration counted in JavaScript.
  const bounds = (t: Tenure) => [t.start, t.end].flatMap((b) => (b ? [b.eventId] : []));
  const counts = await loadCorroboration(ds, shown.flatMap(bounds), q.knownAt);
  return shown.filter((t) => bounds(t).some((id) => corroborationIn(counts, id).outlets >= q.minOutlets!));
}

type ListedFact = {
  eventId: string;
  organization: string;
  occurredAt: string | null;
  from: string | null;
  to: string | null;
  modality: string;
  status: string;
  recordedAt: string;
  sources: Array<{ url?: string | null }>;
};
type Listed = Pick<Tenure, 'person' | 'organization' | 'role' | 'roleCategory' | 'interim' | 'reason' | 'destination' | 'certain'> & {
  start: (ListedFact & { modalityFrom: ListedFact | null }) | null;
  end: Listed['start'];
};
const brief = (t: Listed) =>
  JSON.stringify([
    t.person,
    t.organization,
    t.role,
    t.roleCategory,
    t.interim,
    t.reason,
    t.destination,
    t.certain ?? '-',
    bound(t.start),
    bound(t.end),
  ]);
const fact = (b: ListedFact) => [b.eventId, b.organization, b.occurredAt, b.from, b.to, b.modality, b.status, b.recordedAt];
// The report a start's modality comes from: which fact version (its sources' url names it), as of asOf and at knownAt.
const bound = (b: Listed['start']) =>
  b && [...fact(b), b.modalityFrom && [...fact(b.modalityFrom), b.modalityFrom.sources.map((x) => x.url)]];

/** Reads every page of the report (7 at a time) and lists what it served. */
async function allPages(repo: LeadershipRepository, query: LeadershipQuery): Promise<string[]> {
  const q = { ...query, limit: 7, cursor: null as string | null };
  const got: string[] = [];
  for (let pages = 0; ; pages++) {
    const page = await repo.report(q);
    expect(page.items.length).toBeLessThanOrEqual(7);
    got.push(...page.items.map(brief));
    if (!page.next) return got;
    q.cursor = page.next;
    expect(pages).toBeLessThan(100);
  }
}

describe('leadership report: pairing only the rows that matter, paged, equals pairing every row (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let repo: LeadershipRepository;
  let history: History;
  const projection = new LeadershipProjection();

  /**
   * Every organization and view, valid time and transaction time (null: from `leadership_runs`), against the reference.
   * `mergedAt`: whether the organizations are one entity (merged) at a knownAt.
   */
  async function compareAll(knownAts: Array<string | null>, mergedAt: (knownAt: string | null) => boolean = () => false): Promise<number> {
    let compared = 0;
    for (const organization of ORGS)
      for (const show of ['roster', 'tenures'] as const)
        for (const asOf of show === 'roster'
          ? [null, '2024-03-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z']
          : [null])
          for (const [knownAt, modality, minOutlets] of [
            ...knownAts.map((k) => [k, null, null] as const),
            [null, ['reported', 'confirmed'], null] as const,
            ...knownAts.map((k) => [k, null, 2] as const),
          ]) {
            const q: LeadershipQuery = { organization, show, asOf, knownAt, modality: modality && [...modality], minOutlets };
            const want = (await expected(ds, q, mergedAt(knownAt) ? ORGS : null)).map(brief);
            expect({ q, listed: await allPages(repo, q) }).toEqual({ q, listed: want });
            compared += want.length;
          }
    return compared;
  }

  beforeAll(async () => {
    db = await createTestDatabase('leadership');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    repo = new LeadershipRepository(ds, new EntityLinksRepository(ds));
    history = new History(db);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('read in pages of 7, as recorded now and at earlier instants, lists what pairing every row lists', async () => {
    const first = await history.record(250);
    await projection.refreshRuns(ds.manager, first.slice(0, 120));
    await projection.refreshRuns(ds.manager, first.slice(120));
    const second = await history.record(150);
    await projection.refreshRuns(ds.manager, second);
    const instants = history.instants();
    expect(await compareAll([null, instants[1], instants[4]])).toBeGreaterThan(100);
    // The histories hold starts raised by a later report of their date, compared with the report that raised them.
    expect(confirmedByAnother).toBeGreaterThan(10);
    // And rumoured departures: some set aside by a story denying them, some ending tenures shown.
    expect(deniedByStance).toBeGreaterThan(3);
    // And rumoured appointments the stories attached to them confirm, counted as confirmed.
    expect(confirmedByStance).toBeGreaterThan(3);
    expect(rumouredEnds).toBeGreaterThan(10);
  });

  it('stays equal when later corrections move facts between people, roles and organizations, and retractions remove them', async () => {
    const amended = await history.amend(60);
    await projection.refreshRuns(ds.manager, amended);
    expect(await compareAll([null, history.instants()[5]])).toBeGreaterThan(100);
  });

  it('pairs across the slugs of a merged organization, apart before the merge was known and after its reversal', async () => {
    // org:beta merged into org:alpha, known after every recording so far (the history's instants are before it).
    const merge = { id: randomUUID(), at: at(1_000_000), unmergedAt: at(2_000_000) };
    await ds.query(
      `INSERT INTO read_model.entity_links (event_id, subject, link, target, reason, linked_position, linked_at)
       VALUES ($1, 'org:beta', 'merge', 'org:alpha', 'same', 1000000, $2)`,
      [merge.id, merge.at],
    );
    const inside = at(1_500_000);
    const before = history.instants()[5];
    // Merged now and inside the merge; apart before it. Asked by either slug, one entity's tenures.
    expect(await compareAll([null, inside, before], (k) => k !== before)).toBeGreaterThan(100);
    await ds.query(
      `UPDATE read_model.entity_links SET unlink_event_id = $1, unlinked_position = 2000000, unlinked_at = $2 WHERE event_id = $3`,
      [randomUUID(), merge.unmergedAt, merge.id],
    );
    // Unmerged: apart now, still one entity at a knownAt inside the merge.
    expect(await compareAll([null, inside], (k) => k === inside)).toBeGreaterThan(100);
    await ds.query(`DELETE FROM read_model.entity_links WHERE event_id = $1`, [merge.id]);
  });

  // The known limits of the fiftieth and fifty-second sessions' testers, as a desk editor reads the report's JSON.
  it('shows a rumour confirmed later for the same day as confirmed (rumored at a knownAt before), and the interim status as of a date', async () => {
    const organization = 'org:delta';
    const fact = (id: string, position: number, person: string, day: string, modality: string, interim: boolean) => [
      id,
      1,
      'executive.appointed',
      person,
      modality,
      day,
      `${day}T00:00:00.000Z`,
      new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString(),
      at(100_000 + position),
      null,
      100_000 + position,
      100_000 + position,
      null,
      organization,
      'Chief Executive Officer',
      'chief executive officer',
      'c-suite',
      interim,
      null,
      null,
    ];
    const [rumour, confirmation, interim, permanent] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const rows = [
      fact(rumour, 1, 'person:rumoured', '2024-06-10', 'rumored', false),
      fact(confirmation, 3, 'person:rumoured', '2024-06-10', 'confirmed', false),
      fact(interim, 4, 'person:interim', '2024-01-15', 'reported', true),
      fact(permanent, 5, 'person:interim', '2024-06-01', 'reported', false),
    ];
    await db.pool.query(INSERT, [JSON.stringify(rows)]);
    await projection.refreshRuns(ds.manager, [rumour, confirmation, interim, permanent]);
    // The confirmation's outlets, as the feed counts them (two outlets' words).
    await db.pool.query(
      `INSERT INTO read_model.feed_items (position, event_id, type, subject, recorded_at, headline_en, headline_fr, data, sources, modality, corroboration)
       VALUES (100003, $1, 'executive.appointed', 'person:rumoured', now(), '', '', '{}', '[]', 'confirmed', $2::jsonb)`,
      [
        confirmation,
        JSON.stringify(
          ['Official Wire', 'Courier'].map((outlet, k) => ({
            id: `${confirmation}:${k}`,
            outlet,
            key: outletKey({ outlet }),
            stance: 'confirms',
            recordedAt: at(100_003),
          })),
        ),
      ],
    );
    await db.pool.query(WATERMARK_AT_FEED_END);
    const roster = async (asOf: string | null, knownAt: string | null = null) =>
      (await repo.report({ organization, asOf, knownAt, modality: null })).items.map((t) => ({
        person: t.person,
        interim: t.interim,
        start: t.start && {
          eventId: t.start.eventId,
          occurredAt: t.start.occurredAt,
          modality: t.start.modality,
          sources: t.start.sources.map((x) => x.url),
          modalityFrom: t.start.modalityFrom && {
            eventId: t.start.modalityFrom.eventId,
            occurredAt: t.start.modalityFrom.occurredAt,
            from: t.start.modalityFrom.from,
            modality: t.start.modalityFrom.modality,
            recordedAt: t.start.modalityFrom.recordedAt,
            sources: t.start.modalityFrom.sources.map((x) => x.url),
            outlets: t.start.modalityFrom.corroboration.outlets,
          },
        },
      }));
    // The start keeps the rumour's id and sources; the confirmation, with its own, is what the modality comes from.
    const rumoured = (modality: string) => ({
      person: 'person:rumoured',
      interim: false,
      start: {
        eventId: rumour,
        occurredAt: '2024-06-10',
        modality,
        sources: [`https://wire.example/${rumour}/1`],
        modalityFrom:
          modality === 'confirmed'
            ? {
                eventId: confirmation,
                occurredAt: '2024-06-10',
                from: '2024-06-10T00:00:00.000Z',
                modality: 'confirmed',
                recordedAt: at(100_003),
                sources: [`https://wire.example/${confirmation}/1`],
                outlets: 2,
              }
            : null,
      },
    });
    const interimOne = (flag: boolean) => ({
      person: 'person:interim',
      interim: flag,
      start: {
        eventId: interim,
        occurredAt: '2024-01-15',
        modality: 'reported',
        sources: [`https://wire.example/${interim}/1`],
        modalityFrom: null,
      },
    });
    expect(await roster(null)).toEqual([interimOne(false), rumoured('confirmed')]);
    // Known before the confirmation was recorded (between positions 1 and 3): the rumour.
    expect(await roster(null, at(100_002))).toEqual([rumoured('rumored')]);
    expect(await roster('2024-03-01T00:00:00.000Z')).toEqual([interimOne(true)]);
    expect(await roster('2024-07-01T00:00:00.000Z')).toEqual([interimOne(false), rumoured('confirmed')]);
    // Every tenure on record: as recorded now.
    const tenures = await repo.report({ organization, asOf: null, knownAt: null, modality: null, show: 'tenures' });
    expect(tenures.items.map((t) => [t.person, t.interim, t.start?.modality, t.start?.modalityFrom?.eventId ?? null])).toEqual([
      ['person:interim', false, 'reported', null],
      ['person:rumoured', false, 'confirmed', confirmation],
    ]);
    // Filtered to rumours, the start is the rumour alone.
    const filtered = await repo.report({ organization, asOf: null, knownAt: null, modality: ['rumored'] });
    expect(filtered.items.map((t) => [t.person, t.start?.modality, t.start?.modalityFrom])).toEqual([['person:rumoured', 'rumored', null]]);
  });

  it('serves the sources of the listed facts and, for a corrected one, its earlier versions', async () => {
    const { items } = await repo.report({
      organization: 'org:alpha',
      show: 'tenures',
      asOf: null,
      knownAt: null,
      modality: null,
      limit: 1000,
    });
    const bounds = items.flatMap((t) => [t.start, t.end]).filter((b) => b !== null);
    expect(bounds.length).toBeGreaterThan(20);
    for (const b of bounds) expect(b.sources[0].url).toContain(b.eventId);
    const corrected = bounds.find((b) => b.status === 'corrected')!;
    expect(corrected.history.length).toBeGreaterThanOrEqual(1);
  });
});
