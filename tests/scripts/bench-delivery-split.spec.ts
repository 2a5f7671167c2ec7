import { deliverySplit } from '../../bench/src/measures/delivery.measure';

// The bench's end-to-end figures say where a slow frame's time went: before the first subscriber had the item (the
// pipeline, up to the query service's fan-out), or after it (the fan-out to the others and the clients reading).
describe('bench: the delivery split, item by item', () => {
  it('takes each item earliest frame as the pipeline and its latest frame beyond that as the fan-out', () => {
    const normal = (n: number) => Array.from({ length: n }, (_, i): [string, [number, number]] => [`item-${i}`, [20, 25]]);
    // 98 items: the first frame after 20 ms, the last 5 ms later; two held up before the fan-out, late for everyone
    // (nearest rank: the 99th of 100).
    const upstream = new Map([...normal(98), ['late-1', [180, 190]], ['late-2', [170, 176]]] as Array<[string, [number, number]]>);
    expect(deliverySplit(upstream)).toEqual({ items: 100, firstP50: 20, firstP99: 170, spreadP50: 5, spreadP99: 6 });
    // Two items one subscriber got long after the first had them: the fan-out's tail.
    const fanOut = new Map([...normal(98), ['late-1', [20, 400]], ['late-2', [21, 300]]] as Array<[string, [number, number]]>);
    expect(deliverySplit(fanOut)).toEqual({ items: 100, firstP50: 20, firstP99: 20, spreadP50: 5, spreadP99: 279 });
  });

  it('is not a number when nothing arrived', () => {
    expect(deliverySplit(new Map())).toEqual({ items: 0, firstP50: NaN, firstP99: NaN, spreadP50: NaN, spreadP99: NaN });
    expect(deliverySplit(undefined).items).toBe(0);
  });
});
