import { Command } from 'commander';
import { queryClient, problemError } from '../api/api-clients.factory';
import { CliConfig } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { feedLine } from './feed-line.renderer';
import { SseParser } from './sse-parser.util';
import { loadPosition, savePosition, statePath } from './tail-position.util';

interface TailOptions {
  types?: string;
  subject: string[];
  organization?: string;
  lang?: 'en' | 'fr';
  from?: string;
  state?: string;
  resume: boolean;
  count?: string;
  json?: boolean;
}

export function registerTail(program: Command, config: () => CliConfig): void {
  program
    .command('tail')
    .description('follow the live feed (SSE): history from the last position seen, then live; Ctrl-C to stop')
    .option('--types <list>', 'comma-separated event types (their corrections and retractions included)')
    .option('--subject <subject>', 'a subject, e.g. person:mira-murati; repeatable', (v: string, all: string[]) => [...all, v], [])
    .option('--organization <org>', 'items naming this organization, e.g. org:openai')
    .option('--lang <en|fr>', 'language of the headlines')
    .option('--from <position>', 'start after this position (0: the whole history) instead of the saved one')
    .option('--state <file>', 'where the last position seen is kept (default: NEWSROOM_TAIL_STATE or ~/.newsroom/tail-position)')
    .option('--no-resume', 'ignore the saved position (start from --from, else the beginning); still saves as it goes')
    .option('--count <n>', 'stop after n items')
    .option('--json', 'print each item as one JSON line')
    .addHelpText(
      'after',
      `
Each line: position, date, type, subject, headline, [status] and (event id) to pass to correct or retract.
The last position printed is saved, so the next \`newsroom tail\` goes on from there without repeats; a dropped
connection is resumed the same way.

  newsroom tail --organization org:openai --lang fr
  newsroom tail --types executive.departed,executive.appointed --from 0`,
    )
    .action(async (o: TailOptions) => {
      if (o.lang && o.lang !== 'en' && o.lang !== 'fr') throw new CliError('--lang must be en or fr');
      if (o.from !== undefined && !/^\d+$/.test(o.from))
        throw new CliError('--from must be a position (a whole number, 0 for the beginning)');
      const count = o.count === undefined ? Infinity : Number(o.count);
      if (!(count > 0)) throw new CliError('--count must be a positive number');
      await tail(o, config(), count);
    });
}

async function tail(o: TailOptions, c: CliConfig, count: number): Promise<void> {
  const file = statePath(o.state);
  let after = o.from ?? (o.resume ? loadPosition(file, c.queryUrl) : undefined) ?? '0';
  const client = queryClient(c);
  const stop = new AbortController();
  let seen = 0;
  let retryMs = 2000;
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  process.stderr.write(`tail: ${c.queryUrl}/v1/feed/stream after position ${after} (saved in ${file})\n`);
  try {
    for (let connects = 0; !stop.signal.aborted; connects++) {
      let failure: unknown;
      try {
        const { data, error, response } = await client.GET('/v1/feed/stream', {
          params: {
            query: {
              after,
              types: o.types,
              subjects: o.subject.length ? o.subject.join(',') : undefined,
              organization: o.organization,
              lang: o.lang,
            },
            header: { 'Last-Event-ID': after },
          },
          parseAs: 'stream',
          signal: stop.signal,
        });
        if (!data) throw problemError(response, error, c);
        const parser = new SseParser();
        const decoder = new TextDecoder();
        for await (const chunk of data as unknown as AsyncIterable<Uint8Array>) {
          for (const m of parser.push(decoder.decode(chunk, { stream: true }))) {
            if (m.retry) retryMs = m.retry;
            if (m.event === 'close') {
              process.stderr.write(`tail: the server closed the stream: ${m.data}\n`);
              continue;
            }
            if (m.event !== 'message' || !m.data) continue;
            const item = JSON.parse(m.data) as Record<string, unknown>;
            process.stdout.write(o.json ? `${m.data}\n` : `${feedLine(item)}\n`);
            after = m.id ?? String(item.position);
            savePosition(file, c.queryUrl, after);
            if (++seen >= count) {
              stop.abort();
              return;
            }
          }
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        // The first connection failing is an error to act on; later ones are a dropped stream to resume.
        if (connects === 0 || (error instanceof CliError && error.exitCode !== 2)) throw error;
        failure = error;
      }
      if (stop.signal.aborted) return;
      process.stderr.write(
        `tail: stream ended${failure ? ` (${(failure as Error).message})` : ''}; reconnecting after position ${after} in ${retryMs} ms\n`,
      );
      await new Promise((r) => setTimeout(r, retryMs));
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
