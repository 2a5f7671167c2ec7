import { CatchUpReads } from './catch-up-reads.util';
import type { CatchUpSource } from './feed-subscription.service';

const filter = { types: null, subjects: null, organization: null };

describe('catch-up reads, bounded', () => {
  it('given more catch-ups than the bound, then at most the bound read at once and the rest run in arrival order', async () => {
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const source: CatchUpSource = {
      page: (_f, after) =>
        new Promise((resolve) => {
          started.push(after);
          finish.set(after, () => resolve({ items: [] }));
        }),
    };
    const reads = new CatchUpReads(source, 2);
    const pages = ['1', '2', '3', '4'].map((after) => reads.page(filter, after, 500));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['1', '2']);
    expect(reads.load).toEqual({ running: 2, waiting: 2 });
    finish.get('2')!();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['1', '2', '3']);
    finish.get('1')!();
    finish.get('3')!();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['1', '2', '3', '4']);
    finish.get('4')!();
    await Promise.all(pages);
    expect(reads.load).toEqual({ running: 0, waiting: 0 });
  });

  it('given a read that fails, then its slot is freed and the error reaches its subscriber', async () => {
    let calls = 0;
    const reads = new CatchUpReads({ page: () => (calls++ === 0 ? Promise.reject(new Error('gone')) : Promise.resolve({ items: [] })) }, 1);
    const failed = reads.page(filter, '0', 10);
    const next = reads.page(filter, '0', 10);
    await expect(failed).rejects.toThrow('gone');
    await expect(next).resolves.toEqual({ items: [] });
    expect(reads.load).toEqual({ running: 0, waiting: 0 });
  });
});
