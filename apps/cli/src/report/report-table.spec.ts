import { reportRows, reportTable } from './report-table.renderer';
import { parseRebuildProgress } from '../rebuild/rebuild-progress.util';

describe('reportTable', () => {
  it('the known columns of a report that occur in its rows', () => {
    const body = {
      items: [
        {
          personName: 'Mira Murati',
          role: 'CTO',
          roleCategory: 'c-suite',
          interim: false,
          start: { occurredAt: '2022-05' },
          end: null,
          certain: true,
          sources: [],
        },
      ],
    };
    expect(reportTable('leadership', body).split('\n')).toEqual([
      'personName   role  roleCategory  interim  start    certain',
      '-----------  ----  ------------  -------  -------  -------',
      'Mira Murati  CTO   c-suite       false    2022-05  true',
    ]);
  });

  it('grouped departures, and any other shape by its scalar fields', () => {
    expect(reportRows({ groups: [{ key: '2024-Q3', count: 2 }], unplaced: [] })).toEqual([{ key: '2024-Q3', count: 2 }]);
    expect(reportTable('other', { items: [{ a: 1, b: { c: 1 } }] })).toBe('a\n-\n1');
    expect(reportTable('timeline', { items: [] })).toBe('(no rows)');
  });
});

describe('parseRebuildProgress', () => {
  it("reads the projector rebuild's progress lines", () => {
    expect(parseRebuildProgress('[rebuild] departures,feed: fold position 1200/5000 (24%), 1200 events, 800 events/s')).toEqual({
      phase: 'fold',
      position: 1200,
      head: 5000,
    });
    expect(parseRebuildProgress('[rebuild] done: swapped in departures at position 12')).toBeNull();
  });
});
