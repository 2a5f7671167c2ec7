import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { SseSink } from './sse.sink';

/** A response whose bytes leave only when the test says so (the kernel taking them), with Node's default 16 KiB mark. */
function heldResponse() {
  const pending: Array<() => void> = [];
  const res = new Writable({
    write(_chunk, _encoding, done) {
      pending.push(done);
    },
  });
  Object.assign(res, { statusCode: 0, setHeader: () => undefined, flushHeaders: () => undefined, socket: null });
  const flush = () => pending.splice(0).forEach((done) => done());
  return { res: res as unknown as ServerResponse, flush };
}

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('SSE sink back-pressure', () => {
  it('given a mark below Node’s own and 2 KB waiting, then a writer is never told to wait for a drain that will not come', async () => {
    const { res, flush } = heldResponse();
    const sink = new SseSink(res, 'en', 1000, 1024);
    res.write(Buffer.alloc(2048));
    expect(res.writableLength).toBeGreaterThanOrEqual(1024);
    // Node owes no 'drain' here (its 16 KiB mark is not reached): waiting for one would hang the subscription.
    expect(sink.full).toBe(false);
    expect(await settled(sink.drained())).toBe(true);
    flush();
  });

  it('given bytes past both marks, then the writer waits, and is released when the bytes leave', async () => {
    const { res, flush } = heldResponse();
    const sink = new SseSink(res, 'en', 1000, 1024);
    res.write(Buffer.alloc(20 * 1024));
    expect(sink.full).toBe(true);
    const waiting = sink.drained();
    expect(await settled(waiting)).toBe(false);
    flush();
    flush();
    expect(await settled(waiting)).toBe(true);
    expect(sink.full).toBe(false);
  });

  it('given a mark above Node’s, then it is the one that counts: 20 KB waiting is not full under a 64 KB mark', async () => {
    const { res, flush } = heldResponse();
    const sink = new SseSink(res, 'en', 1000, 64 * 1024);
    res.write(Buffer.alloc(20 * 1024));
    expect(res.writableNeedDrain).toBe(true);
    expect(sink.full).toBe(false);
    res.write(Buffer.alloc(50 * 1024));
    expect(sink.full).toBe(true);
    flush();
    flush();
  });
});
