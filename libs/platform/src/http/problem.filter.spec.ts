import { AddressInfo } from 'node:net';
import express, { NextFunction, Request, Response } from 'express';
import { bodyParserProblem, rejectNonUtf8Body, sendProblem } from './problem.filter';

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
