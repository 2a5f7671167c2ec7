import { dataPatch } from './data-patch.util';

describe('dataPatch', () => {
  it('merges --data with --set paths; values are JSON when they parse, else text', () => {
    expect(dataPatch('{"role":"CTO"}', ['reason=resigned', 'money.amount="100"', 'interim=true'])).toEqual({
      role: 'CTO',
      reason: 'resigned',
      money: { amount: '100' },
      interim: true,
    });
    expect(dataPatch(undefined, [])).toBeUndefined();
  });

  it('says what is wrong with a bad flag', () => {
    expect(() => dataPatch('{', [])).toThrow(/--data is not JSON/);
    expect(() => dataPatch('[1]', [])).toThrow(/must be a JSON object/);
    expect(() => dataPatch(undefined, ['novalue'])).toThrow(/expected path=value/);
  });
});
