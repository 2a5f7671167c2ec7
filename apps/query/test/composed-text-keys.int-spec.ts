import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { applyMigration, createTestDatabase, TestDatabase } from '@newsroom/testing';
import { applyLog, markFolded } from '../../../libs/projections/test/support/log-replay.util';
import { toAppend } from '../../../tests/fixtures/story.fixture';
import { ComposedTextKeys1764902820000 } from '../../../infra/postgres/migrations/1764902820000-composed-text-keys.migration';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:societe-generale-tech';
const ROLE = 'chargé des événements spéciaux';
const NFD = ROLE.normalize('NFD');

const fact = (type: 'executive.departed' | 'executive.appointed', person: string, occurredAt: string, role: unknown) =>
  toAppend({
    id: randomUUID(),
    type,
    subject: person,
    occurredAt,
    data: { organization: ORG, role, roleCategory: 'other', ...(type === 'executive.departed' ? { reason: 'resigned' } : {}) },
    sources: [{ outlet: `Le Wire ${occurredAt}`, language: 'fr' }],
  });

/**
 * A role typed with combining accents (NFD) is the role typed with precomposed letters (NFC), whatever its case (t31,
 * the sixty-second session): two departures of one person from it with different dates are a conflict, and an
 * appointment and a departure of it pair into one tenure. Folded into the real read models, read over HTTP.
 */
describe('free text compared as claims: composition folded (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  const { json } = reportsReader(() => base);

  beforeAll(async () => {
    db = await createTestDatabase('composed_text_keys');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    for (const a of [
      fact('executive.departed', 'person:luc-morel', '2024-06', { fr: ROLE }),
      fact('executive.departed', 'person:luc-morel', '2024-09', { fr: NFD }),
      fact('executive.appointed', 'person:claire-martin', '2023-01', { fr: ROLE }),
      fact('executive.departed', 'person:claire-martin', '2024-06', { fr: NFD }),
      fact('executive.departed', 'person:claire-martin', '2024-09', { fr: ROLE.toUpperCase() }),
    ])
      await store.append(a);
    await applyLog(store, ds, { pageSize: 100, batched: true });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('lists the departure conflict of two departures from the role typed two ways', async () => {
    const { items } = await json<{ items: Array<{ kind: string; subject: string; fields: string[] }> }>(
      `/v1/reports/conflicts?kind=departure&status=open&limit=100`,
    );
    expect(items.map((c) => [c.subject, c.fields]).sort()).toEqual([
      ['person:claire-martin', ['occurredAt']],
      ['person:luc-morel', ['occurredAt']],
    ]);
  });

  it('pairs the appointment and the departure typed two ways into one tenure', async () => {
    const { items } = await json<{
      items: Array<{ person: string; start: { occurredAt: string } | null; end: { occurredAt: string } | null }>;
    }>(`/v1/reports/leadership?organization=${ORG}&show=tenures&lang=fr`);
    const claire = items.filter((t) => t.person === 'person:claire-martin');
    expect(claire.map((t) => [t.start?.occurredAt ?? null, t.end?.occurredAt ?? null])).toEqual([['2023-01', '2024-06']]);
  });

  it('queues the roster and conflicts folded again where a stored key is not composed (migration 1764902820000)', async () => {
    const queued = async () =>
      (await ds.query<Array<{ projection: string }>>(`SELECT projection FROM read_model.projection_backfills ORDER BY 1`)).map(
        (r) => r.projection,
      );
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await markFolded(ds, 'composed', ['leadership', 'conflicts']);
    await applyMigration(ds, new ComposedTextKeys1764902820000());
    expect(await queued()).toEqual([]);
    // A key the older code stored: the role as typed, combining accents and all.
    await ds.query(`UPDATE read_model.leadership_events SET role_key = normalize(role_key, NFD) WHERE subject = 'person:luc-morel'`);
    await ds.query(
      `UPDATE read_model.conflict_claims SET claim_key = replace(claim_key, 'spéciaux', 'sp’eciaux') WHERE claim_key LIKE '%luc-morel%'`,
    );
    await applyMigration(ds, new ComposedTextKeys1764902820000());
    expect(await queued()).toEqual(['conflicts', 'leadership']);
  });
});
