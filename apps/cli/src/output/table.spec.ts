import { cell, formatTable } from './table.renderer';

describe('formatTable', () => {
  it('aligns columns under a header and a rule, one line per row, long cells cut', () => {
    const t = formatTable(
      ['name', 'role'],
      [
        ['Mira Murati', 'CTO'],
        ['Bob', 'a very long role title\nover two lines'],
      ],
      16,
    );
    expect(t.split('\n')).toEqual([
      'name         role',
      '-----------  ----------------',
      'Mira Murati  CTO',
      'Bob          a very long rol…',
    ]);
  });
});

describe('formatTable and stored text', () => {
  it('shows control characters in cells as escapes: one line per row, widths as shown', () => {
    expect(formatTable(['role', 'x'], [['CTO\u001b[31m\r\n', 'y']]).split('\n')).toEqual([
      'role             x',
      '---------------  -',
      'CTO\\x1b[31m\\r\\n  y',
    ]);
  });

  it('leaves French spacing as it is (narrow no-break spaces are not collapsed)', () => {
    expect(formatTable(['t'], [['Départ\u202f: «\u00a0oui\u00a0»']]).split('\n')[2]).toBe('Départ\u202f: «\u00a0oui\u00a0»');
  });
});

describe('cell', () => {
  it('shows report values the way a reader expects', () => {
    expect(cell({ amount: '3700000000', currency: 'USD' })).toBe('3700000000 USD');
    expect(cell([{ outlet: 'Le Monde' }, { outlet: 'Example Daily' }])).toBe('Le Monde, Example Daily');
    expect(cell({ eventId: 'x', occurredAt: '2024-09' })).toBe('2024-09');
    expect(cell(null)).toBe('');
    expect(cell(false)).toBe('false');
    expect(cell({ en: 'Chief', fr: 'Directeur' })).toBe('Chief');
  });
});
