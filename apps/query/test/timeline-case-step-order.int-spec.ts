import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:t58o-acme';
const CASE = 'case:t58o-doe-v-acme';
const sources = [{ outlet: 'Order Wire', language: 'en' }];

interface Page {
  items: Array<{ factId: string; type: string }>;
  next: string | null;
}

/**
 * The timeline orders a case's steps as the lawsuits report does (the fifty-eighth session's limit): a motion of
 * 2025-03 recorded before an appeal dated only "2025" comes first, where the dates' starts put the appeal first. The
 * steps take the places their keys give them on the timeline (other facts keep theirs), so every page size gives
 * the same list, each fact once; at `knownAt` and under a filter, the steps standing then or kept, in that order.
 */
describe("the timeline lists a case's steps in the lawsuits report's order (real Postgres, HTTP)", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  let beforeAppeal = '';
  const ids: Record<string, string> = {};
  const { json } = reportsReader(() => base);

  beforeAll(async () => {
    db = await createTestDatabase('timeline_case_step_order');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const append = async (name: string, e: Parameters<typeof toAppend>[0]) => {
      const [stored] = await store.append(toAppend({ sources, ...e }));
      ids[name] = stored.eventId;
      await pastMillisecondOf(stored.recordedAt);
      return stored.recordedAt;
    };
    const step = (name: string, status: string, occurredAt: string, modality = 'reported') =>
      append(name, { type: 'lawsuit.status_changed', subject: CASE, occurredAt, modality, data: { status } });
    const filing = { title: 'Doe v. Acme', plaintiffs: ['person:t58o-doe'], defendants: [ORG], claims: ['x'] };
    await append('filed', { type: 'lawsuit.filed', subject: CASE, occurredAt: '2024-06', data: filing });
    await append('headcount', { type: 'headcount.reported', subject: ORG, occurredAt: '2025-02', data: { total: 120 } });
    await step('motion', 'motion_filed', '2025-03');
    beforeAppeal = new Date().toISOString();
    await pastMillisecondOf(beforeAppeal);
    await step('appeal', 'appealed', '2025');
    await step('ruling', 'ruled', '2026-01');
    await step('denied', 'injunction_denied', '2025-06', 'denied');
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'timeline-case-step-order', partitions: [0] });
    ({ app, base } = await startReportsApp(ds));
  });
  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const name = (factId: string) => Object.keys(ids).find((k) => ids[k] === factId) ?? factId;
  /** Every page of a timeline query, `limit` items a page, by name. */
  const timeline = async (params: Record<string, string>, limit = 100) => {
    const out: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const page: Page = await json<Page>(`/v1/reports/timeline?${query.toString()}`);
      out.push(...page.items.map((i) => name(i.factId)));
      cursor = page.next;
    } while (cursor);
    return out;
  };
  const lawsuitsHistory = async (knownAt?: string) => {
    const query = new URLSearchParams({ party: ORG, ...(knownAt ? { knownAt } : {}) });
    const { items } = await json<{ items: Array<{ history: Array<{ eventId: string }> }> }>(`/v1/reports/lawsuits?${query.toString()}`);
    return items[0].history.map((h) => name(h.eventId));
  };

  it('lists the steps as the lawsuits history does, the other facts in their places, on one page and on pages of one', async () => {
    const history = await lawsuitsHistory();
    expect(history.slice(0, 3)).toEqual(['filed', 'motion', 'appeal']);
    // The steps take the places of the dates' starts (appeal's 2025-01-01, motion's 2025-03, ...), in the history's order.
    const expected = ['filed', history[1], 'headcount', ...history.slice(2)];
    for (const subject of [ORG, CASE]) {
      const want = subject === CASE ? expected.filter((n) => n !== 'headcount') : expected;
      expect({ subject, items: await timeline({ subject }) }).toEqual({ subject, items: want });
      expect({ subject, items: await timeline({ subject }, 1) }).toEqual({ subject, items: want });
      expect({ subject, items: await timeline({ subject }, 2) }).toEqual({ subject, items: want });
    }
    const all = await timeline({});
    expect(all.filter((n) => n in ids)).toEqual(expected);
  });

  it('at knownAt before the appeal, and under a filter, the steps standing or kept are in the same order', async () => {
    expect(await timeline({ subject: CASE, knownAt: beforeAppeal })).toEqual(await lawsuitsHistory(beforeAppeal));
    const history = await lawsuitsHistory();
    const reported = await timeline({ subject: CASE, modality: 'reported', types: 'lawsuit.status_changed' }, 1);
    expect(reported).toEqual(history.filter((n) => n !== 'filed' && n !== 'denied'));
  });
});
