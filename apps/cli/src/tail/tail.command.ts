import { Command } from 'commander';
import { queryClient, problemError } from '../api/api-clients.factory';
import { CliConfig } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { OutputWatch } from '../output/output-watch.util';
import { terminalText } from '../output/terminal-text.util';
import { feedLine } from './feed-line.renderer';
import { SseParser } from './sse-parser.util';
import { filterKey, loadPosition, savePosition, statePath, WrittenPosition } from './tail-position.util';

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
    .option('--lang <en|fr>', "language of the headlines and of the line's notes (outlets, status, fields the sources do not state)")
    .option('--from <position>', 'start after this position (0: the whole history) instead of the saved one')
    .option('--state <file>', 'where the last position seen is kept (default: NEWSROOM_TAIL_STATE or ~/.newsroom/tail-position)')
    .option('--no-resume', 'ignore the saved position (start from --from, else the beginning); still saves as it goes')
    .option('--count <n>', 'stop after n items')
    .option('--json', 'print each item as one JSON line')
    .addHelpText(
      'after',
      `
Each line: position, date, type, subject, headline, [status] and (event id) to pass to correct or retract.
The position of the last line written out is saved, so the next \`newsroom tail\` goes on from there without
repeats; a dropped connection is resumed the same way. A tail killed outright (kill -9) may not have saved its
last few lines: the next run prints them again, each with its position, so a reader can drop repeats by position.

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

/** Busy or restarting (429, 5xx) once the stream has worked: come back when told (Retry-After), not an error. */
class ComeBackLater extends Error {
  constructor(
    readonly problem: CliError,
    readonly waitMs: number,
  ) {
    super(problem.message);
  }
}

const retryAfterMs = (response: Response) => {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 0;
};

async function tail(o: TailOptions, c: CliConfig, count: number): Promise<void> {
  const file = statePath(o.state);
  // A filter keeps its own position: an unfiltered tail must not go on from where a filtered one stopped.
  const key = filterKey({ types: o.types, subjects: o.subject, organization: o.organization });
  let after = o.from ?? (o.resume ? loadPosition(file, c.queryUrl, key) : undefined) ?? '0';
  const client = queryClient(c);
  const stop = new AbortController();
  let seen = 0;
  let retryMs = 2000;
  // The stream has answered 200 once: from then on a drop, a refusal or a 429/5xx is a stream to resume.
  let connected = false;
  /** Whether the stream last said items are late (`event: status`): said on stderr when it changes, not each reconnect. */
  let delayed = false;
  const onSigint = () => stop.abort();
  // The reader went away (`newsroom tail | head -3`: EPIPE): stop quietly, and an item it never took is not saved.
  const output = new OutputWatch(() => stop.abort());
  const saved = new WrittenPosition((position) => savePosition(file, c.queryUrl, position, key));
  // Ctrl-C and a service manager's stop (SIGTERM) end it the same way: the last line written is saved.
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  process.stderr.write(`tail: ${c.queryUrl}/v1/feed/stream after position ${after} (saved in ${file}${key ? ` for ${key}` : ''})\n`);
  try {
    while (!stop.signal.aborted) {
      let failure: unknown;
      let toldMs = 0;
      try {
        const { data, error, response } = await client.GET('/v1/feed/stream', {
          params: {
            query: {
              after,
              types: o.types,
              subjects: o.subject.length ? o.subject.join(',') : undefined,
              organization: o.organization,
              lang: o.lang,
              status: 'true',
            },
            header: { 'Last-Event-ID': after },
          },
          parseAs: 'stream',
          signal: stop.signal,
        });
        if (!data) {
          const problem = problemError(response, error, c);
          if (connected && (response.status === 429 || response.status >= 500)) throw new ComeBackLater(problem, retryAfterMs(response));
          throw problem;
        }
        connected = true;
        const parser = new SseParser();
        const decoder = new TextDecoder();
        for await (const chunk of data as unknown as AsyncIterable<Uint8Array>) {
          for (const m of parser.push(decoder.decode(chunk, { stream: true }))) {
            if (m.retry) retryMs = m.retry;
            if (m.event === 'close') {
              process.stderr.write(`tail: the server closed the stream: ${terminalText(m.data)}\n`);
              continue;
            }
            if (m.event === 'status') {
              const status = JSON.parse(m.data) as { delayed?: unknown; since?: unknown };
              if ((status.delayed === true) !== delayed) {
                delayed = status.delayed === true;
                process.stderr.write(
                  delayed
                    ? `tail: items are delayed: events recorded since ${terminalText(String(status.since))} are not in the feed yet; they will follow in order\n`
                    : 'tail: the feed has caught up\n',
                );
              }
              continue;
            }
            if (m.event !== 'message' || !m.data) continue;
            const item = JSON.parse(m.data) as Record<string, unknown>;
            const position = m.id ?? String(item.position);
            // Saved once the line is written out (callbacks come in order), so the position never runs ahead of
            // what the reader was given; one save per turn of the event loop (WrittenPosition).
            process.stdout.write(o.json ? `${m.data}\n` : `${feedLine(item, o.lang)}\n`, (failed) => {
              if (!failed && !output.closed) saved.written(position);
            });
            after = position;
            if (++seen >= count) {
              stop.abort();
              return;
            }
          }
          if (stop.signal.aborted) return;
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        // The first connection failing is an error to act on; after that, a dropped stream, a service not
        // answering and a 429/5xx are resumed, while a refusal (400, 401, 403...) is final.
        if (!connected) throw error instanceof ComeBackLater ? error.problem : error;
        if (error instanceof ComeBackLater) toldMs = error.waitMs;
        else if (error instanceof CliError && error.exitCode !== 2) throw error;
        failure = error;
      }
      if (stop.signal.aborted) return;
      // The stream's own retry hint (read as it went), or longer when the service said when to come back.
      const waitMs = Math.max(retryMs, toldMs);
      process.stderr.write(
        `tail: stream ended${failure ? ` (${terminalText(String((failure as Error).message))})` : ''}; reconnecting after position ${after} in ${waitMs} ms\n`,
      );
      // Ctrl-C during the wait ends it at once.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
    output.finish();
  }
}
