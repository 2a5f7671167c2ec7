import { metricsRegistry } from '@newsroom/platform';
import { QueryConfig } from '../config/query.config';
import { FeedRepository, FeedRow } from './feed.repository';
import { FeedBurst, sseFrame, wsMessage } from './feed-burst.builder';
import { FeedGroups } from './feed-groups.registry';
import { FeedHub } from './feed-hub.service';
import { EndReason, FeedSink } from './feed-subscription.service';
import { EntityLinksRepository } from '../reports/shared/entity-links.repository';

/** No entity is merged: each subject stands for itself. */
const alone = { membersOf: (subject: string) => [subject] };
const noLinks = { standing: async () => [] } as unknown as EntityLinksRepository;

const item = (position: number, over: Partial<FeedRow> = {}): FeedRow => ({
  position: String(position),
  pos: BigInt(position),
  eventId: `e-${position}`,
  type: 'executive.departed',
  subject: 'person:a',
  organizations: ['org:openai'],
  occurredAt: null,
  recordedAt: '2026-11-29T12:00:00.000Z',
  recordedMs: Date.now() - 20,
  headlineEn: `Item ${position} departs`,
  headlineFr: `L'élément ${position} s'en va — départ`,
  data: {},
  sources: [],
  inferred: [],
  modality: 'reported',
  status: 'current',
  targetEventId: null,
  correlationId: null,
  corroboration: [],
  targetType: null,
  conflictsWith: [],
  conflictUpdates: [],
  // As the projector keeps them: the stream subject, then the organizations the item names.
  subjects: [...new Set([over.subject ?? 'person:a', ...(over.organizations ?? ['org:openai'])])],
  ...over,
});

/** A sink recording its writes: each entry is the positions one transport write carried. */
class Sink implements FeedSink {
  readonly writes: number[][] = [];
  full = false;
  write(items: readonly FeedRow[], from: number) {
    this.writes.push(items.slice(from).map((i) => Number(i.position)));
    return items.length;
  }
  writeBurst(burst: FeedBurst, from: number) {
    this.writes.push(burst.items.slice(from).map((i) => Number(i.position)));
  }
  heartbeat() {}
  close(reason: EndReason) {
    void reason;
  }
  drained() {
    return Promise.resolve();
  }
  get positions() {
    return this.writes.flat();
  }
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('FeedBurst: a group burst encoded once', () => {
  it('given items with non-ASCII headlines, then the SSE chunk from any item is exactly the frames from there, and the WebSocket messages are one per item', () => {
    const items = [item(3), item(5), item(9)];
    const burst = new FeedBurst(items, 'fr');
    for (let from = 0; from < items.length; from++)
      expect(burst.sseFrom(from).toString('utf8')).toBe(
        items
          .slice(from)
          .map((i) => sseFrame(i, 'fr'))
          .join(''),
      );
    expect(burst.sseFrom(0).toString()).toContain('"headline":"L\'élément 3 s\'en va — départ"');
    expect(burst.wsMessages().map((m) => m.toString('utf8'))).toEqual(items.map((i) => wsMessage(i, 'fr')));
    expect(JSON.parse(burst.wsMessages()[1].toString())).toMatchObject({ type: 'item', position: '5', item: { position: '5' } });
  });

  it('finds the first item after a position by its position, gaps included', () => {
    const burst = new FeedBurst([item(3), item(5), item(9)], 'en');
    expect([0n, 3n, 4n, 5n, 8n, 9n, 100n].map((p) => burst.firstAfter(p))).toEqual([0, 1, 1, 2, 2, 3, 3]);
  });
});

describe('FeedGroups', () => {
  it('puts the same language and filter in one group whatever the order of its lists, and drops a group when its last member leaves', () => {
    const groups = new FeedGroups<string>();
    const a = groups.join('a', { types: ['executive.departed', 'headcount.reported'], subjects: null, organization: null }, 'en', alone);
    const b = groups.join('b', { types: ['headcount.reported', 'executive.departed'], subjects: null, organization: null }, 'en', alone);
    const c = groups.join('c', { types: ['headcount.reported', 'executive.departed'], subjects: null, organization: null }, 'fr', alone);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(groups.size).toBe(2);
    groups.leave('a', a);
    groups.leave('b', b);
    expect(groups.size).toBe(1);
  });
});

const hubConfig = {
  DATABASE_URL: 'postgres://unused',
  FEED_POLL_MS: 1000,
  FEED_MAX_BUFFERED_ITEMS: 2000,
  FEED_MAX_SUBSCRIBERS: 100000,
  FEED_HEARTBEAT_MS: 15000,
  FEED_STALL_TIMEOUT_MS: 60000,
};

describe('FeedHub: one write per subscriber per burst', () => {
  const config = hubConfig as QueryConfig;
  const empty = { page: async () => ({ items: [], watermark: '0' }) } as unknown as FeedRepository;
  const lagCount = async (transport: string) => {
    const metric = (await metricsRegistry.getSingleMetric('feed_delivery_lag_seconds')!.get()).values;
    return (
      (metric as Array<{ metricName?: string; labels: Record<string, unknown>; value: number }>).find(
        (v) => v.metricName === 'feed_delivery_lag_seconds_count' && v.labels.transport === transport,
      )?.value ?? 0
    );
  };

  it('given many live subscribers in a few filter groups, when a burst is broadcast, then each gets its matching items in one write and delivery lag is sampled once per group and transport', async () => {
    const hub = new FeedHub(config, empty, noLinks);
    const all = Array.from({ length: 300 }, () => new Sink());
    const departures = Array.from({ length: 300 }, () => new Sink());
    const openaiFr = Array.from({ length: 300 }, () => new Sink());
    all.forEach((s) => hub.subscribe({ types: null, subjects: null, organization: null, lang: 'en' }, '0', s, 'sse'));
    departures.forEach((s, i) =>
      hub.subscribe({ types: ['executive.departed'], subjects: null, organization: null, lang: 'en' }, '0', s, i % 2 ? 'ws' : 'sse'),
    );
    openaiFr.forEach((s) => hub.subscribe({ types: null, subjects: null, organization: 'org:openai', lang: 'fr' }, '0', s, 'sse'));
    await flush();
    const before = { sse: await lagCount('sse'), ws: await lagCount('ws') };

    const items = Array.from({ length: 50 }, (_, i) =>
      item(i + 1, {
        type: i % 2 ? 'executive.departed' : 'headcount.reported',
        organizations: i % 5 ? ['org:openai'] : ['org:anthropic'],
      }),
    );
    hub['broadcast'](items, '50');

    const positions = (pick: (i: FeedRow) => boolean) => items.filter(pick).map((i) => Number(i.position));
    for (const s of all) expect(s.writes).toEqual([positions(() => true)]);
    for (const s of departures) expect(s.writes).toEqual([positions((i) => i.type === 'executive.departed')]);
    for (const s of openaiFr) expect(s.writes).toEqual([positions((i) => i.organizations.includes('org:openai'))]);
    // Three groups; SSE in all three, WebSocket in one: four lag samples, not one per delivery.
    expect((await lagCount('sse')) - before.sse).toBe(3);
    expect((await lagCount('ws')) - before.ws).toBe(1);
  });

  it('given a subscriber whose history went past the tail, then a burst gives it only what it does not have, and the next burst all of it', async () => {
    const hub = new FeedHub(config, empty, noLinks);
    const ahead = new Sink();
    const behind = new Sink();
    hub.subscribe({ types: null, subjects: null, organization: null, lang: 'en' }, '7', ahead, 'sse');
    hub.subscribe({ types: null, subjects: null, organization: null, lang: 'en' }, '0', behind, 'sse');
    await flush();
    hub['broadcast']([item(5), item(7), item(9), item(10)], '10');
    hub['broadcast']([item(11), item(12)], '12');
    expect(ahead.writes).toEqual([
      [9, 10],
      [11, 12],
    ]);
    expect(behind.writes).toEqual([
      [5, 7, 9, 10],
      [11, 12],
    ]);
  });

  it('given a subscriber whose socket is full, then the bursts that arrive meanwhile go out in one write once it drains', async () => {
    const hub = new FeedHub(config, empty, noLinks);
    let release: () => void = () => undefined;
    const slow = new Sink();
    slow.drained = () => new Promise<void>((resolve) => (release = resolve));
    hub.subscribe({ types: null, subjects: null, organization: null, lang: 'en' }, '0', slow, 'ws');
    await flush();
    slow.full = true;
    hub['broadcast']([item(1), item(2)], '2');
    hub['broadcast']([item(3)], '3');
    hub['broadcast']([item(4), item(5)], '5');
    slow.full = false;
    release();
    await flush();
    expect(slow.writes).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });
});

describe('FeedHub: a client resuming at the head', () => {
  it('given the tail is running at position 10, when a client subscribes after 10, then no history is read and it is live at once; after 9 it reads history', async () => {
    let reads = 0;
    const repository = {
      watermark: async () => '10',
      page: async () => {
        reads++;
        return { items: [item(10)], watermark: '10' };
      },
    } as unknown as FeedRepository;
    const hub = new FeedHub({ ...hubConfig, FEED_POLL_MS: 60000 } as QueryConfig, repository, noLinks);
    const tail = hub['tail'];
    tail['listen'] = async () => undefined; // no LISTEN connection in a unit test
    await tail.start();
    try {
      const head = new Sink();
      const subscription = hub.subscribe({ types: null, subjects: null, organization: null, lang: 'en' }, '10', head, 'sse');
      expect(subscription?.isLive).toBe(true);
      expect(reads).toBe(0);
      const behind = new Sink();
      hub.subscribe({ types: null, subjects: null, organization: null, lang: 'en' }, '9', behind, 'sse');
      await flush();
      expect(reads).toBe(1);
      hub['broadcast']([item(11)], '11');
      expect(head.positions).toEqual([11]);
      expect(behind.positions).toEqual([10, 11]);
    } finally {
      await tail.stop();
    }
  });
});

describe('FeedHub: the tail while no one subscribes', () => {
  const merge = (position: number) => item(position, { type: 'entity.merged', subject: 'org:openai-global', data: { into: 'org:openai' } });
  /** A repository whose reads answer from a log of items cut at `watermark`, as FeedRepository.page does. */
  const logOf = (log: FeedRow[], watermark: string) => {
    const reads: Array<{ types: string[] | null; after: string }> = [];
    let gate: Promise<void> | null = null;
    const repository = {
      watermark: async () => '0',
      page: async (filter: { types: string[] | null }, after: string) => {
        reads.push({ types: filter.types, after });
        if (gate) await gate;
        const items = log.filter((i) => i.pos > BigInt(after) && (!filter.types || filter.types.includes(i.type)));
        return { items, watermark };
      },
    } as unknown as FeedRepository;
    return {
      repository,
      reads,
      hold: (until: Promise<void>) => {
        gate = until;
      },
      release: () => {
        gate = null;
      },
    };
  };
  const started = async (repository: FeedRepository) => {
    const hub = new FeedHub({ ...hubConfig, FEED_POLL_MS: 60000 } as QueryConfig, repository, noLinks);
    const tail = hub['tail'];
    tail['listen'] = async () => undefined; // no LISTEN connection in a unit test
    await hub.onApplicationBootstrap();
    return { hub, tail, stop: () => hub.onApplicationShutdown().then(() => hub.beforeApplicationShutdown()) };
  };

  it('given no subscriber, when items arrive, then the tail reads only merges and unmerges, moves to the watermark, and a merge read then widens a later subscriber', async () => {
    const log = logOf([item(1), merge(2), item(3, { subject: 'org:openai-global', organizations: ['org:openai-global'] })], '3');
    const { hub, tail, stop } = await started(log.repository);
    try {
      tail.poke();
      await tail['busy'];
      expect(log.reads).toEqual([{ types: ['entity.merged', 'entity.unmerged'], after: '0' }]);
      expect(tail.broadcastPosition).toBe('3');
      // The merge read while no one listened stands: a subscriber to org:openai now takes its merged subject's items.
      const sink = new Sink();
      hub.subscribe({ types: null, subjects: null, organization: 'org:openai', lang: 'en' }, '3', sink, 'sse');
      hub['broadcast']([item(4, { subject: 'org:openai-global', organizations: ['org:openai-global'] })], '4');
      expect(sink.positions).toEqual([4]);
    } finally {
      await stop();
    }
  });

  it('given a subscriber to one side, when the other side is merged into it and later unmerged, then it gets the merge, the merged side between, and the unmerge, and nothing after', async () => {
    const log = logOf([], '0');
    const { hub, stop } = await started(log.repository);
    try {
      const sink = new Sink();
      hub.subscribe({ types: null, subjects: ['org:openai'], organization: null, lang: 'en' }, '0', sink, 'sse');
      await flush();
      const global = { subject: 'org:openai-global', organizations: ['org:openai-global'] };
      const unmerge = (position: number) =>
        item(position, { type: 'entity.unmerged', subject: 'org:openai-global', data: { from: 'org:openai' }, organizations: [] });
      hub['broadcast']([item(1, global), merge(2), item(3, global), unmerge(4), item(5, global)], '5');
      expect(sink.positions).toEqual([2, 3, 4]);
      // A merge and an unmerge in bursts of their own: the same.
      hub['broadcast']([merge(6)], '6');
      hub['broadcast']([item(7, global)], '7');
      hub['broadcast']([unmerge(8)], '8');
      hub['broadcast']([item(9, global)], '9');
      expect(sink.positions).toEqual([2, 3, 4, 6, 7, 8]);
    } finally {
      await stop();
    }
  });

  it('given a client subscribes at the head while the tail is reading with no one subscribed, then that range is read again whole and the client gets all of it', async () => {
    const log = logOf([item(1), item(2), merge(3), item(4)], '4');
    let open: () => void = () => undefined;
    log.hold(new Promise<void>((resolve) => (open = resolve)));
    const { hub, tail, stop } = await started(log.repository);
    try {
      tail.poke();
      await flush();
      expect(log.reads).toEqual([{ types: ['entity.merged', 'entity.unmerged'], after: '0' }]);
      // The tail is still at 0: the client goes live there, with no history to read.
      const sink = new Sink();
      const subscription = hub.subscribe(
        { types: null, subjects: null, organization: null, lang: 'en' },
        tail.broadcastPosition,
        sink,
        'sse',
      );
      expect(subscription?.isLive).toBe(true);
      log.release();
      open();
      await tail['busy'];
      expect(log.reads).toEqual([
        { types: ['entity.merged', 'entity.unmerged'], after: '0' },
        { types: null, after: '0' },
      ]);
      expect(sink.positions).toEqual([1, 2, 3, 4]);
      expect(tail.broadcastPosition).toBe('4');
    } finally {
      await stop();
    }
  });
});
