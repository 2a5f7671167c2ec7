import { departedEnvelope, FeedPage, pollUntil, SseClient } from '@newsroom/testing';
import { post, Recorded, startStack, TestStack } from './stack.harness';

/** GET /health/ready (Terminus): each check's status under `info`. */
interface Readiness {
  status: string;
  info: Record<string, { status: string }>;
}

describe('one story event end to end: HTTP -> Postgres -> relay -> Kafka -> projector -> feed and SSE', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack('pipeline');
  });
  afterAll(() => stack?.stop());

  it('every service answers ready, checking its Postgres and Kafka', async () => {
    for (const app of Object.values(stack.apps)) {
      const res = await fetch(`${app.url}/health/ready`);
      const body = (await res.json()) as Readiness;
      expect(res.status).toBe(200);
      expect(body.info.postgres.status).toBe('up');
      expect(body.info.kafka.status).toBe('up');
    }
  });

  it('shows a posted event in GET /v1/feed and on an already open SSE stream within seconds', async () => {
    const sse = await SseClient.connect(`${stack.apps.query.url}/v1/feed/stream`);
    expect(sse.status).toBe(200);
    const envelope = departedEnvelope({ subject: 'person:mira-murati' });
    const created = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, envelope, stack.key, { 'x-correlation-id': 'e2e-corr-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: envelope.id, status: 'created', streamVersion: 1 });

    const feedItem = await pollUntil(
      async () => {
        const res = await fetch(`${stack.apps.query.url}/v1/feed?after=0`);
        const page = (await res.json()) as FeedPage;
        return page.items.find((i) => i.eventId === envelope.id);
      },
      { timeoutMs: 15000, what: 'the event in GET /v1/feed' },
    );
    expect(feedItem).toMatchObject({ type: 'executive.departed', subject: 'person:mira-murati', status: 'current', modality: 'reported' });
    expect(feedItem.position).toBe(created.body.globalPosition);
    expect(feedItem.headline).toMatch(/Mira Murati/);
    expect(feedItem.sources[0].outlet).toBe('Example Daily');

    const streamed = await pollUntil(() => sse.items.find((i) => i.eventId === envelope.id), {
      timeoutMs: 15000,
      what: 'the event on SSE',
    });
    expect(streamed.position).toBe(created.body.globalPosition);
    expect(sse.lastId).toBe(created.body.globalPosition);
    sse.close();

    const again = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, envelope, stack.key);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
  });

  it('answers French headlines with lang=fr and resumes SSE after a position without repeating it', async () => {
    const first = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, departedEnvelope(), stack.key);
    const second = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, departedEnvelope(), stack.key);
    await pollUntil(
      async () =>
        ((await (await fetch(`${stack.apps.query.url}/v1/feed?after=${first.body.globalPosition}`)).json()) as FeedPage).items.length >= 1,
      { what: 'second item' },
    );
    const sse = await SseClient.connect(`${stack.apps.query.url}/v1/feed/stream?lang=fr`, { 'last-event-id': first.body.globalPosition });
    const items = await pollUntil(() => (sse.items.length >= 1 ? sse.items : null), { what: 'resumed items' });
    sse.close();
    expect(items[0].eventId).toBe(second.body.id);
    expect(items.every((i) => BigInt(i.position) > BigInt(first.body.globalPosition))).toBe(true);
    expect(items[0].headline).toMatch(/quitte/);
  });

  it('refuses writes without a key (401) and with a read key (403), recording nothing', async () => {
    const envelope = departedEnvelope();
    const none = await post(`${stack.apps.ingest.url}/v1/events`, envelope);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const readOnly = await post(`${stack.apps.ingest.url}/v1/events`, envelope, stack.readKey);
    expect(readOnly.status).toBe(403);
    const { rows } = await stack.db.pool.query('SELECT 1 FROM event_store.events WHERE event_id = $1', [envelope.id]);
    expect(rows).toHaveLength(0);
  });
});
