import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { serviceHealth } from './stack-health.util';

/** `newsroom stack status`'s reading of /health/ready: degraded parts of a ready service, and what a starting one waits for. */
describe('serviceHealth', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    server = createServer((_req, res) =>
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('given ready with parts degraded, then ready naming them', async () => {
    answer = { status: 200, body: { status: 'ok', degraded: ['kafka', 'submissions-consumer'] } };
    expect(await serviceHealth('ingest', url)).toEqual({
      name: 'ingest',
      url,
      state: 'ready',
      detail: 'degraded: kafka, submissions-consumer',
    });
    answer = { status: 200, body: { status: 'ok' } };
    expect((await serviceHealth('ingest', url)).detail).toBe('');
  });

  it('given not ready, then the checks down with their published state, and the degraded ones', async () => {
    answer = {
      status: 503,
      body: {
        code: 'SERVICE.NOT_READY',
        checks: { postgres: 'up', kafka: 'degraded', consumer: 'down' },
        states: { consumer: 'starting' },
      },
    };
    expect(await serviceHealth('projector', url)).toMatchObject({ state: 'not ready', detail: 'down: consumer (starting)' });
  });

  it('given a service still starting, then what it waits for', async () => {
    answer = { status: 503, body: { code: 'SERVICE.STARTING', detail: 'Starting: waiting for postgres.' } };
    expect(await serviceHealth('query', url)).toMatchObject({ state: 'not ready', detail: 'Starting: waiting for postgres.' });
  });
});
