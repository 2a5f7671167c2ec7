import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { ProblemError } from '@newsroom/platform';
import type { QueryConfig } from '../../config/query.config';
import type { FeedHub } from '../../feed/feed-hub.service';
import { READ_MODELS, ReadModelFreshness } from './read-model-freshness.service';

/** The hub as the freshness sees it: a position that moves, and listeners told of each move. */
class FakeHub {
  position = '10';
  private readonly listeners: Array<(p: string) => void> = [];
  onPositionMoved(listener: (p: string) => void) {
    this.listeners.push(listener);
  }
  move(to: string) {
    this.position = to;
    for (const l of this.listeners) l(to);
  }
}

function setUp(waitMs = 200, backfilling: string[] = []) {
  const hub = new FakeHub();
  const reads = { count: 0 };
  const db = {
    query: async () => {
      reads.count++;
      return backfilling.map((projection) => ({ projection }));
    },
  } as unknown as DataSource;
  const freshness = new ReadModelFreshness({ QUERY_MIN_POSITION_WAIT_MS: waitMs } as QueryConfig, db, hub as unknown as FeedHub);
  const headers: Record<string, string> = {};
  const res = { setHeader: (k: string, v: string) => void (headers[k] = v) } as unknown as Response;
  return { hub, freshness, res, headers, reads };
}

describe('ReadModelFreshness', () => {
  it('answers at once when the position is reached, and says the position the answer holds', async () => {
    const { freshness, res, headers } = setUp();
    await freshness.settle(res, '10', READ_MODELS.leadership);
    expect(headers).toEqual({ 'Newsroom-Position': '10' });
  });

  it('waits for the tail to move past minPosition, woken by the move', async () => {
    const { hub, freshness, res, headers } = setUp(5000);
    const settled = freshness.settle(res, '12', READ_MODELS.departures);
    let done = false;
    void settled.then(() => (done = true));
    hub.move('11');
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    hub.move('15');
    await settled;
    expect(headers['Newsroom-Position']).toBe('15');
  });

  it('gives up after QUERY_MIN_POSITION_WAIT_MS with 503 READ_MODEL.BEHIND, naming both positions and minPosition in errors', async () => {
    const { freshness, res } = setUp(50);
    const error = (await freshness.settle(res, '99', READ_MODELS.timeline).catch((e) => e)) as ProblemError;
    expect(error).toBeInstanceOf(ProblemError);
    expect(error.status).toBe(503);
    const body = error.toBody();
    expect(body).toMatchObject({ code: 'READ_MODEL.BEHIND', position: '10', minPosition: '99', retryAfter: 1 });
    // The parameter that asked for the position, as every other problem names the fields it is about.
    expect(body.errors).toEqual([{ path: 'minPosition', message: 'not reached yet: the read models hold every event up to position 10' }]);
  });

  it('with a wait of 0 answers 503 at once', async () => {
    const { freshness, res } = setUp(0);
    await expect(freshness.settle(res, '11', READ_MODELS.timeline)).rejects.toMatchObject({ code: 'READ_MODEL.BEHIND' });
  });

  it('names the backfilling read models an answer draws on, from one read shared for a second', async () => {
    const { freshness, res, headers, reads } = setUp(200, ['departures']);
    await Promise.all([freshness.settle(res, null, READ_MODELS.departures), freshness.partial(READ_MODELS.leadership)]);
    expect(headers['Newsroom-Partial']).toBe('departures');
    expect(await freshness.partial(READ_MODELS.leadership)).toEqual([]);
    expect(reads.count).toBe(1);
  });

  it('tags a partial answer so no revalidation of it is ever answered 304, and leaves whole answers to Express', async () => {
    const first = setUp(200, ['leadership']);
    await first.freshness.settle(first.res, null, READ_MODELS.leadership);
    const second = setUp(200, ['leadership']);
    await second.freshness.settle(second.res, null, READ_MODELS.leadership);
    expect(first.headers.ETag).toMatch(/^W\/"partial-[\w-]+"$/);
    expect(second.headers.ETag).not.toBe(first.headers.ETag);
    const whole = setUp(200, []);
    await whole.freshness.settle(whole.res, null, READ_MODELS.leadership);
    expect(whole.headers.ETag).toBeUndefined();
  });
});
