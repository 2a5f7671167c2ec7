import { spawn } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newsroomCli } from './newsroom-cli.harness';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');

/**
 * The CLI against a service that misbehaves on cue, which the real services cannot be made to do at an exact
 * moment: a stream cut mid-way, a 503 while it restarts, a reader that leaves the pipe, a write whose fate is
 * unknown. Loopback only.
 */
describe('newsroom tail and ingest when the service or the reader fails', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'newsroom-tail-'));
  let server: Server;
  let url: string;
  /** One handler per connection, in order; the requests as they came. */
  let script: Array<(req: IncomingMessage, res: ServerResponse) => void> = [];
  const requests: Array<{ after: string | null; lastEventId: string | undefined }> = [];

  const item = (position: number) =>
    `id: ${position}\ndata: ${JSON.stringify({
      position: String(position),
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type: 'executive.departed',
      subject: `person:p${position}`,
      occurredAt: '2024-09-25',
      headline: `item ${position}`,
      status: 'current',
    })}\n\n`;
  const stream = (res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('retry: 200\n\n');
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      requests.push({ after: u.searchParams.get('after'), lastEventId: req.headers['last-event-id'] as string | undefined });
      const next = script.shift();
      if (next) next(req, res);
      else res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    requests.length = 0;
  });

  const saved = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { position?: string; filtered?: Record<string, string> };

  it('given the stream cut mid-way, then a 503 with Retry-After, then it resumes from the last item printed: each item once, exit 0', async () => {
    const state = join(tmp, 'resume');
    script = [
      (_req, res) => {
        stream(res);
        res.write(item(1) + item(2));
        // The connection drops without a close frame (a proxy, a crash).
        setTimeout(() => res.socket?.destroy(), 100);
      },
      (_req, res) =>
        res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1' }).end('{"code":"SERVICE.UNAVAILABLE"}'),
      (_req, res) => {
        stream(res);
        res.write(item(3));
      },
    ];
    const started = Date.now();
    const run = await newsroomCli(['tail', '--from', '0', '--state', state, '--count', '3'], {
      env: { NEWSROOM_QUERY_URL: url },
      cwd: tmp,
    });
    expect(run.code).toBe(0);
    expect([...run.out.matchAll(/^\s*(\d+) {2}/gm)].map((m) => m[1])).toEqual(['1', '2', '3']);
    expect(run.err).toMatch(/reconnecting after position 2/);
    expect(run.err).toMatch(/503 SERVICE.UNAVAILABLE.*reconnecting after position 2 in 1000 ms/);
    // Retry-After (1 s) was honoured over the stream's 200 ms retry hint.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(requests.map((r) => r.lastEventId)).toEqual(['0', '2', '2']);
    expect(saved(state).position).toBe('3');
  });

  it('given a refusal after a reconnect (401), then it stops with that error rather than retrying for ever', async () => {
    script = [
      (_req, res) => {
        stream(res);
        res.write(item(1));
        setTimeout(() => res.end(), 50);
      },
      (_req, res) => res.writeHead(401, { 'Content-Type': 'application/problem+json' }).end('{"code":"AUTH.KEY_REQUIRED"}'),
    ];
    const run = await newsroomCli(['tail', '--from', '0', '--state', join(tmp, 'refused')], { env: { NEWSROOM_QUERY_URL: url }, cwd: tmp });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/401 AUTH.KEY_REQUIRED/);
  });

  it('given a reader that leaves (| head -1), then tail ends quietly with 0 and has not saved an item the pipe refused', async () => {
    const state = join(tmp, 'piped');
    script = [
      (_req, res) => {
        stream(res);
        res.write(item(1));
        // By then head has printed its line and gone: the next writes meet a closed pipe.
        setTimeout(() => res.write(item(2) + item(3)), 500);
        setTimeout(() => res.write(item(4)), 800);
      },
    ];
    const shell = spawn(
      'bash',
      ['-c', `node ${join(ROOT, 'bin', 'newsroom.js')} tail --from 0 --state ${state} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`],
      { cwd: tmp, env: { ...process.env, NEWSROOM_QUERY_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
    shell.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => shell.kill('SIGKILL'), 20_000);
    await new Promise((resolve) => shell.on('close', resolve));
    clearTimeout(timer);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/status=0/);
    expect(err).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(saved(state).position).toBe('1');
  });

  it("given another tail saving to the same state file at that moment, then each keeps the other's position (the file is locked while read and written)", async () => {
    const state = join(tmp, 'shared');
    const lock = `${state}.lock`;
    script = [
      (_req, res) => {
        stream(res);
        res.write(item(1));
      },
    ];
    // The other tail (unfiltered, at 5) holds the lock: it has read the file and is about to write its position.
    writeFileSync(state, JSON.stringify({ queryUrl: url, position: '5' }));
    writeFileSync(lock, String(process.pid));
    const tail = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'newsroom.js'), 'tail', '--types', 'executive.departed', '--state', state, '--count', '1'],
      {
        cwd: tmp,
        env: { ...process.env, NEWSROOM_QUERY_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    tail.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const printed = new Promise<void>((resolve) =>
      tail.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve();
      }),
    );
    const closed = new Promise<number | null>((resolve) => tail.on('close', resolve));
    const timer = setTimeout(() => tail.kill('SIGKILL'), 20_000);
    await printed;
    // The filtered tail printed item 1 and now saves; the other tail writes its position (7) and lets go of the lock.
    await new Promise((resolve) => setTimeout(resolve, 300));
    writeFileSync(state, JSON.stringify({ queryUrl: url, position: '7' }));
    rmSync(lock);
    const code = await closed;
    clearTimeout(timer);
    expect({ code, err: err.replace(/^tail: .*after position.*\n/m, '') }).toEqual({ code: 0, err: '' });
    expect(saved(state)).toEqual({ queryUrl: url, position: '7', filtered: { 'types=executive.departed': '1' } });
    expect(() => readFileSync(lock)).toThrow();
  });

  it('given SIGTERM (a service manager stopping it) during a burst, then it ends with 0 and saves the last line written, as Ctrl-C does', async () => {
    const state = join(tmp, 'sigterm');
    script = [
      (_req, res) => {
        stream(res);
        for (let n = 1; n <= 200; n++) res.write(item(n));
      },
    ];
    const tail = spawn(process.execPath, [join(ROOT, 'bin', 'newsroom.js'), 'tail', '--from', '0', '--state', state], {
      cwd: tmp,
      env: { ...process.env, NEWSROOM_QUERY_URL: url },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    const closed = new Promise<number | null>((resolve) => tail.on('close', resolve));
    const timer = setTimeout(() => tail.kill('SIGKILL'), 20_000);
    await new Promise<void>((resolve) =>
      tail.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^\s*200 {2}/m.test(out)) resolve();
      }),
    );
    tail.kill('SIGTERM');
    const code = await closed;
    clearTimeout(timer);
    expect(code).toBe(0);
    const last = [...out.matchAll(/^\s*(\d+) {2}/gm)].map((m) => m[1]).pop();
    expect(saved(state).position).toBe(last);
  });

  it('given a lock left by a tail that died, then the next save takes it over at once', async () => {
    const state = join(tmp, 'orphan');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    writeFileSync(`${state}.lock`, String(dead.pid));
    script = [
      (_req, res) => {
        stream(res);
        res.write(item(3));
      },
    ];
    const tail = spawn(process.execPath, [join(ROOT, 'bin', 'newsroom.js'), 'tail', '--from', '0', '--state', state, '--count', '1'], {
      cwd: tmp,
      env: { ...process.env, NEWSROOM_QUERY_URL: url },
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => tail.on('close', resolve))).toBe(0);
    expect(saved(state).position).toBe('3');
    // Taken over and released, not waited out and left behind.
    expect(() => readFileSync(`${state}.lock`)).toThrow();
  });

  it('given a 503 whose write may have happened, then ingest retries lines with ids and never lines sent without one (--no-content-ids)', async () => {
    const file = join(tmp, 'two.ndjson');
    writeFileSync(
      file,
      ['{"type":"executive.departed","subject":"person:a"}', '{"type":"executive.departed","subject":"person:b"}'].join('\n') + '\n',
    );
    const unknown = (_req: IncomingMessage, res: ServerResponse) =>
      res
        .writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1' })
        .end('{"code":"STORE.TIMEOUT","detail":"the write may or may not have been recorded","recorded":"unknown"}');
    const recorded = (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const { events } = JSON.parse(body) as { events: Array<{ id: string }> };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ results: events.map((e, i) => ({ status: 'created', id: e.id, globalPosition: String(i + 1) })) }));
      });
    };
    const env = { NEWSROOM_INGEST_URL: url, NEWSROOM_API_KEY: 'k' };

    script = [unknown, recorded];
    const withIds = await newsroomCli(['ingest', file], { env, cwd: tmp });
    expect(withIds.out).toMatch(/2 lines, 2 created, 0 duplicate, 0 rejected/);
    expect(withIds.code).toBe(0);
    expect(requests).toHaveLength(2);

    requests.length = 0;
    script = [unknown, recorded];
    const withoutIds = await newsroomCli(['ingest', '--no-content-ids', file], { env, cwd: tmp });
    expect(requests).toHaveLength(1);
    expect(withoutIds.code).toBe(1);
    expect(withoutIds.err).toMatch(/503 STORE.TIMEOUT[\s\S]*not retried: lines sent without an id/);
    script = [];
  });

  /** `newsroom <args> | head -<n>` in bash: what head printed, stderr, and the CLI's own exit status. */
  const piped = async (args: string, lines: number, env: Record<string, string>) => {
    const shell = spawn(
      'bash',
      ['-c', `node ${join(ROOT, 'bin', 'newsroom.js')} ${args} | head -${lines}; echo "status=\${PIPESTATUS[0]}" >&2`],
      { cwd: tmp, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
    shell.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => shell.kill('SIGKILL'), 30_000);
    await new Promise((resolve) => shell.on('close', resolve));
    clearTimeout(timer);
    return { out, err };
  };

  it('given a reader that leaves (| head), then report ends quietly with 0, table and --csv alike, and fetches no more pages', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `2024-09-25,person:p${i},item ${i}`).join('\r\n');
    const csv = (_req: IncomingMessage, res: ServerResponse) =>
      res.writeHead(200, { 'Content-Type': 'text/csv', 'X-Next-Cursor': 'next' }).end(`occurredAt,subject,headline\r\n${rows}\r\n`);
    script = [csv, csv, csv];
    const env = { NEWSROOM_QUERY_URL: url };
    const head = await piped('report timeline --csv', 1, env);
    expect(head.out).toBe('occurredAt,subject,headline\r\n');
    expect(head.err).toMatch(/status=0/);
    expect(head.err).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
    expect(requests.length).toBeLessThanOrEqual(2);

    const items = Array.from({ length: 5_000 }, (_, i) => ({ occurredAt: '2024-09-25', subject: `person:p${i}`, headline: `item ${i}` }));
    script = [(_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ items, next: null }))];
    const table = await piped('report timeline', 3, env);
    expect(table.out.split('\n').filter(Boolean)).toHaveLength(3);
    expect(table.err).toMatch(/status=0/);
    expect(table.err).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
    script = [];
  });

  it('given a reader that leaves (| head -1), then ingest stops reading and ends quietly: no stack trace, no summary', async () => {
    const file = join(tmp, 'many.ndjson');
    writeFileSync(
      file,
      Array.from({ length: 5_000 }, (_, i) => `{"type":"executive.departed","subject":"person:p${i}"}`).join('\n') + '\n',
    );
    const recorded = (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const { events } = JSON.parse(body) as { events: Array<{ id: string }> };
        // Slow enough that head has left before the file is read through.
        setTimeout(() => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ results: events.map((e, i) => ({ status: 'created', id: e.id, globalPosition: String(i + 1) })) }));
        }, 50);
      });
    };
    script = Array.from({ length: 100 }, () => recorded);
    const run = await piped(`ingest --batch-size 50 ${file}`, 1, { NEWSROOM_INGEST_URL: url, NEWSROOM_API_KEY: 'k' });
    expect(run.out).toMatch(/^line 1\s+created\s/);
    expect(run.err).toMatch(/status=0/);
    expect(run.err).not.toMatch(/EPIPE|Error|at .*\.js:\d+|5000 lines/);
    expect(requests.length).toBeLessThan(100);
    script = [];
  });

  it('given a service that answers 413 and closes the connection before reading the batch, then ingest reads the 413, learns the limit and sends the batch cut under it', async () => {
    const file = join(tmp, 'wide.ndjson');
    const line = (i: number) =>
      JSON.stringify({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        type: 'executive.departed',
        pad: 'x'.repeat(600_000),
      });
    writeFileSync(file, [1, 2, 3, 4].map(line).join('\n') + '\n');
    const bodies: number[] = [];
    const tooLarge = (req: IncomingMessage, res: ServerResponse) => {
      bodies.push(Number(req.headers['content-length']));
      res
        .writeHead(413, { 'Content-Type': 'application/problem+json', Connection: 'close' })
        .end('{"code":"REQUEST.TOO_LARGE","detail":"The body exceeds the limit of 1024kb."}');
    };
    const recorded = (req: IncomingMessage, res: ServerResponse) => {
      bodies.push(Number(req.headers['content-length']));
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const { events } = JSON.parse(body) as { events: Array<{ id: string }> };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ results: events.map((e, i) => ({ status: 'created', id: e.id, globalPosition: String(i + 1) })) }));
      });
    };
    script = [tooLarge, recorded, recorded, recorded, recorded];
    const run = await newsroomCli(['ingest', file], { env: { NEWSROOM_INGEST_URL: url, NEWSROOM_API_KEY: 'k' }, cwd: tmp });
    expect(run.err).not.toMatch(/error|EPIPE|ECONNRESET/);
    expect(run.out).toMatch(/wide\.ndjson: 4 lines, 4 created, 0 duplicate, 0 rejected/);
    expect(run.code).toBe(0);
    // The first batch, cut under the default 2048kb (three lines, 1.8 MB), met the 413; then one line a batch,
    // each under the 1024kb the answer named.
    expect(bodies[0]).toBeGreaterThan(1024 * 1024);
    expect(bodies.slice(1).every((n) => n <= 1024 * 1024)).toBe(true);
    expect(bodies).toHaveLength(5);
    script = [];
  });

  it('given a service that resets the connection on a large batch with no answer at all, then ingest sends it in halves (ids make the resend safe)', async () => {
    const file = join(tmp, 'reset.ndjson');
    const line = (i: number) =>
      JSON.stringify({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        type: 'executive.departed',
        pad: 'x'.repeat(600_000),
      });
    writeFileSync(file, [1, 2].map(line).join('\n') + '\n');
    const sizes: number[] = [];
    const reset = (req: IncomingMessage) => {
      sizes.push(Number(req.headers['content-length']));
      req.socket.resetAndDestroy();
    };
    const recorded = (req: IncomingMessage, res: ServerResponse) => {
      sizes.push(Number(req.headers['content-length']));
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const { events } = JSON.parse(body) as { events: Array<{ id: string }> };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ results: events.map((e, i) => ({ status: 'created', id: e.id, globalPosition: String(i + 1) })) }));
      });
    };
    script = [reset, recorded, recorded];
    const run = await newsroomCli(['ingest', file], { env: { NEWSROOM_INGEST_URL: url, NEWSROOM_API_KEY: 'k' }, cwd: tmp });
    expect(run.err).not.toMatch(/error/);
    expect(run.out).toMatch(/reset\.ndjson: 2 lines, 2 created, 0 duplicate, 0 rejected/);
    expect(run.code).toBe(0);
    expect(sizes).toHaveLength(3);
    expect(sizes[1] + sizes[2]).toBeLessThan(sizes[0] + 20);
    script = [];
  });

  it('given a stack.pid left behind whose number now belongs to another process, then stack down leaves that process alone', async () => {
    const runDir = mkdtempSync(join(tmp, 'run-'));
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(runDir, 'stack.pid'), `${stranger.pid}\n`);
      // Ports nothing answers on (the server above is HTTP but not ours: /health/ready answers 500, so use port 1).
      const ports = { INGEST_PORT: '1', RELAY_PORT: '1', PROJECTOR_PORT: '1', QUERY_PORT: '1' };
      const run = await newsroomCli(['stack', 'down'], { env: { NEWSROOM_RUN_DIR: runDir, ...ports }, cwd: tmp });
      expect(run.out).toMatch(/the stack is not running/);
      expect(run.code).toBe(0);
      expect(stranger.exitCode).toBeNull();
      expect(stranger.signalCode).toBeNull();
      expect(() => readFileSync(join(runDir, 'stack.pid'))).toThrow();
    } finally {
      stranger.kill('SIGKILL');
    }
  });
});
