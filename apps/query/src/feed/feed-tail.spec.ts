import { Logger } from '@nestjs/common';
import { FeedRepository, FeedRow } from './feed.repository';
import { FeedTail } from './feed-tail.service';

const row = (position: number) => ({ position: String(position), pos: BigInt(position) }) as unknown as FeedRow;

describe('the feed tail', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('given a broadcast that throws, then the position does not move and the next wake-up hands the same items on: none is skipped', async () => {
    let watermark = '0';
    const log: FeedRow[] = [];
    const repository = {
      watermark: async () => watermark,
      page: async (_filter: unknown, after: string) => ({ items: log.filter((r) => r.pos > BigInt(after)), watermark }),
    } as unknown as FeedRepository;
    const handed: string[][] = [];
    let failNext = true;
    // Nothing listens on port 1: LISTEN fails and is retried; the test pokes the tail itself.
    const tail = new FeedTail(repository, 'postgres://127.0.0.1:1/none', 60_000, (items) => {
      handed.push(items.map((i) => i.position));
      if (failNext) {
        failNext = false;
        throw new Error('a broadcast bug');
      }
    });
    await tail.start();
    try {
      log.push(row(1), row(2));
      watermark = '2';
      tail.poke();
      await until(() => tail.lastError !== null);
      expect(tail.lastError).toBe('a broadcast bug');
      expect(tail.broadcastPosition).toBe('0');
      tail.poke();
      await until(() => tail.broadcastPosition === '2');
      expect(handed).toEqual([
        ['1', '2'],
        ['1', '2'],
      ]);
    } finally {
      await tail.stop();
    }
  });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!done()) throw new Error('timed out');
}
