import fc from 'fast-check';
import { departedEnvelope, pollUntil } from '@newsroom/testing';
import {
  brokenBodies,
  EDGE_AMOUNTS,
  EDGE_DATES,
  fuzzOptions,
  revenueEnvelope,
  hostileString,
  hostileValue,
  INJECTIONS,
  mutatedEnvelope,
  revalidate,
  setPath,
} from './fuzz-inputs.fixture';
import { BatchItemResult, startStack, TestStack } from './stack.harness';

/**
 * Issue 11, fuzzing the write side as a running process: every write endpoint gets broken, hostile and wrong
 * input. The property: a 4xx problem+json with a code, never a 5xx, and whatever is stored re-validates.
 */
const LIMIT_BYTES = 256 * 1024;
/** Percent-encodes a path segment; lone surrogates become the invalid UTF-8 a raw client would send. */
const encodePath = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80').replace(/[^A-Za-z0-9%._~-]/g, (c) => encodeURIComponent(c));
  }
};
jest.setTimeout(120_000);

describe('fuzz: write endpoints of the running ingest (issue 11)', () => {
  let stack: TestStack;
  let url: string;
  let targetId: string;

  const send = async (path: string, body: string | Buffer, contentType = 'application/json') => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${stack.key}` },
      body,
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answer to a hostile body may be any JSON; the checks read it field by field and fail on a wrong shape
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', json, text };
  };
  const read = async (id: string) => {
    const res = await fetch(`${url}/v1/events/${encodeURIComponent(id)}`);
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an event stored from hostile input, or the text of a refusal: the checks find out which
      json: (res.status === 200 ? await res.json() : await res.text()) as any,
    };
  };
  /** A refusal is a 4xx problem+json with a code; a 5xx is always a bug. */
  const expectRefusalShape = (res: { status: number; type: string; json: { code?: unknown } | null; text: string }) => {
    if (res.status >= 500 || res.status < 400) throw new Error(`expected a 4xx, got ${res.status}: ${res.text.slice(0, 300)}`);
    if (!/^application\/problem\+json/.test(res.type)) throw new Error(`4xx without problem+json (${res.type}): ${res.text.slice(0, 300)}`);
    if (typeof res.json?.code !== 'string') throw new Error(`problem without a code: ${res.text.slice(0, 300)}`);
  };
  const expectStoredValid = async (id: string) => {
    const got = await read(id);
    if (got.status !== 200) throw new Error(`accepted ${id} but GET answers ${got.status}`);
    const v = revalidate(got.json);
    if (!v.ok) throw new Error(`stored event does not re-validate: ${JSON.stringify(v.errors)}`);
    return got.json;
  };
  const tablesExist = async () => {
    const { rows } = await stack.db.pool.query(`SELECT to_regclass('event_store.events') AS e`);
    return rows[0].e !== null;
  };

  beforeAll(async () => {
    stack = await startStack('fuzz-write', { INGEST_BODY_LIMIT: '256kb', INGEST_WRITE_RATE_PER_KEY: '0', QUERY_READ_RATE_PER_IP: '0' });
    url = stack.apps.ingest.url;
    const target = departedEnvelope();
    const created = await send('/v1/events', JSON.stringify(target));
    expect(created.status).toBe(201);
    targetId = target.id;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('POST /v1/events (one): a mutated envelope is refused with problem+json or stored valid, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedEnvelope, async (env) => {
        const res = await send('/v1/events', JSON.stringify(env));
        if (res.status === 201 || res.status === 200) await expectStoredValid(res.json.id);
        else expectRefusalShape(res);
      }),
      fuzzOptions(1000, 12_000),
    );
    expect(await tablesExist()).toBe(true);
  });

  it('POST /v1/events (batch): each item is created valid or rejected with a code, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(mutatedEnvelope, hostileValue), { minLength: 1, maxLength: 6 }), async (events) => {
        const res = await send('/v1/events', JSON.stringify({ events }));
        if (res.status !== 200) return expectRefusalShape(res);
        for (const r of res.json.results) {
          if (r.status === 'created' || r.status === 'duplicate') await expectStoredValid(r.id);
          else if (r.status !== 'rejected' || typeof r.error?.code !== 'string' || !(r.error.status >= 400 && r.error.status < 500))
            throw new Error(`bad item result ${JSON.stringify(r)}`);
        }
      }),
      fuzzOptions(300, 8_000),
    );
  });

  it('POST /v1/events: broken, deeply nested, oversized and non-UTF-8 bodies are a 4xx problem+json', async () => {
    const contentTypes = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    );
    await fc.assert(
      fc.asyncProperty(
        brokenBodies(LIMIT_BYTES),
        contentTypes,
        fc.constantFrom('/v1/events', '/v1/stories', `/v1/events/TARGET/corrections`, `/v1/events/TARGET/retractions`),
        async ({ body }, type, path) => {
          const res = await send(path.replace('TARGET', targetId), body, type);
          // A batch is answered per item: 200 is fine when every item is rejected with a 4xx code.
          if (
            res.status === 200 &&
            Array.isArray(res.json?.results) &&
            res.json.results.every(
              (r: BatchItemResult) => r.status === 'rejected' && r.error!.status < 500 && typeof r.error!.code === 'string',
            )
          )
            return;
          if (res.status < 300) throw new Error(`a broken body was accepted (${res.status}): ${res.text.slice(0, 200)}`);
          expectRefusalShape(res);
        },
      ),
      fuzzOptions(400, 8_000),
    );
    // The polluted prototype did not leak into the process: the next valid write still works as usual.
    const after = departedEnvelope();
    expect((await send('/v1/events', JSON.stringify(after))).status).toBe(201);
  });

  // Bug found by the property above: nesting of a few thousand levels overflowed the recursive text walk (500).
  it('regression: an event whose data nests 20 000 levels deep is a 400 naming the too-deep path, not a 500', async () => {
    const deep = JSON.stringify(departedEnvelope({ data: 0 })).replace(
      '"data":0',
      `"data":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
    );
    for (const body of [deep, '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000)]) {
      const res = await send('/v1/events', body);
      expect(res.status).toBe(400);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.json)).toMatch(/nested too deeply/);
    }
    const batch = await send('/v1/events', `{"events":[${deep}]}`);
    expect(batch.status).toBe(200);
    expect(batch.json.results[0]).toMatchObject({ status: 'rejected', error: { status: 400, code: 'REQUEST.INVALID' } });
    expect(batch.json.results[0].error.errors[0].message).toMatch(/nested too deeply/);
  });

  it('POST /v1/stories: hostile stories and events are refused or stored valid', async () => {
    const story = { outlet: 'Example Daily', title: 'A story', language: 'en', publishedAt: '2024-10-02', url: 'https://example.org/s' };
    const paths: (string | number)[][] = [
      ['story'],
      ['story', 'outlet'],
      ['story', 'title'],
      ['story', 'url'],
      ['story', 'language'],
      ['story', 'publishedAt'],
      ['events'],
      ['events', 0, 'quote'],
      ['extra'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(paths.length - 1), hostileValue, mutatedEnvelope, async (i, value, event) => {
        const body = setPath({ story, events: [event] }, paths[i], value);
        const res = await send('/v1/stories', JSON.stringify(body));
        if (res.status === 200 || res.status === 201) {
          for (const r of res.json.results ?? []) if (r.status === 'created') await expectStoredValid(r.id);
        } else expectRefusalShape(res);
      }),
      fuzzOptions(400, 6_000),
    );
  });

  it('POST /v1/events/{id}/corrections and /retractions: hostile bodies and ids are refused or recorded, never a 5xx', async () => {
    const id = fc.oneof(
      fc.constant('TARGET'),
      hostileString.filter((s) => s.length < 300),
      fc.uuid(),
    );
    const correction = fc.oneof(
      hostileValue,
      fc.record({
        changes: fc.oneof(
          hostileValue,
          fc.record({
            data: fc.dictionary(fc.constantFrom('role', 'reason', 'organization', 'roleCategory', '__proto__', 'nope'), hostileValue),
          }),
          fc.record({ occurredAt: hostileString }),
        ),
        reason: hostileValue,
      }),
    );
    await fc.assert(
      fc.asyncProperty(id, fc.boolean(), correction, hostileValue, async (rawId, isCorrection, corr, reason) => {
        const target = rawId === 'TARGET' ? targetId : rawId;
        const path = `/v1/events/${encodePath(target)}/${isCorrection ? 'corrections' : 'retractions'}`;
        const res = await send(path, JSON.stringify(isCorrection ? corr : { reason }));
        if (res.status < 300) {
          // A correction or retraction that went through: the target still re-validates with today's data.
          const got = await read(targetId);
          if (got.status !== 200) throw new Error(`target unreadable after ${path}: ${got.status}`);
          const v = revalidate({
            ...got.json,
            data: got.json.current.data,
            occurredAt: got.json.current.occurredAt ?? got.json.occurredAt,
          });
          if (!v.ok) throw new Error(`corrected event does not re-validate: ${JSON.stringify(v.errors)}`);
        } else expectRefusalShape(res);
      }),
      fuzzOptions(400, 6_000),
    );
  });

  it('dates and amounts at the edges: refused with problem+json or stored, and the projector and reports carry on', async () => {
    const q = stack.apps.query.url;
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...EDGE_DATES),
        fc.constantFrom(...EDGE_DATES),
        fc.constantFrom(...EDGE_AMOUNTS),
        async (occurredAt, period, amount) => {
          const env = {
            ...revenueEnvelope(),
            subject: 'org:fuzz-edge',
            occurredAt,
            data: { money: { amount, currency: 'USD' }, period, basis: 'actual' },
          };
          const res = await send('/v1/events', JSON.stringify(env));
          if (res.status === 201) {
            await expectStoredValid(env.id);
            accepted.push(env.id);
          } else expectRefusalShape(res);
        },
      ),
      fuzzOptions(150, 10_000),
    );
    // The projector is not stuck on any of them: a valid event after them reaches the read models.
    const sentinel = departedEnvelope({
      data: { organization: 'org:fuzz-edge', role: 'Sentinel', roleCategory: 'c-suite', reason: 'resigned' },
    });
    expect((await send('/v1/events', JSON.stringify(sentinel))).status).toBe(201);
    const auth = { authorization: `Bearer ${stack.readKey}` };
    await pollUntil(
      async () =>
        (await (await fetch(`${q}/v1/reports/departures?organization=org:fuzz-edge`, { headers: auth })).text()).includes(sentinel.subject),
      { timeoutMs: 60_000, what: 'the event after the edge ones in the departures report' },
    );
    for (const path of [
      '/v1/reports/financials?organization=org:fuzz-edge',
      '/v1/reports/timeline?subject=org:fuzz-edge',
      '/v1/entities/org:fuzz-edge',
      '/v1/reports/financials?organization=org:fuzz-edge&format=csv',
    ]) {
      const res = await fetch(`${q}${path}`, { headers: auth });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    process.stdout.write(`fuzz-write: ${accepted.length} edge events accepted\n`);
  });

  // Bug found by the property above: the end of year 9999 is "+010000-01-01T...", which Postgres refuses (a 500).
  it('regression: an event dated 9999 is a 400 naming occurredAt, not a 500', async () => {
    for (const occurredAt of ['9999', '9999-12-31']) {
      const res = await send('/v1/events', JSON.stringify({ ...revenueEnvelope(), occurredAt }));
      expect(res.status).toBe(400);
      expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual(['occurredAt']);
    }
  });

  // Bug found by the fuzz: bytes that are not UTF-8 were decoded with U+FFFD and the event stored altered (201).
  it('regression: a body that is not UTF-8 is a 400 problem, nothing recorded', async () => {
    const env = departedEnvelope();
    const json = Buffer.from(JSON.stringify(env), 'utf8');
    const at = json.indexOf(Buffer.from(env.data.role));
    const body = Buffer.concat([json.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), json.subarray(at)]);
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.key}` },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('REQUEST.MALFORMED_JSON');
    expect((await fetch(`${url}/v1/events/${env.id}`)).status).toBe(404);
  });

  // Node's parser answers headers over 16 KiB itself; the app gives that answer the problem+json shape too.
  it('regression: a request whose headers are over 16 KiB gets a 431 problem', async () => {
    const res = await fetch(`${url}/v1/events/${'x'.repeat(17_000)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; detail: string; errors: Array<{ path: string; message: string }> };
    expect(problem.code).toBe('REQUEST.HEADERS_TOO_LARGE');
    // Like every problem, it lists what was wrong (t27), and its advice is not only a report's.
    expect(problem.errors).toEqual([{ path: '', message: 'request line and headers over 16 KiB' }]);
    expect(problem.detail).toMatch(/^The request line and headers are over 16 KiB: send fewer or shorter headers/);
  });

  // Byte-identical but for the stored form of text: no blanks around it (a BOM is one), one line's runs of spaces as one.
  const oneLine = (text: string) => text.trim().replace(/ {2,}/g, ' ');

  it('injection strings that are valid text are stored and returned byte-identical (in the stored form of text), and the tables still exist', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...INJECTIONS), fc.constantFrom(...INJECTIONS), async (a, b) => {
        const env = departedEnvelope({
          data: { organization: 'org:openai', role: `${a} ${b}`.trim(), roleCategory: 'c-suite', reason: 'resigned' },
          sources: [{ outlet: a, title: b, language: 'en', quote: `${b}${a}` }],
        });
        const res = await send('/v1/events', JSON.stringify(env));
        if (res.status !== 201) throw new Error(`valid text refused (${res.status}): ${res.text.slice(0, 300)}`);
        const got = await expectStoredValid(env.id);
        expect(got.data).toEqual({ ...env.data, role: oneLine(env.data.role) });
        expect(got.sources).toEqual([{ outlet: oneLine(a), title: oneLine(b), language: 'en', quote: `${b}${a}`.trim() }]);
      }),
      fuzzOptions(100, 5_000),
    );
    expect(await tablesExist()).toBe(true);
    const { rows } = await stack.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events`);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('any Unicode text in a free-text field is refused with a path or stored verbatim', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), async (text) => {
        const env = departedEnvelope({ data: { organization: 'org:openai', role: text, roleCategory: 'c-suite', reason: 'resigned' } });
        const res = await send('/v1/events', JSON.stringify(env));
        if (res.status === 201) {
          const got = await expectStoredValid(env.id);
          if (got.data.role !== text) throw new Error(`stored ${JSON.stringify(got.data.role)} for ${JSON.stringify(text)}`);
        } else expectRefusalShape(res);
      }),
      fuzzOptions(400, 6_000),
    );
  });
});
