import { misplacedFlags } from './report.command';

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
});
