import { textOf } from '../output/text.util';
import { Command } from 'commander';
import { queryClient, QueryClient, problemError } from '../api/api-clients.factory';
import type { paths } from '../api/generated/query-api';
import { CliConfig } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { OutputWatch } from '../output/output-watch.util';
import { terminalText } from '../output/terminal-text.util';
import { resolveHint } from './conflict-rows.renderer';
import { NO_ROWS, reportRows, reportTable } from './report-table.renderer';

type Q<P extends keyof paths> = NonNullable<paths[P]['get']['parameters']['query']>;

interface ReportOptions {
  organization?: string;
  asOf?: string;
  knownAt?: string;
  from?: string;
  to?: string;
  groupBy?: string;
  metric?: string;
  basis?: string;
  subject?: string;
  party?: string;
  status?: string;
  types?: string;
  lang?: string;
  show?: string;
  modality?: string;
  outlet?: string;
  kind?: string;
  cursor?: string;
  limit?: string;
  minPosition?: string;
  csv?: boolean;
  json?: boolean;
}

const REPORTS = ['leadership', 'departures', 'lawsuits', 'financials', 'timeline', 'sources', 'conflicts'] as const;
type ReportName = (typeof REPORTS)[number];

/** The flags that are query parameters, named as the parameters are (--as-of is asOf). */
type QueryFlag = Exclude<keyof ReportOptions, 'csv' | 'json'>;

/**
 * The query parameters each report's endpoint takes, of those the CLI has flags for: one table the request is built
 * from and the flags are checked against (a flag a report does not take is a usage error, not silently dropped).
 * Typed against the OpenAPI client: a flag listed for a report whose endpoint lacks that parameter fails the build.
 */
const params = <P extends keyof paths>(path: P, flags: ReadonlyArray<QueryFlag & keyof Q<P>>) => ({
  path,
  flags: flags as readonly QueryFlag[],
});
// Every fact report's own time travel, filters and paging.
const FACT_REPORT = ['lang', 'asOf', 'knownAt', 'modality', 'limit', 'cursor', 'minPosition'] as const;
const REPORT_PARAMS = {
  leadership: params('/v1/reports/leadership', ['organization', 'show', ...FACT_REPORT]),
  departures: params('/v1/reports/departures', ['organization', 'from', 'to', 'groupBy', ...FACT_REPORT]),
  lawsuits: params('/v1/reports/lawsuits', ['party', 'status', ...FACT_REPORT]),
  financials: params('/v1/reports/financials', ['organization', 'metric', 'basis', 'from', 'to', ...FACT_REPORT]),
  timeline: params('/v1/reports/timeline', ['subject', 'from', 'to', 'types', ...FACT_REPORT]),
  sources: params('/v1/sources', ['outlet', 'asOf', 'knownAt', 'modality', 'limit', 'cursor', 'minPosition']),
  // A conflict is between facts as recorded: knownAt applies, asOf and modality do not.
  conflicts: params('/v1/reports/conflicts', ['subject', 'status', 'kind', 'lang', 'knownAt', 'limit', 'cursor', 'minPosition']),
} satisfies Record<ReportName, { path: keyof paths; flags: readonly QueryFlag[] }>;

/** Defaults the CLI fills in when the flag is not given. */
const DEFAULTS: Partial<Record<ReportName, Partial<Record<QueryFlag, string>>>> = {
  leadership: { organization: 'org:openai' },
  financials: { organization: 'org:openai', metric: 'revenue' },
};

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The defaults the CLI filled in for flags not given, as flags (`--metric revenue`). */
export function defaultsApplied(name: ReportName, o: Partial<Record<QueryFlag, string>>): string[] {
  return Object.entries(DEFAULTS[name] ?? {})
    .filter(([flag]) => o[flag as QueryFlag] === undefined)
    .map(([flag, value]) => `${flagName(flag)} ${value}`);
}

/**
 * The flags given on the command line that this report does not take, each with the reports that do, e.g.
 * "--subject applies to timeline, conflicts, not departures"; empty when all apply.
 */
export function misplacedFlags(name: ReportName, given: readonly string[]): string[] {
  const allowed: readonly string[] = REPORT_PARAMS[name].flags;
  return given
    .filter((key) => key !== 'csv' && key !== 'json' && !allowed.includes(key))
    .map((key) => {
      const takers = REPORTS.filter((r) => (REPORT_PARAMS[r].flags as readonly string[]).includes(key));
      return `${flagName(key)} applies to ${takers.join(', ') || 'no report'}, not ${name}`;
    });
}

export function registerReport(program: Command, config: () => CliConfig): void {
  program
    .command('report')
    .description(`a report from the query service as a table (or --csv, --json): ${REPORTS.join(', ')}`)
    .argument('<name>', REPORTS.join('|'))
    .option('--organization <org>', 'leadership, departures, financials (default for leadership and financials: org:openai)')
    .option('--as-of <date>', 'valid time: what was true then (leadership: the roster on that date); not conflicts')
    .option('--known-at <instant>', 'transaction time: what the newsroom had recorded at that instant')
    // The API's window: from the start of `from`'s period to the end of `to`'s, both included.
    .option(
      '--from <date>',
      'departures, financials, timeline: facts from the start of this date or period on, included (a fact dated more coarsely is in when its period overlaps)',
    )
    .option(
      '--to <date>',
      'departures, financials, timeline: facts up to the end of this date or period, included: --to 2024-10 takes all of October, --to 2024 the whole year, a date-time that instant',
    )
    .option('--group-by <by>', 'departures: month, quarter, year or roleCategory')
    .option('--metric <metric>', 'financials: revenue (default), revenue_target, loss, headcount, funding, valuation')
    .option('--basis <basis>', 'financials: actual, annualized, projected, ...')
    .option('--subject <subject>', 'timeline: one subject in any role; conflicts: the stream of the two facts')
    .option('--party <subject>', 'lawsuits: a plaintiff or defendant')
    .option('--status <status>', 'lawsuits: the current status; conflicts: open or resolved')
    .option('--kind <kind>', 'conflicts: financial, departure or lawsuit')
    .option('--types <list>', 'timeline: comma-separated event types')
    .option(
      '--lang <en|fr>',
      'language of headlines and free text (roles, features, claims...); text missing in it shows in the other language, listed in the fallbacks column; not sources',
    )
    .option('--show <roster|tenures>', 'leadership: the roster (default) or every tenure')
    .option('--modality <list>', 'comma-separated: reported, confirmed, denied, rumored; not conflicts')
    .option('--outlet <name>', 'sources: one outlet')
    .option('--cursor <cursor>', 'the next page (printed under the table when there is one)')
    .option('--limit <n>', 'rows per page, 1..1000 (default 100); --csv fetches every page whatever the size')
    .option(
      '--min-position <position>',
      "read your own writes: wait (a few seconds at most) until the report holds every event up to this global position (a write's globalPosition)",
    )
    .option('--csv', 'CSV as the service writes it (RFC 4180, header row)')
    .option('--json', 'the JSON answer as it is')
    .addHelpText(
      'after',
      '\nA flag the chosen report does not take (each flag above names its reports) is a usage error (exit 2), never\nsilently dropped.\n\n  newsroom report leadership --as-of 2024-06-01\n  newsroom report leadership --lang fr --show tenures\n  newsroom report financials --metric loss --csv > losses.csv\n  newsroom report departures --group-by quarter --known-at 2024-10-01T00:00:00Z\n  newsroom report departures --from 2024-07 --to 2024-09   (the third quarter: July to September, both whole)\n  newsroom report conflicts --status open',
    )
    .action(async (name: string, o: ReportOptions, command: Command) => {
      if (!(REPORTS as readonly string[]).includes(name)) throw new CliError(`no report named "${name}"`, `one of: ${REPORTS.join(', ')}`);
      if (o.csv && o.json) throw new CliError('--csv and --json: choose one');
      const given = Object.keys(o).filter((key) => command.getOptionValueSource(key) === 'cli');
      const misplaced = misplacedFlags(name as ReportName, given);
      if (misplaced.length)
        throw new CliError(
          misplaced.join('; '),
          `newsroom report ${name} takes ${REPORT_PARAMS[name as ReportName].flags.map(flagName).join(', ')}, --csv, --json`,
        );
      const c = config();
      // A reader that leaves (| head -3) ends the report quietly, exit 0: no more pages are fetched.
      const output = new OutputWatch();
      try {
        await writeReport(name as ReportName, o, c, output);
      } finally {
        output.finish();
      }
    });
}

async function writeReport(name: ReportName, o: ReportOptions, c: CliConfig, output: OutputWatch): Promise<void> {
  const { data, error, response } = await fetchReport(queryClient(c), name, o);
  if (data === undefined) throw problemError(response, error, c);
  // On stderr, so --csv and --json stay clean for a pipe.
  const partial = response.headers.get('newsroom-partial');
  if (partial)
    process.stderr.write(
      `note: partial: the history of ${terminalText(partial)} is still being folded in (a backfill, or the projector has not started on it yet), so this report lacks older events\n`,
    );
  if (o.csv) {
    process.stdout.write(textOf(data));
    // CSV has no room for `next`: the service sends it as X-Next-Cursor. A CSV file is the whole report, so
    // every page is fetched and written under the one header row.
    const seen = new Set<string>();
    for (let cursor = response.headers.get('x-next-cursor'); cursor && !output.closed;) {
      if (seen.has(cursor)) throw new CliError(`the ${name} report sent the cursor ${cursor} twice`, 'report it: a page loop');
      seen.add(cursor);
      const page = await fetchReport(queryClient(c), name, { ...o, cursor });
      if (page.data === undefined) throw problemError(page.response, page.error, c);
      process.stdout.write(withoutHeaderRow(textOf(page.data)));
      cursor = page.response.headers.get('x-next-cursor');
    }
    return;
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    const next = (data as { next?: string | null }).next;
    if (next) process.stderr.write(`more: newsroom report ${name} --cursor ${terminalText(textOf(next))} --json (same flags)\n`);
    return;
  }
  const table = reportTable(name, data);
  process.stdout.write(`${table}\n`);
  // An empty table under a value the CLI filled in (financials' --metric revenue) says so: the reader asked for none.
  const filled = defaultsApplied(name, o);
  if (table === NO_ROWS && filled.length)
    process.stderr.write(`note: no rows with ${filled.join(', ')} (the default when the flag is not given)\n`);
  // The unplaced bucket is the table's last row; what it holds is said once, when it holds something.
  const unplaced = (data as { unplaced?: { count?: number; reports?: number } }).unplaced;
  if (unplaced?.reports || unplaced?.count)
    process.stdout.write(
      `unplaced: departures dated more coarsely than a ${terminalText(textOf(o.groupBy))}, never guessed into one (--json lists them)\n`,
    );
  const hint = name === 'conflicts' ? resolveHint(reportRows(data)) : null;
  if (hint) process.stdout.write(`${hint}\n`);
  const next = (data as { next?: string | null }).next;
  if (next) process.stdout.write(`more: newsroom report ${name} --cursor ${terminalText(textOf(next))} (same flags)\n`);
}

/** A page of CSV after the first, without its header row (header cells hold no line break; rows end in CRLF). */
function withoutHeaderRow(csv: string): string {
  const end = csv.indexOf('\n');
  return end === -1 ? '' : csv.slice(end + 1);
}

/**
 * The report's endpoint with the query its flags give (REPORT_PARAMS: the names are the parameters'; each was
 * checked against the OpenAPI client when the table was typed), and format=csv for --csv.
 */
function fetchReport(client: QueryClient, name: ReportName, o: ReportOptions) {
  const { path, flags } = REPORT_PARAMS[name];
  const query: Record<string, string | undefined> = { ...DEFAULTS[name], format: o.csv ? 'csv' : undefined };
  for (const flag of flags) if (o[flag] !== undefined) query[flag] = o[flag];
  // One path of the union: the query was built from the table, whose entries the compiler checked per path.
  return client.GET(path as '/v1/reports/timeline', {
    params: { query: query },
    parseAs: o.csv ? ('text' as const) : ('json' as const),
  });
}
