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

  it('each fact with its distinct outlets, its inferred fields, and a * on a date its sources do not state', () => {
    const body = {
      items: [
        {
          occurredAt: '2024-09',
          personName: 'Mira Murati',
          corroboration: { outlets: 3, confirms: 2, denies: 1 },
          inferred: [{ path: 'occurredAt', note: 'from other reporting' }],
        },
        { occurredAt: '2024-06', personName: 'Kevin Weil', corroboration: { outlets: 1, confirms: 1, denies: 0 }, inferred: [] },
      ],
    };
    expect(reportTable('departures', body).split('\n')).toEqual([
      'occurredAt  personName   outlets                 inferred',
      '----------  -----------  ----------------------  ----------',
      '2024-09*    Mira Murati  3: 2 confirm, 1 denies  occurredAt',
      '2024-06     Kevin Weil   1',
    ]);
  });

  it('outlets: each count agrees with its verb as tail and the Atom feed say them, in English and in French', () => {
    const fact = (outlets: number, confirms: number, denies: number) => ({
      occurredAt: '2024-09',
      corroboration: { outlets, confirms, denies },
    });
    const outlets = (lang: string) =>
      reportTable('departures', { lang, items: [fact(3, 2, 1), fact(2, 1, 1), fact(1, 0, 1), fact(5, 3, 2), fact(2, 2, 0)] })
        .split('\n')
        .slice(2)
        .map((row) => row.slice('2024-09     '.length));
    expect(outlets('en')).toEqual([
      '3: 2 confirm, 1 denies',
      '2: 1 confirms, 1 denies',
      '1: 0 confirm, 1 denies',
      '5: 3 confirm, 2 deny',
      '2',
    ]);
    // French: 0 and 1 take the singular, a no-break space before the colon.
    expect(outlets('fr')).toEqual([
      '3\u00a0: 2 confirment, 1 dément',
      '2\u00a0: 1 confirme, 1 dément',
      '1\u00a0: 0 confirme, 1 dément',
      '5\u00a0: 3 confirment, 2 démentent',
      '2',
    ]);
  });

  it('a row whose stored text holds control characters is one line, each of them shown as an escape', () => {
    const body = {
      items: [
        {
          occurredAt: '2024-09',
          personName: 'Mira\u2066 Murati\u2069',
          role: 'Boss\u001b[31mRED\u001b[0m\nline2\rCR',
          reason: 'resigned\u001b]0;title\u0007\u009b\u007f\u2028',
        },
      ],
    };
    const lines = reportTable('departures', body).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/); // eslint-disable-line no-control-regex
    expect(lines[2]).toBe(
      '2024-09     Mira\\u2066 Murati\\u2069  Boss\\x1b[31mRED\\x1b[0m\\nline2\\rCR  resigned\\x1b]0;title\\x07\\x9b\\x7f\\u2028',
    );
  });

  it('lawsuits: a step only rumoured after the status in a column of its own, shown only when some case has one', () => {
    const filed = { occurredAt: '2024-03-01', corroboration: { outlets: 1, confirms: 1, denies: 0 } };
    const body = {
      items: [
        { caseName: 'Rumeur v. OpenAI', status: 'filed', rumoredStatus: 'appealed', filed },
        { caseName: 'Doe v. Acme', status: 'settled', rumoredStatus: null, filed },
      ],
    };
    expect(reportTable('lawsuits', body).split('\n')).toEqual([
      'caseName          status   rumoredStatus  filed       outlets',
      '----------------  -------  -------------  ----------  -------',
      'Rumeur v. OpenAI  filed    appealed       2024-03-01  1',
      'Doe v. Acme       settled                 2024-03-01  1',
    ]);
    expect(reportTable('lawsuits', { items: [body.items[1]] }).split('\n')[0]).toBe('caseName     status   filed       outlets');
  });

  it('an unknown report shows its own field names escaped too', () => {
    expect(reportTable('other', { items: [{ 'a\u001b[2J': 1 }] }).split('\n')).toEqual(['a\\x1b[2J', '--------', '1']);
  });

  it('grouped departures: each group with its departures counted and, apart, those only rumoured; the unplaced bucket last, as the JSON has it', () => {
    const body = {
      groupBy: 'quarter',
      groups: [
        { key: '2024-Q3', from: '2024-07-01', to: '2024-09-30', count: 2, rumored: 1, reports: 4, items: [] },
        { key: '2024-Q4', from: '2024-10-01', to: '2024-12-31', count: 1, rumored: 0, reports: 1, items: [] },
      ],
      unplaced: { count: 3, rumored: 1, reports: 4, items: [] },
    };
    expect(reportTable('departures', body).split('\n')).toEqual([
      'key       count  rumored',
      '--------  -----  -------',
      '2024-Q3   2      1',
      '2024-Q4   1      0',
      'unplaced  3      1',
    ]);
    // An empty bucket is a row too (nothing was left out), and so is one beside no group at all.
    expect(
      reportTable('departures', { ...body, unplaced: { count: 0, rumored: 0, reports: 0, items: [] } })
        .split('\n')
        .at(-1),
    ).toBe('unplaced  0      0');
    expect(reportTable('departures', { ...body, groups: [] }).split('\n')).toEqual([
      'key       count  rumored',
      '--------  -----  -------',
      'unplaced  3      1',
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
