import { Command } from 'commander';
import { defaultsApplied, misplacedFlags, registerReport } from './report.command';

describe('report flags', () => {
  it('names each flag the report does not take, with the reports that do', () => {
    expect(misplacedFlags('departures', ['subject'])).toEqual(['--subject applies to timeline, conflicts, not departures']);
    expect(misplacedFlags('conflicts', ['asOf'])).toEqual([
      '--as-of applies to leadership, departures, lawsuits, financials, timeline, sources, not conflicts',
    ]);
    expect(misplacedFlags('sources', ['kind', 'metric', 'party', 'outlet', 'csv'])).toEqual([
      '--kind applies to conflicts, not sources',
      '--metric applies to financials, not sources',
      '--party applies to lawsuits, not sources',
    ]);
  });

  it('lets through the flags a report takes, --csv and --json', () => {
    expect(misplacedFlags('timeline', ['subject', 'from', 'to', 'types', 'lang', 'asOf', 'limit', 'json'])).toEqual([]);
    expect(misplacedFlags('conflicts', ['subject', 'status', 'kind', 'knownAt', 'csv'])).toEqual([]);
  });

  it('--from and --to say the window the API takes: both periods whole, so --to 2024-10 is all of October', () => {
    const program = new Command('newsroom');
    registerReport(program, () => {
      throw new Error('help reads no configuration');
    });
    const [report] = program.commands;
    // As a user reads it, whatever width commander wraps it to.
    const help = report.helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain(
      '--from <date> departures, financials, timeline: facts from the start of this date or period on, included (a fact dated more coarsely is in when its period overlaps)',
    );
    expect(help).toContain(
      '--to <date> departures, financials, timeline: facts up to the end of this date or period, included: --to 2024-10 takes all of October, --to 2024 the whole year, a date-time that instant',
    );
    expect(help).not.toMatch(/before this date/);
  });

  it('names the defaults it filled in for flags not given, for the note under an empty table (t31)', () => {
    expect(defaultsApplied('financials', { organization: 'org:societe-generale-tech' })).toEqual(['--metric revenue']);
    expect(defaultsApplied('financials', {})).toEqual(['--organization org:openai', '--metric revenue']);
    expect(defaultsApplied('financials', { organization: 'org:x', metric: 'loss' })).toEqual([]);
    expect(defaultsApplied('timeline', {})).toEqual([]);
  });
});
