import { INestApplication } from '@nestjs/common';
import { initMetrics } from '@newsroom/platform';
import { createTestDatabase, departedEnvelope, TestDatabase } from '@newsroom/testing';
import { loadIngestConfig } from '../src/config/ingest.config';
import { startIngestHttp } from '../src/ingest-http.factory';

/** The fields of a problem or batch answer these tests read. */
interface ResponseBody {
  code?: string;
  errors: Array<{ path: string; message: string }>;
  results: Array<{ index: number; status: string }>;
}

/** Small so the test moves little data; the default is 1 MiB (libs/platform/src/config/limits.config.ts). */
const MAX_EVENT_BYTES = 64 * 1024;
const KEY = 'event-size-limit-test-key:write';

describe('ingest: NEWSROOM_MAX_EVENT_BYTES bounds each event (413 with the path, nothing recorded) and the body limit', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;

  const post = async (body: unknown) => {
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY.split(':')[0]}`, 'x-correlation-id': 'size-limit-test' },
      body: JSON.stringify(body),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as ResponseBody };
  };
  const eventCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
  /** An event whose 40 sources carry `chars` characters of quotes in all (at most 2000 each, as validated). */
  const withQuotes = (id: string, chars: number) =>
    departedEnvelope({
      id,
      subject: 'person:size-limit',
      sources: Array.from({ length: 40 }, (_, i) => ({
        outlet: 'Example Daily',
        language: 'en',
        quote: 'x'.repeat(Math.floor(chars / 40) + (i < chars % 40 ? 1 : 0)),
      })),
    });

  beforeAll(async () => {
    db = await createTestDatabase('ingest_size');
    const config = loadIngestConfig({
      DATABASE_URL: db.url,
      INGEST_PORT: '0',
      INGEST_CONSUME_SUBMISSIONS: 'false',
      NEWSROOM_API_KEYS: KEY,
      NEWSROOM_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES),
      LOG_LEVEL: 'silent',
    });
    initMetrics('ingest-size-test');
    app = await startIngestHttp(config, { port: 0, host: '127.0.0.1' });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('derives the body limit from the setting: twice the largest event', () => {
    expect(loadIngestConfig({ NEWSROOM_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES) }).INGEST_BODY_LIMIT).toBe('128kb');
    expect(loadIngestConfig({}).INGEST_BODY_LIMIT).toBe('2048kb');
    expect(loadIngestConfig({ INGEST_BODY_LIMIT: '256kb' }).INGEST_BODY_LIMIT).toBe('256kb');
  });

  it('records the largest event that fits, rejects one byte more with 413 and the field path, records nothing for it', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    // The first answer says how large the event would be; the padding is then set to land exactly on the limit.
    const probe = await post(withQuotes(id, 80000));
    expect(probe.status).toBe(413);
    expect(probe.type).toMatch(/^application\/problem\+json/);
    expect(probe.body.code).toBe('EVENT.TOO_LARGE');
    expect(probe.body.errors.map((e: { path: string }) => e.path)).toEqual(['sources']);
    const wouldBe = Number(/would be (\d+) bytes/.exec(probe.body.errors[0].message)![1]);
    expect(await eventCount()).toBe(0);

    const largest = 80000 - (wouldBe - MAX_EVENT_BYTES);
    const over = await post(withQuotes(id, largest + 1));
    expect(over.status).toBe(413);
    expect(over.body.errors[0].message).toContain(`would be ${MAX_EVENT_BYTES + 1} bytes`);
    expect(await eventCount()).toBe(0);

    const created = await post(withQuotes(id, largest));
    expect(created.status).toBe(201);
    expect(await eventCount()).toBe(1);
  });

  it('in a batch, rejects only the oversized item, with its index and path', async () => {
    const res = await post({ events: [departedEnvelope(), withQuotes('00000000-0000-4000-8000-000000000002', 80000)] });
    expect(res.status).toBe(200);
    expect(res.body.results[0].status).toBe('created');
    expect(res.body.results[1]).toMatchObject({
      index: 1,
      status: 'rejected',
      error: { status: 413, code: 'EVENT.TOO_LARGE', errors: [{ path: 'sources' }] },
    });
  });

  it('answers a body over the derived limit with 413 before parsing it', async () => {
    const res = await post({
      events: [withQuotes('00000000-0000-4000-8000-000000000003', 70000), withQuotes('00000000-0000-4000-8000-000000000004', 70000)],
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('REQUEST.TOO_LARGE');
  });
});
