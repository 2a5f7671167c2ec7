import { RecentMap } from './recent-map.util';

describe('RecentMap', () => {
  it('given more keys than a generation holds, then it keeps at least the most recent generation and at most two', () => {
    const map = new RecentMap<number, string>(3);
    for (let i = 0; i < 10; i++) map.set(i, `v${i}`);
    const kept = Array.from({ length: 10 }, (_, i) => i).filter((i) => map.has(i));
    expect(kept).toEqual([6, 7, 8, 9]);
    expect(map.get(9)).toBe('v9');
    expect(map.get(0)).toBeUndefined();
  });

  it('given a key read from the old generation, then it is kept with the young one', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3); // a and b are now the old generation
    expect(map.get('a')).toBe(1); // back in the young one, beside c
    map.set('d', 4); // young (c, a) is full: it becomes old, b goes
    expect([map.has('a'), map.has('b'), map.has('c'), map.has('d')]).toEqual([true, false, true, true]);
  });

  it('given a key set again or deleted, then no older value of it comes back', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    map.set('a', 10);
    expect(map.get('a')).toBe(10);
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
    map.set('b', 20);
    map.delete('b');
    expect(map.has('b')).toBe(false);
  });

  it('given 0 keys a generation, then it keeps nothing', () => {
    const map = new RecentMap<string, number>(0);
    map.set('a', 1);
    expect(map.has('a')).toBe(false);
  });
});
