import { abTable, abVerdict, AbRun, chanceOfVerdict } from '../../bench/src/report/ab-table';

const run = (side: AbRun['side'], round: number, pipeline: number, projectorCpu: string): AbRun => ({
  side,
  round,
  results: {
    figures: { 'pipeline.sustained': { value: pipeline, unit: 'events/s' }, 'e2e.sse100.delivered': { value: 100, unit: '%' } },
    curves: [
      { id: 'cpu-e2e100', columns: ['processes', 'CPU s', 'share of the machine %'], rows: [['projector', projectorCpu, '6.5']] },
      { id: 'e2e-sweep', columns: ['subscribers', 'p99 ms'], rows: [[100, 133]] },
    ],
  },
});

// bench:ab's table says what two commits' runs gave, run by run, and claims a difference only when the runs do not overlap.
describe('bench:ab: the table comparing two commits run A B A B', () => {
  it('names a difference only when every run of one side is beyond every run of the other', () => {
    expect(abVerdict([1_272, 1_236], [1_132, 1_617])).toBe('overlap');
    expect(abVerdict([1_272, 1_236], [1_300, 1_617])).toBe('every after higher');
    expect(abVerdict([1_272, 1_236], [1_100, 1_200])).toBe('every after lower');
    expect(abVerdict([1_272], [1_617])).toBe('-');
  });

  it('says how often an unchanged figure gets a verdict by chance: 2 / C(2n, n)', () => {
    expect(chanceOfVerdict(2)).toBeCloseTo(1 / 3);
    expect(chanceOfVerdict(3)).toBeCloseTo(1 / 10);
    expect(chanceOfVerdict(4)).toBeCloseTo(1 / 35);
  });

  it('lists every figure and every process of the CPU tables, run by run in the order they ran, with means and the ratio', () => {
    const md = abTable([
      run('before', 1, 1_272, '2.0'),
      run('after', 1, 1_132, '2.1'),
      run('before', 2, 1_236, '2.0'),
      run('after', 2, 1_617, '2.3'),
    ]);
    expect(md).toContain('| figure | before 1 | after 1 | before 2 | after 2 | mean before | mean after | after / before | verdict |');
    expect(md).toContain('| pipeline.sustained (events/s) | 1,272 | 1,132 | 1,236 | 1,617 | 1,254 | 1,375 | 1.10 | overlap |');
    expect(md).toContain('| e2e.sse100.delivered (%) | 100 | 100 | 100 | 100 | 100 | 100 | 1.00 | overlap |');
    expect(md).toContain('| cpu-e2e100: projector, CPU s | 2 | 2.1 | 2 | 2.3 | 2 | 2.2 | 1.10 | every after higher |');
    expect(md).toContain('an unchanged figure gets one by chance 33% of the time');
    // Only the CPU tables, not the other curves.
    expect(md).not.toContain('e2e-sweep');
  });

  it('shows a figure one side lacks (a stage that failed) as a dash, and an infinite one (a frame never delivered) as such', () => {
    const failed = run('after', 1, 0, '1.0');
    delete failed.results.figures!['pipeline.sustained'];
    failed.results.figures!['e2e.sse100.p99'] = { value: Infinity, unit: 'ms' };
    const md = abTable([run('before', 1, 1_272, '2.0'), failed]);
    expect(md).toContain('| pipeline.sustained (events/s) | 1,272 | - | 1,272 | - | - | - |');
    expect(md).toContain('| e2e.sse100.p99 (ms) | - | ∞ |');
    expect(md).toContain('One run a side: no verdict.');
    expect(abTable([{ side: 'before', round: 1, results: { figures: {} } }])).toContain('### Figures\n\nNone in the results.');
  });
});
