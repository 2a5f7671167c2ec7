import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { sourceIdOf } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { applyLog } from '../../../libs/projections/test/support/log-replay.util';
import { startReportsApp } from './support/reports-app.harness';

const SOURCE = { outlet: 'Other Names Wire', language: 'en', url: 'https://example.com/t56/asked' };
const RIVAL = 'org:t56q-rival';
const PRODUCT = 'product:t56q-pro';

interface Headlined {
  items: Array<{ factId?: string; subject: string; headline: string }>;
}

/**
 * Names from the facts in another event's data (the fifty-sixth testers' limit), as the reports answer over HTTP: a
 * fact naming a product beside its subject (who asks an authority to intervene) is headlined with the product's
 * announced name on the timeline and a source's page, the name standing at `knownAt` (before its correction, the
 * first name), in English and French.
 */
describe("reports: a product named in another fact's data, by its announced name at knownAt (real Postgres, HTTP)", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  const ids = { announced: randomUUID(), asked: randomUUID(), renamed: randomUUID() };
  let beforeRename = '';

  beforeAll(async () => {
    db = await createTestDatabase('other_names_reports');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const announced = { organization: 'org:t56q', name: 'Widget Pro X', features: [], status: 'announced' };
    const sources = [SOURCE];
    await store.append(
      toAppend({ id: ids.announced, type: 'product.announced', subject: PRODUCT, occurredAt: '2025-03', data: announced, sources }),
    );
    const asking = { by: PRODUCT, authority: 'authority:ftc', request: 'stop' };
    const [asked] = await store.append(
      toAppend({ id: ids.asked, type: 'regulatory.intervention_requested', subject: RIVAL, occurredAt: '2025-04', data: asking, sources }),
    );
    await pastMillisecondOf(asked.recordedAt);
    beforeRename = new Date(Date.parse(asked.recordedAt) + 1).toISOString();
    await pastMillisecondOf(beforeRename);
    const rename = { changes: { data: { name: 'Widget Pro Max' } }, reason: 'renamed at launch' };
    await store.append(amendmentAppend(PRODUCT, 'corrected', ids.announced, rename, ids.renamed));
    await applyLog(store, ds, { pageSize: 100, batched: true });
    ({ app, base } = await startReportsApp(ds));
  });
  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const get = async (path: string): Promise<Headlined> => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Headlined;
  };
  const askedOn = (answer: Headlined) => answer.items.find((i) => i.subject === RIVAL)?.headline;

  it("the timeline headlines the request with the product's announced name: now, and at knownAt before its correction", async () => {
    expect(askedOn(await get(`/v1/reports/timeline?subject=${RIVAL}`))).toBe('Widget Pro Max asks the FTC to intervene against T56q Rival');
    expect(askedOn(await get(`/v1/reports/timeline?subject=${RIVAL}&knownAt=${beforeRename}`))).toBe(
      'Widget Pro X asks the FTC to intervene against T56q Rival',
    );
    // The product's own timeline lists the request too (it is named there), with its name.
    expect(askedOn(await get(`/v1/reports/timeline?subject=${PRODUCT}&lang=fr`))).toMatch(/^Widget Pro Max demande/);
  });

  it("a source's page headlines the fact it reports with the product's announced name", async () => {
    const page = await get(`/v1/sources/${sourceIdOf(SOURCE)}`);
    expect(askedOn(page)).toBe('Widget Pro Max asks the FTC to intervene against T56q Rival');
    expect(askedOn(await get(`/v1/sources/${sourceIdOf(SOURCE)}?knownAt=${beforeRename}`))).toBe(
      'Widget Pro X asks the FTC to intervene against T56q Rival',
    );
  });
});
