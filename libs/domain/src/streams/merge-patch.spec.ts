import { sameJsonValue } from './merge-patch.util';

describe('sameJsonValue', () => {
  it('given objects with the same keys in another order, then equal; arrays keep their order', () => {
    expect(sameJsonValue({ a: 1, b: { c: ['x', 'y'] } }, { b: { c: ['x', 'y'] }, a: 1 })).toBe(true);
    expect(sameJsonValue({ c: ['x', 'y'] }, { c: ['y', 'x'] })).toBe(false);
  });

  it('given a key more, a missing key, another type or null, then not equal', () => {
    expect(sameJsonValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJsonValue({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(sameJsonValue({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameJsonValue({ a: null }, { a: {} })).toBe(false);
    expect(sameJsonValue([], {})).toBe(false);
  });

  it('given objects of another realm or without a prototype, then compared by content alone', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { money: { amount: '5', currency: 'USD' } });
    expect(sameJsonValue(bare, structuredClone({ money: { currency: 'USD', amount: '5' } }))).toBe(true);
  });
});
