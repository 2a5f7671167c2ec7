import fc from 'fast-check';
import { FeedFilter, scopeFeedFilter } from './feed-query.reader';
import { FeedRow } from './feed.repository';
import { EndReason, FeedSink, FeedSubscription, SubscriptionHooks } from './feed-subscription.service';
import { FeedBurst } from './feed-burst.builder';
import { FeedGroup } from './feed-groups.registry';

const row = (position: number, type = 'executive.departed', subject = 'person:a'): FeedRow =>
  ({
    position: String(position),
    pos: BigInt(position),
    type,
    subject,
    subjects: [subject, 'org:openai'],
    organizations: ['org:openai'],
    targetType: null,
    recordedMs: 0,
  }) as FeedRow;

const noFilter: FeedFilter = { types: null, subjects: null, organization: null };

/**
 * A sink that records what it got, and each write; `full` makes a write take one item only (as a socket at its
 * mark does) and `drained()` wait until `drain()` is called.
 */
class RecordingSink implements FeedSink {
  readonly positions: number[] = [];
  readonly writes: number[][] = [];
  ended: EndReason | null = null;
  full = false;
  heartbeats = 0;
  private waiting: Array<() => void> = [];
  write(items: readonly FeedRow[], from: number) {
    const next = this.full ? from + 1 : items.length;
    this.record(items.slice(from, next));
    return next;
  }
  writeBurst(burst: FeedBurst, from: number) {
    this.record(burst.items.slice(from));
  }
  private record(items: readonly FeedRow[]) {
    this.writes.push(items.map((i) => Number(i.position)));
    this.positions.push(...items.map((i) => Number(i.position)));
  }
  heartbeat() {
    this.heartbeats++;
  }
  close(reason: EndReason) {
    this.ended = reason;
    this.drain();
  }
  drained() {
    return this.full ? new Promise<void>((r) => this.waiting.push(r)) : Promise.resolve();
  }
  drain() {
    this.full = false;
    this.waiting.splice(0).forEach((r) => r());
  }
  get pendingDrains() {
    return this.waiting.length;
  }
}

const hooks = (ended: EndReason[] = [], peaks: number[] = []): SubscriptionHooks => ({
  written: () => undefined,
  queued: (n) => peaks.push(n),
  ended: (r) => ended.push(r),
});

/** A small seeded generator: the same seed replays the same interleaving. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

// A macrotask turn runs every pending promise continuation first.
const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A model of the read model and its tail: items at positions 1..n (some positions never used, as aborted appends
 * leave), a watermark that moves up, and page reads that complete at moments the test chooses, while the tail
 * broadcasts what the watermark uncovers.
 */
class World {
  watermark = 0;
  private pending: Array<() => void> = [];
  private readonly group: FeedGroup<FeedSubscription>;
  constructor(
    readonly items: FeedRow[],
    private readonly subscription: () => FeedSubscription,
    filter: FeedFilter = noFilter,
  ) {
    this.group = new FeedGroup('test', filter, 'en', { membersOf: (subject: string) => [subject] });
  }
  readonly source = {
    page: (filter: FeedFilter, after: string, limit: number) =>
      new Promise<{ items: FeedRow[] }>((resolve) => {
        // The read happens when the test lets it: it sees the watermark of that moment.
        this.pending.push(() => {
          const w = this.watermark;
          const items = this.items.filter(
            (i) => i.pos > BigInt(after) && i.pos <= BigInt(w) && (!filter.types || filter.types.includes(i.type)),
          );
          resolve({ items: items.slice(0, limit) });
        });
      }),
  };
  advance(by: number, max: number) {
    const from = this.watermark;
    this.watermark = Math.min(max, this.watermark + by);
    // One broadcast, as the tail makes it: the items the watermark uncovered, matched once for the group.
    const burst = this.group.burst(this.items.filter((i) => i.pos > BigInt(from) && i.pos <= BigInt(this.watermark)));
    if (burst) this.subscription().offer(burst);
  }
  completeRead(): boolean {
    const next = this.pending.shift();
    next?.();
    return !!next;
  }
}

describe('FeedSubscription: history, then live, no gap and no duplicate', () => {
  it('given reads and broadcasts interleaved at random, with a full socket now and then and a queue that overflows during catch-up, then the client gets exactly the matching items in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 30 }),
        async (seed, maxQueued, pageSize, after) => {
          const rand = mulberry32(seed);
          const max = 80;
          const items = Array.from({ length: max }, (_, i) => i + 1)
            .filter(() => rand(5) > 0)
            .map((p) => row(p, rand(3) === 0 ? 'headcount.reported' : 'executive.departed'));
          const filter: FeedFilter = { ...noFilter, types: ['executive.departed'] };
          const sink = new RecordingSink();
          const ended: EndReason[] = [];
          // The watermark already moved before the client came: history exists.
          const world: World = new World(items, () => subscription, filter);
          world.watermark = rand(max);
          const subscription = new FeedSubscription(filter, BigInt(after), sink, maxQueued, hooks(ended));
          const run = subscription.run(world.source, pageSize);
          for (let step = 0; step < 400; step++) {
            const choice = rand(6);
            if (choice === 0) world.advance(1 + rand(3), max);
            else if (choice <= 2) world.completeRead();
            else if (choice === 3) sink.full = rand(2) === 0;
            else sink.drain();
            await flushMicrotasks();
          }
          // Let it settle: everything recorded, every read answered, the socket drained.
          world.advance(max, max);
          while (!subscription.isLive && !subscription.closed) {
            sink.drain();
            world.completeRead();
            await flushMicrotasks();
          }
          sink.drain();
          await flushMicrotasks();
          await Promise.race([run, flushMicrotasks()]);
          const expected = items.filter((i) => i.type === 'executive.departed' && i.pos > BigInt(after)).map((i) => Number(i.position));
          if (ended.length) {
            // Dropped as too slow once live: what it got is a gapless prefix it can resume from.
            expect(ended[0].code).toBe('FEED.SLOW_CONSUMER');
            expect(sink.positions).toEqual(expected.slice(0, sink.positions.length));
          } else {
            expect(sink.positions).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
    // 300 random runs: about 2 s alone, several times that beside other test files on two cores.
  }, 60000);

  it('given a long history and a tiny queue, when the live queue overflows during catch-up, then history is read on from the database and nothing is lost', async () => {
    const items = Array.from({ length: 50 }, (_, i) => row(i + 1));
    const sink = new RecordingSink();
    const world = new World(items, () => subscription);
    world.watermark = 10;
    const subscription = new FeedSubscription(noFilter, 0n, sink, 2, hooks());
    void subscription.run(world.source, 3);
    world.advance(30, 50); // 30 items broadcast while history has not been read at all: the queue overflows
    while (world.completeRead()) await flushMicrotasks();
    world.advance(10, 50);
    await flushMicrotasks();
    expect(subscription.isLive).toBe(true);
    expect(sink.positions).toEqual(items.slice(0, 50).map((i) => Number(i.position)));
  });

  it('given the queue overflows while the last history page is still being written, then history is read again from there instead of skipping what was emptied', async () => {
    const items = Array.from({ length: 20 }, (_, i) => row(i + 1));
    const sink = new RecordingSink();
    const world = new World(items, () => subscription);
    world.watermark = 5;
    const subscription = new FeedSubscription(noFilter, 0n, sink, 2, hooks());
    sink.full = true;
    void subscription.run(world.source, 10);
    world.completeRead(); // a short page, 1..5: the last one, as far as the reader knows
    await flushMicrotasks();
    world.advance(10, 20); // 6..15 broadcast while item 1 waits for the socket: the queue overflows
    sink.drain();
    await flushMicrotasks();
    while (world.completeRead()) await flushMicrotasks();
    world.advance(5, 20);
    await flushMicrotasks();
    expect(sink.positions).toEqual(items.map((i) => Number(i.position)));
  });

  it('given a live client that stops reading, when more than the bound is waiting, then it is dropped with FEED.SLOW_CONSUMER and its queue never held more than the bound', async () => {
    const sink = new RecordingSink();
    const ended: EndReason[] = [];
    const peaks: number[] = [];
    const subscription = new FeedSubscription(noFilter, 0n, sink, 5, hooks(ended, peaks));
    await subscription.run({ page: async () => ({ items: [] }) });
    sink.full = true;
    for (let p = 1; p <= 20; p++) {
      subscription.offer(new FeedBurst([row(p)], 'en'));
      await flushMicrotasks();
    }
    expect(ended).toEqual([expect.objectContaining({ code: 'FEED.SLOW_CONSUMER' })]);
    expect(sink.ended?.code).toBe('FEED.SLOW_CONSUMER');
    expect(Math.max(...peaks)).toBeLessThanOrEqual(5);
    expect(subscription.closed).toBe(true);
    expect(sink.positions).toEqual([1]); // the first write filled the socket; nothing was written past it
  });

  it('given a client whose socket has taken nothing for longer than the stall timeout, when the hub ticks, then it is dropped with FEED.STALLED; an idle healthy one gets a heartbeat', async () => {
    const stuck = new RecordingSink();
    const ended: EndReason[] = [];
    stuck.full = true;
    const subscription = new FeedSubscription(noFilter, 0n, stuck, 100, hooks(ended));
    void subscription.run({ page: async () => ({ items: [row(1)] }) });
    await flushMicrotasks();
    subscription.tick(Date.now() + 500, 1000);
    expect(ended).toEqual([]);
    subscription.tick(Date.now() + 2000, 1000);
    expect(ended[0].code).toBe('FEED.STALLED');

    const idle = new RecordingSink();
    const healthy = new FeedSubscription(noFilter, 0n, idle, 100, hooks());
    await healthy.run({ page: async () => ({ items: [] }) });
    healthy.tick(Date.now() + 60000, 1000);
    expect(idle.heartbeats).toBe(1);
  });

  it('given a client that leaves during catch-up, then no further history page is read', async () => {
    const sink = new RecordingSink();
    let reads = 0;
    const subscription = new FeedSubscription(noFilter, 0n, sink, 100, hooks());
    const source = {
      page: async (_f: FeedFilter, after: string) => {
        reads++;
        if (reads === 2) subscription.close();
        return { items: Array.from({ length: 10 }, (_, i) => row(Number(after) + i + 1)) };
      },
    };
    await subscription.run(source, 10);
    expect(reads).toBe(2);
    expect(sink.positions).toHaveLength(10);
  });

  it('given a long catch-up, then the first page read is small, so the first items go out before a whole page is read; then full pages, in order, each once', async () => {
    const sink = new RecordingSink();
    const sizes: number[] = [];
    const subscription = new FeedSubscription(noFilter, 0n, sink, 100, hooks());
    const head = 1234;
    const source = {
      page: async (_f: FeedFilter, after: string, limit: number) => {
        sizes.push(limit);
        const from = Number(after) + 1;
        return { items: Array.from({ length: Math.max(0, Math.min(limit, head - from + 1)) }, (_, i) => row(from + i)) };
      },
    };
    await subscription.run(source);
    expect(sizes).toEqual([50, 500, 500, 500]);
    expect(sink.positions).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  });

  it('given the database fails during catch-up, then the client is told FEED.UNAVAILABLE and can resume', async () => {
    const sink = new RecordingSink();
    const ended: EndReason[] = [];
    const subscription = new FeedSubscription(noFilter, 0n, sink, 100, hooks(ended));
    await subscription.run({ page: async () => Promise.reject(new Error('connection reset')) });
    expect(sink.ended?.code).toBe('FEED.UNAVAILABLE');
    expect(ended).toHaveLength(1);
  });

  it('given a live subscription by subject, when a merge rescopes its group, then items of the merged subject flow from then on', async () => {
    const sink = new RecordingSink();
    const filter: FeedFilter = { ...noFilter, subjects: ['person:sam-altman'] };
    const sam = ['person:sam-altman', 'person:samuel-altman'];
    const alone = { membersOf: (subject: string) => [subject] };
    const merged = { membersOf: (subject: string) => (sam.includes(subject) ? sam : [subject]) };
    const group = new FeedGroup<FeedSubscription>('test', filter, 'en', alone);
    const subscription = new FeedSubscription(filter, 0n, sink, 100, hooks());
    const seen: FeedFilter[] = [];
    await subscription.run({ page: async (f) => (seen.push(f), { items: [] }) });
    expect(seen[0]).toBe(filter);
    const offer = (r: FeedRow) => {
      const burst = group.burst([r]);
      if (burst) subscription.offer(burst);
    };
    offer(row(1, 'executive.departed', 'person:samuel-altman'));
    group.rescope(merged);
    subscription.rescope(scopeFeedFilter(filter, merged));
    offer(row(2, 'entity.merged', 'person:samuel-altman'));
    offer(row(3, 'executive.departed', 'person:sam-altman'));
    expect(sink.positions).toEqual([2, 3]);
    expect(subscription.filter).toBe(filter);
  });
});
