import { formatDuration, ProgressBar, rateAndEta, renderBar } from './progress-bar.renderer';

describe('progress: rate and ETA', () => {
  it('rate over the elapsed time, ETA of what is left at that rate', () => {
    expect(rateAndEta({ done: 500, total: 2000, elapsedMs: 1000 })).toEqual({ rate: 500, etaMs: 3000 });
    expect(rateAndEta({ done: 0, total: 2000, elapsedMs: 1000 })).toEqual({ rate: 0, etaMs: null });
    // The rate may count something else than the progress (ingest: lines per second, progress in bytes).
    expect(rateAndEta({ done: 5000, total: 20000, elapsedMs: 2000, count: 100 })).toEqual({ rate: 50, etaMs: 6000 });
  });

  it('all of nothing is all done: 100%, ETA 0 (an empty file to ingest, a rebuild with no events)', () => {
    expect(rateAndEta({ done: 0, total: 0, elapsedMs: 5 })).toEqual({ rate: 0, etaMs: 0 });
    expect(renderBar({ done: 0, total: 0, elapsedMs: 5 }, 'lines', '0 lines', 4)).toBe('[####] 100%  0 lines  0 lines/s  done');
    const plain: string[] = [];
    new ProgressBar('lines', { isTTY: false, write: (s) => plain.push(s) }, () => 0).update(0, 0, '0 lines', 0);
    expect(plain).toEqual(['progress: 100% 0 lines, 0 lines/s, ETA 0s\n']);
  });

  it('durations read like a terminal tool: 42s, 3m05s, 1h02m', () => {
    expect([formatDuration(41_600), formatDuration(185_000), formatDuration(3_725_000), formatDuration(NaN)]).toEqual([
      '42s',
      '3m05s',
      '1h02m',
      '?',
    ]);
  });

  it('draws the bar with percentage, label, rate and ETA, and "done" at the end', () => {
    expect(renderBar({ done: 250, total: 1000, elapsedMs: 500 }, 'events', '250 lines', 8)).toBe(
      '[##------]  25%  250 lines  500 events/s  ETA 2s',
    );
    expect(renderBar({ done: 1000, total: 1000, elapsedMs: 500 }, 'events', 'x', 4)).toBe('[####] 100%  x  2000 events/s  done');
  });

  it('redraws in place on a TTY; prints at most a line a second otherwise', () => {
    let t = 0;
    const tty: string[] = [];
    const bar = new ProgressBar('events', { isTTY: true, write: (s) => tty.push(s) }, () => t);
    t = 1000;
    bar.update(10, 100, '10 lines');
    // eslint-disable-next-line no-control-regex -- the ANSI 'erase line' escape is what a TTY progress bar writes
    expect(tty[0]).toMatch(/^\r\x1b\[2K\[/);
    bar.done();
    expect(tty[1]).toBe('\n');

    const plain: string[] = [];
    t = 0;
    const log = new ProgressBar('events', { isTTY: false, write: (s) => plain.push(s) }, () => t);
    t = 1000;
    log.update(10, 100, '10 lines');
    t = 1500;
    log.update(20, 100, '20 lines');
    t = 1600;
    log.update(100, 100, '100 lines');
    log.update(100, 100, '100 lines');
    expect(plain).toEqual(['progress: 10% 10 lines, 10 events/s, ETA 9s\n', 'progress: 100% 100 lines, 63 events/s, ETA 0s\n']);
  });
});
