import { AddressInfo } from 'node:net';
import express, { NextFunction, Request, Response } from 'express';
import { bodyParserProblem, rejectNonUtf8Body, sendProblem } from './problem.filter';
import { problems } from './problem.errors';

/**
 * The JSON body parser as the apps mount it, with the UTF-8 check (found by tests/e2e/fuzz-write: bytes that are
 * not UTF-8 were decoded with U+FFFD in their place and the altered text recorded with a 201).
 */
describe('JSON bodies that are not UTF-8', () => {
  let url: string;
  let close: () => void;
  beforeAll(async () => {
    const app = express();
    app.use(express.json({ limit: '10kb', verify: rejectNonUtf8Body }));
    app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
      const problem = bodyParserProblem(error, '10kb');
      return problem ? sendProblem(res, problem, req.originalUrl) : next(error);
    });
    app.post('/echo', (req, res) => void res.json(req.body));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
    close = () => server.close();
  });
  afterAll(() => close());

  const send = (body: Buffer) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('given invalid UTF-8 inside a string, then 400 problem+json REQUEST.MALFORMED_JSON', async () => {
    const res = await send(Buffer.concat([Buffer.from('{"role":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'REQUEST.MALFORMED_JSON', detail: 'Body is not valid UTF-8' });
  });

  it('given valid multi-byte UTF-8, then the text arrives unchanged', async () => {
    const res = await send(Buffer.from(JSON.stringify({ role: 'Directrice générale 🚀 日本' })));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ role: 'Directrice générale 🚀 日本' });
  });
});

/** Only a successful, cacheable answer carries an ETag: Express's send added one to every problem too (t24). */
describe('a problem answer carries no ETag', () => {
  let base: string;
  let close: () => void;
  beforeAll(async () => {
    const app = express();
    app.get('/ok', (_req, res) => void res.json({ ok: true }));
    app.get('/problem', (req, res) => sendProblem(res, problems.notFound('nothing here'), req.originalUrl));
    // A validator set before the answer turned out to be a problem (a report's partial ETag) goes too.
    app.get('/late', (req, res) => {
      res.setHeader('ETag', 'W/"partial-1"');
      sendProblem(res, problems.unavailable('busy', 1), req.originalUrl);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('given a success, then it has an ETag; given a problem, then none, with its body whole', async () => {
    expect((await fetch(`${base}/ok`)).headers.get('etag')).toBeTruthy();
    for (const [path, status] of [
      ['/problem', 404],
      ['/late', 503],
    ] as const) {
      const res = await fetch(base + path);
      expect(res.status).toBe(status);
      expect(res.headers.get('etag')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status, instance: path });
    }
  });
});
