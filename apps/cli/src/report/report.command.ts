import { textOf } from '../output/text.util';
import { Command } from 'commander';
import { queryClient, QueryClient, problemError } from '../api/api-clients.factory';
import type { paths } from '../api/generated/query-api';
import { CliConfig } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { terminalText } from '../output/terminal-text.util';
import { reportTable } from './report-table.renderer';

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

export function registerReport(program: Command, config: () => CliConfig): void {
  program
    .command('report')
    .description(`a report from the query service as a table (or --csv, --json): ${REPORTS.join(', ')}`)
    .argument('<name>', REPORTS.join('|'))
    .option('--organization <org>', 'leadership, departures, financials (default for leadership and financials: org:openai)')
    .option('--as-of <date>', 'valid time: what was true then (leadership: the roster on that date)')
    .option('--known-at <instant>', 'transaction time: what the newsroom had recorded at that instant')
    .option('--from <date>', 'departures, financials, timeline: facts from this date')
    .option('--to <date>', 'departures, financials, timeline: facts before this date')
    .option('--group-by <by>', 'departures: month, quarter, year or roleCategory')
    .option('--metric <metric>', 'financials: revenue, revenue_target, loss, headcount, funding, valuation', 'revenue')
    .option('--basis <basis>', 'financials: actual, annualized, projected, ...')
    .option('--subject <subject>', 'timeline: one subject in any role; conflicts: the stream of the two facts')
    .option('--party <subject>', 'lawsuits: a plaintiff or defendant')
    .option('--status <status>', 'lawsuits: the current status; conflicts: open or resolved')
    .option('--kind <kind>', 'conflicts: financial, departure or lawsuit')
    .option('--types <list>', 'timeline: comma-separated event types')
    .option(
      '--lang <en|fr>',
      'language of headlines and free text (roles, features, claims...); text missing in it shows in the other language, listed in the fallbacks column',
    )
    .option('--show <roster|tenures>', 'leadership: the roster (default) or every tenure')
    .option('--modality <list>', 'comma-separated: reported, confirmed, denied, rumored')
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
      '\n  newsroom report leadership --as-of 2024-06-01\n  newsroom report leadership --lang fr --show tenures\n  newsroom report financials --metric loss --csv > losses.csv\n  newsroom report departures --group-by quarter --known-at 2024-10-01T00:00:00Z\n  newsroom report conflicts --status open',
    )
    .action(async (name: string, o: ReportOptions) => {
      if (!(REPORTS as readonly string[]).includes(name)) throw new CliError(`no report named "${name}"`, `one of: ${REPORTS.join(', ')}`);
      if (o.csv && o.json) throw new CliError('--csv and --json: choose one');
      const c = config();
      const { data, error, response } = await fetchReport(queryClient(c), name as ReportName, o);
      if (data === undefined) throw problemError(response, error, c);
      // On stderr, so --csv and --json stay clean for a pipe.
      const partial = response.headers.get('newsroom-partial');
      if (partial)
        process.stderr.write(
          `note: partial: the history of ${terminalText(partial)} is still being folded in (a backfill), so this report lacks older events\n`,
        );
      if (o.csv) {
        process.stdout.write(textOf(data));
        // CSV has no room for `next`: the service sends it as X-Next-Cursor. A CSV file is the whole report, so
        // every page is fetched and written under the one header row.
        const seen = new Set<string>();
        for (let cursor = response.headers.get('x-next-cursor'); cursor;) {
          if (seen.has(cursor)) throw new CliError(`the ${name} report sent the cursor ${cursor} twice`, 'report it: a page loop');
          seen.add(cursor);
          const page = await fetchReport(queryClient(c), name as ReportName, { ...o, cursor });
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
      process.stdout.write(`${reportTable(name, data)}\n`);
      const unplaced = (data as { unplaced?: { count?: number; reports?: number } }).unplaced;
      const unplacedReports = unplaced?.reports ?? unplaced?.count;
      if (unplacedReports)
        process.stdout.write(`unplaced: ${terminalText(textOf(unplacedReports))} dated more coarsely than a ${o.groupBy} (see --json)\n`);
      const next = (data as { next?: string | null }).next;
      if (next) process.stdout.write(`more: newsroom report ${name} --cursor ${terminalText(textOf(next))} (same flags)\n`);
    });
}

/** A page of CSV after the first, without its header row (header cells hold no line break; rows end in CRLF). */
function withoutHeaderRow(csv: string): string {
  const end = csv.indexOf('\n');
  return end === -1 ? '' : csv.slice(end + 1);
}

/** One typed call per report, so a parameter renamed or removed in the OpenAPI document fails the build. */
function fetchReport(client: QueryClient, name: ReportName, o: ReportOptions) {
  const format = o.csv ? 'csv' : undefined;
  const common = { asOf: o.asOf, knownAt: o.knownAt, modality: o.modality, cursor: o.cursor, limit: o.limit, minPosition: o.minPosition };
  const parseAs = o.csv ? ('text' as const) : ('json' as const);
  switch (name) {
    case 'leadership':
      return client.GET('/v1/reports/leadership', {
        params: {
          query: {
            ...common,
            organization: o.organization ?? 'org:openai',
            show: o.show as Q<'/v1/reports/leadership'>['show'],
            lang: o.lang as Q<'/v1/reports/leadership'>['lang'],
            format,
          },
        },
        parseAs,
      });
    case 'departures':
      return client.GET('/v1/reports/departures', {
        params: {
          query: {
            ...common,
            organization: o.organization,
            from: o.from,
            to: o.to,
            groupBy: o.groupBy as Q<'/v1/reports/departures'>['groupBy'],
            lang: o.lang as Q<'/v1/reports/departures'>['lang'],
            format,
          },
        },
        parseAs,
      });
    case 'lawsuits':
      return client.GET('/v1/reports/lawsuits', {
        params: { query: { ...common, party: o.party, status: o.status, lang: o.lang as Q<'/v1/reports/lawsuits'>['lang'], format } },
        parseAs,
      });
    case 'financials':
      return client.GET('/v1/reports/financials', {
        params: {
          query: {
            ...common,
            organization: o.organization ?? 'org:openai',
            metric: o.metric,
            basis: o.basis,
            from: o.from,
            to: o.to,
            lang: o.lang as Q<'/v1/reports/financials'>['lang'],
            format,
          },
        },
        parseAs,
      });
    case 'timeline':
      return client.GET('/v1/reports/timeline', {
        params: {
          query: {
            ...common,
            subject: o.subject,
            from: o.from,
            to: o.to,
            types: o.types,
            lang: o.lang as Q<'/v1/reports/timeline'>['lang'],
            format,
          },
        },
        parseAs,
      });
    case 'sources':
      return client.GET('/v1/sources', { params: { query: { ...common, outlet: o.outlet, format } }, parseAs });
    case 'conflicts':
      // A conflict is between facts as recorded: knownAt applies, asOf and modality do not.
      return client.GET('/v1/reports/conflicts', {
        params: {
          query: {
            knownAt: o.knownAt,
            cursor: o.cursor,
            minPosition: o.minPosition,
            subject: o.subject,
            status: o.status as Q<'/v1/reports/conflicts'>['status'],
            kind: o.kind as Q<'/v1/reports/conflicts'>['kind'],
            lang: o.lang as Q<'/v1/reports/conflicts'>['lang'],
            format,
          },
        },
        parseAs,
      });
  }
}
