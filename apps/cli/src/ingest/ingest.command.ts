import { textOf } from '../output/text.util';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { ingestClient, IngestClient, problemError } from '../api/api-clients.factory';
import type { paths } from '../api/generated/ingest-api';
import { CliConfig } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { ProgressBar } from '../output/progress-bar.renderer';
import { terminalText } from '../output/terminal-text.util';
import { contentId, InputRecord, readEvents } from './ndjson.reader';

type BatchBody = Extract<paths['/v1/events']['post']['requestBody']['content']['application/json'], { events: unknown }>;
type Status = 'created' | 'duplicate' | 'rejected';

interface IngestOptions {
  batchSize: string;
  onlyRejected?: boolean;
  contentIds: boolean;
}

interface IngestSummary {
  created: number;
  duplicate: number;
  rejected: number;
}

export function registerIngest(program: Command, config: () => CliConfig): void {
  program
    .command('ingest')
    .description('record the events of an NDJSON file (one envelope a line) or a JSON file (an array, {"events": [...]} or one envelope)')
    .argument('<file>', 'a .ndjson or .json file')
    .option('--batch-size <n>', 'events per request to POST /v1/events (1-1000)', '200')
    .option('--only-rejected', 'print only the lines that were rejected (and the summary)')
    .option('--no-content-ids', 'send envelopes without an id as they are (re-running the file then records them again)')
    .addHelpText(
      'after',
      `
Each line gets one result: "line N  created|duplicate|rejected  <event id>  ...". Re-running is safe: an envelope
with an "id" is recorded once (the write API is idempotent by id), and one without gets an id derived from its
content, so an import stopped half-way can simply be run again. Exits 1 when any line was rejected.

  newsroom ingest events.ndjson
  NEWSROOM_API_KEY=... newsroom ingest --only-rejected big.ndjson`,
    )
    .action(async (file: string, o: IngestOptions) => {
      const summary = await runIngest(file, o, config());
      if (summary.rejected > 0) process.exitCode = 1;
    });
}

async function runIngest(file: string, o: IngestOptions, config: CliConfig): Promise<IngestSummary> {
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`, 'give the path of an .ndjson or .json file of envelopes');
  const batchSize = Number(o.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000)
    throw new CliError('--batch-size must be an integer from 1 to 1000');
  if (!config.key)
    throw new CliError('writing needs a key', 'pass --key <secret> or set NEWSROOM_API_KEY (npm start prints a development key)');
  const client = ingestClient(config);
  const bar = new ProgressBar('lines');
  const summary: IngestSummary = { created: 0, duplicate: 0, rejected: 0 };
  const started = Date.now();
  // The id and the detail come from the file (an envelope's id, a parser's message quoting the line) or from the
  // service (its rejection messages): escaped, so each result stays one line and nothing in them runs in the terminal.
  const print = (line: number, status: Status, id: string, detail: string) => {
    summary[status]++;
    if (o.onlyRejected && status !== 'rejected') return;
    bar.clear();
    const shown = `line ${String(line).padEnd(6)} ${status.padEnd(9)} ${terminalText(id).padEnd(36)}  ${terminalText(detail)}`;
    process.stdout.write(`${shown.replace(/ +$/, '')}\n`);
  };

  // Lines in file order, unreadable ones among them, so the results print in the order of the file.
  let pending: Array<{ line: number; envelope: Record<string, unknown> } | { line: number; error: string }> = [];
  let toSend = 0;
  let lines = 0;
  let progress = { bytesRead: 0, totalBytes: 1 };
  const flush = async () => {
    if (!pending.length) return;
    const sent = pending.filter((p): p is { line: number; envelope: Record<string, unknown> } => 'envelope' in p);
    const results = await sendBatch(client, sent, config);
    let i = 0;
    for (const item of pending) {
      if (!('envelope' in item)) {
        print(item.line, 'rejected', '-', item.error);
        continue;
      }
      const r = results[i++];
      const id = textOf(r?.id ?? item.envelope.id ?? '-');
      if (r?.status === 'created' || r?.status === 'duplicate') print(item.line, r.status, id, `position ${r.globalPosition ?? '?'}`);
      else print(item.line, 'rejected', id, rejection(r?.error));
    }
    pending = [];
    toSend = 0;
    bar.update(progress.bytesRead, progress.totalBytes, `${lines} lines`, lines);
  };

  for await (const { record, bytesRead, totalBytes } of readEvents(file)) {
    lines++;
    progress = { bytesRead, totalBytes };
    const ready = prepare(record, o.contentIds);
    pending.push('error' in ready ? { line: record.line, error: ready.error } : ready);
    if ('envelope' in ready) toSend++;
    // Bounded either way: a file of unreadable lines must not pile up unprinted.
    if (toSend >= batchSize || pending.length >= 10 * batchSize) await flush();
  }
  await flush();
  bar.update(progress.totalBytes, progress.totalBytes, `${lines} lines`, lines);
  bar.done();
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? Math.round(lines / seconds) : lines;
  process.stdout.write(
    `${terminalText(file)}: ${lines} lines, ${summary.created} created, ${summary.duplicate} duplicate, ${summary.rejected} rejected in ${seconds.toFixed(1)} s (${rate} lines/s)\n`,
  );
  return summary;
}

function prepare(record: InputRecord, contentIds: boolean): { line: number; envelope: Record<string, unknown> } | { error: string } {
  if (record.error !== undefined) return { error: record.error };
  const envelope = record.envelope;
  if (envelope.id === undefined && contentIds) return { line: record.line, envelope: { id: contentId(envelope), ...envelope } };
  return { line: record.line, envelope };
}

type BatchResult = {
  status?: Status;
  id?: string | null;
  globalPosition?: string;
  error?: { code?: string; message?: string; errors?: { path: string; message: string }[] };
};

function rejection(error: BatchResult['error']): string {
  if (!error) return 'no result for this line';
  const fields = (error.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
  return `${error.code ?? 'REJECTED'}: ${fields || error.message || ''}`;
}

/**
 * One batch. Too large for the service (413): sent in halves, down to the one envelope that is too large alone,
 * which is rejected on its line. Busy (429, 503): retried with the same ids, so never recorded twice; a line with
 * no id (--no-content-ids) has nothing to make a retry safe, so then a 503 is retried only when the service says
 * nothing was recorded.
 */
async function sendBatch(client: IngestClient, chunk: { envelope: Record<string, unknown> }[], config: CliConfig): Promise<BatchResult[]> {
  if (!chunk.length) return [];
  const results = await postBatch(client, chunk, config);
  if (results !== TOO_LARGE) return results;
  if (chunk.length === 1)
    return [{ status: 'rejected', error: { code: 'REQUEST.TOO_LARGE', message: 'this envelope alone is larger than the service takes' } }];
  const half = Math.ceil(chunk.length / 2);
  return [...(await sendBatch(client, chunk.slice(0, half), config)), ...(await sendBatch(client, chunk.slice(half), config))];
}

const TOO_LARGE = Symbol('413');

async function postBatch(
  client: IngestClient,
  chunk: { envelope: Record<string, unknown> }[],
  config: CliConfig,
): Promise<BatchResult[] | typeof TOO_LARGE> {
  // The file's envelopes are not checked here: the server validates each one and answers per item.
  const body = { events: chunk.map((c) => c.envelope) } as unknown as BatchBody;
  const allHaveIds = chunk.every((c) => c.envelope.id !== undefined);
  for (let attempt = 1; ; attempt++) {
    const { data, error, response } = await client.POST('/v1/events', { body });
    if (data && 'results' in data && data.results) return data.results;
    if (response.status === 413) return TOO_LARGE;
    const nothingRecorded = (error as { recorded?: unknown } | undefined)?.recorded === false;
    const safe = response.status === 429 || (response.status === 503 && (allHaveIds || nothingRecorded));
    if (safe && attempt < 6) {
      const wait = Number(response.headers.get('retry-after')) || attempt;
      await new Promise((r) => setTimeout(r, Math.min(30, wait) * 1000));
      continue;
    }
    const problem = problemError(response, error, config);
    if (response.status === 503 && !allHaveIds)
      throw new CliError(
        problem.message,
        'not retried: lines sent without an id (--no-content-ids) might be recorded twice. Check with `newsroom tail`, then send the rest',
        1,
      );
    throw problem;
  }
}
