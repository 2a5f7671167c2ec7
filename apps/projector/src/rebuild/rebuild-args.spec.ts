import { parseRebuildArgs, RebuildUsageError } from './rebuild-args.util';

describe('npm run rebuild arguments', () => {
  const refused = (args: string[]) => {
    try {
      parseRebuildArgs(args);
    } catch (error) {
      expect(error).toBeInstanceOf(RebuildUsageError);
      return (error as Error).message;
    }
    throw new Error(`accepted ${args.join(' ')}`);
  };

  it('asks for help with --help or -h, wherever it stands', () => {
    expect(parseRebuildArgs(['--help'])).toEqual({ help: true });
    expect(parseRebuildArgs(['departures', '-h'])).toEqual({ help: true });
  });

  it('takes projection names, all and --batch=N or --batch N', () => {
    expect(parseRebuildArgs([])).toEqual({ help: false, targets: [], batchSize: undefined });
    expect(parseRebuildArgs(['departures', 'feed', '--batch=500'])).toEqual({
      help: false,
      targets: ['departures', 'feed'],
      batchSize: 500,
    });
    expect(parseRebuildArgs(['--batch', '7', 'all'])).toEqual({ help: false, targets: ['all'], batchSize: 7 });
  });

  it('refuses an unknown flag, an unknown projection and a bad batch instead of rebuilding everything', () => {
    expect(refused(['--hepl'])).toBe('unknown option --hepl');
    expect(refused(['--dry-run', 'departures'])).toBe('unknown option --dry-run');
    expect(refused(['departure'])).toMatch(/^unknown projection departure; known: all, /);
    expect(refused(['--batch=0'])).toBe('--batch must be an integer from 1 to 100000, not "0"');
    expect(refused(['--batch=1e3'])).toMatch(/not "1e3"/);
    expect(refused(['--batch'])).toBe('--batch needs a value');
    expect(refused(['--batch=5', '--batch=6'])).toBe('--batch is given twice');
  });
});
