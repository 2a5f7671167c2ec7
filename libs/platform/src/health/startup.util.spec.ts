import * as startup from './startup.util';
import { createServer } from 'node:net';
import { retryUntilReady } from '../database/retry.util';
import { listenWhileStarting, startupWaitingFor } from './startup.util';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('the port while a service starts (startup.util)', () => {
  // The startup log writes at once to stdout (pino): silent here.
  const savedLevel = process.env.LOG_LEVEL;
  beforeAll(() => {
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(() => {
    if (savedLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = savedLevel;
  });

  it('answers /health/live 200 and the rest 503 naming what retryUntilReady waits for, then hands the port over', async () => {
    const port = await freePort();
    const handOver = await listenWhileStarting('probe', port, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    try {
      let attempts = 0;
      let answered: { live: number; ready: number; body: Record<string, unknown> } | null = null;
      const value = await retryUntilReady('postgres', async () => {
        if (++attempts === 1) {
          // Asked while the wait goes on, from inside it.
          const live = await fetch(`${url}/health/live`);
          const ready = await fetch(`${url}/health/ready`);
          answered = { live: live.status, ready: ready.status, body: (await ready.json()) as Record<string, unknown> };
          throw new Error('connect ECONNREFUSED 127.0.0.1:1');
        }
        return 'connected';
      });
      expect(value).toBe('connected');
      expect(answered).toMatchObject({
        live: 200,
        ready: 503,
        body: { code: 'SERVICE.STARTING', detail: 'Starting: waiting for postgres.', waitingFor: 'postgres' },
      });
      expect(JSON.stringify(answered)).not.toMatch(/ECONNREFUSED/);
      expect(startupWaitingFor()).toBeNull();
      expect((await fetch(`${url}/anything`)).status).toBe(503);
      // A live-feed client (EventSource gives up for good on a 503): 200, the reconnect hint, then the end, as the feed ends a stream.
      const stream = await fetch(`${url}/v1/feed/stream?after=5`, { headers: { accept: 'text/event-stream' } });
      expect([stream.status, stream.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
      expect(await stream.text()).toBe(
        'retry: 2000\nevent: close\ndata: {"code":"SERVICE.STARTING","message":"Starting. Reconnect with the last position to resume."}\n\n',
      );
    } finally {
      await handOver();
    }
    // The port is free for the app.
    await new Promise<void>((resolve, reject) => {
      const s = createServer()
        .once('error', reject)
        .listen(port, '127.0.0.1', () => s.close(() => resolve()));
    });
  });

  it('refuses a port already taken, as listen would', async () => {
    const port = await freePort();
    const holder = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    try {
      await expect(listenWhileStarting('probe', port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    } finally {
      holder.close();
    }
  });

  it('waits as long as Postgres stays away by default (no exit after 120 s), logging each attempt at first and then once a minute', async () => {
    jest.useFakeTimers();
    const warn = jest.spyOn(startup, 'startupWarn').mockImplementation(() => undefined);
    try {
      let attempts = 0;
      const ready = retryUntilReady('postgres', async () => {
        if (++attempts < 100) throw new Error('refused');
        return 'up';
      });
      // 99 failures: 0.25 + 0.5 + 1 + 2 + 4 s, then 5 s each: about 477 s, well past the 120 s it used to give up at.
      await jest.advanceTimersByTimeAsync(480_000);
      await expect(ready).resolves.toBe('up');
      const lines = warn.mock.calls.map((c) => String(c[0]));
      expect(lines.length).toBeGreaterThanOrEqual(6);
      expect(lines.length).toBeLessThan(20);
      expect(lines.at(-1)).toMatch(/^postgres not ready \(refused\); retrying in 5000 ms, waiting for \d+ s$/);
    } finally {
      warn.mockRestore();
      jest.useRealTimers();
    }
  });

  it('gives up after the deadline with a message saying so', async () => {
    await expect(
      retryUntilReady(
        'postgres',
        async () => {
          throw new Error('refused');
        },
        100,
      ),
    ).rejects.toThrow(/^postgres not ready after \d+ s, giving up: refused$/);
  });
});
