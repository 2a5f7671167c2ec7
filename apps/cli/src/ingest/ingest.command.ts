import { textOf } from '../output/text.util';
import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { BodyCut, ingestClient, IngestClient, probeBodySize, problemError } from '../api/api-clients.factory';
import type { paths } from '../api/generated/ingest-api';
import { CliConfig } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { OutputWatch } from '../output/output-watch.util';
import { ProgressBar } from '../output/progress-bar.renderer';
import { terminalText } from '../output/terminal-text.util';
import { batchBodyBytes, DEFAULT_BODY_LIMIT, limitOf413, packed, sizeBytes } from './body-limit.util';
import { EncodingLedger, encodingAdvice, Fallback } from './encoding.util';
import { contentId, InputRecord, readEvents } from './ndjson.reader';

type BatchBody = Extract<paths['/v1/events']['post']['requestBody']['content']['application/json'], { events: unknown }>;
type Status = 'created' | 'duplicate' | 'rejected';

interface IngestOptions {
  batchSize: string;
  maxBody?: string;
  onlyRejected?: boolean;
  contentIds: boolean;
  encoding?: string;
}

interface IngestSummary {
  created: number;
  duplicate: number;
  rejected: number;
}

/** An envelope to send, with its encoded size (what it adds to a batch body). */
type Where = { line: number; label?: string; decodedAs?: Fallback };
type Sendable = Where & { envelope: Record<string, unknown>; bytes: number };
type Unsendable = Where & { id?: string; error: string };

export function registerIngest(program: Command, config: () => CliConfig): void {
  program
    .command('ingest')
    .description('record the events of an NDJSON file (one envelope a line) or a JSON file (an array, {"events": [...]} or one envelope)')
    .argument('<file>', 'a .ndjson or .json file (UTF-8)')
    .option('--batch-size <n>', 'events per request to POST /v1/events (1-1000)', '200')
    .option(
      '--max-body <size>',
      `the service's body limit, e.g. 2048kb or 2mb: batches are cut to stay under it (default: INGEST_BODY_LIMIT, else ${DEFAULT_BODY_LIMIT}; a smaller limit in a 413 answer is learnt)`,
    )
    .option('--only-rejected', 'print only the lines that were rejected (and the summary)')
    .option('--no-content-ids', 'send envelopes without an id as they are (re-running the file then records them again)')
    .option(
      '--encoding <windows-1252>',
      'decode the lines that are not UTF-8 as Windows-1252 (Latin-1 letters, curly quotes, euro sign), and only those; each such line says so',
    )
    .addHelpText(
      'after',
      `
Each line gets one result: "line N  created|duplicate|rejected  <event id>  ..." (in a JSON array: "element N (line L)").
Re-running is safe: an envelope with an "id" is recorded once (the write API is idempotent by id), and one without
gets an id derived from its content, so an import stopped half-way can simply be run again. A batch is cut to stay
under the body limit; an envelope larger than the limit alone is rejected on its line (REQUEST.TOO_LARGE) without
being sent, and a line that is not UTF-8 is rejected on its line: under the summary the CLI says how to convert
the rejected lines (only those when other lines are UTF-8 already, as converting the whole file would garble them),
or run the file again with --encoding windows-1252. Exits 1 when any line was rejected, 0 for an empty file
(nothing to ingest). A reader that leaves (| head) ends the import quietly: what was sent is recorded, run it again
for the rest.

  newsroom ingest events.ndjson
  NEWSROOM_API_KEY=... newsroom ingest --only-rejected big.ndjson
  newsroom ingest --encoding windows-1252 mixed.ndjson   # UTF-8 lines as they are, the others from Windows-1252`,
    )
    .action(async (file: string, o: IngestOptions) => {
      const summary = await runIngest(file, o, config());
      if (summary.rejected > 0) process.exitCode = 1;
    });
}

async function runIngest(file: string, o: IngestOptions, config: CliConfig): Promise<IngestSummary> {
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`, 'give the path of an .ndjson or .json file of envelopes');
  if (statSync(file).isDirectory())
    throw new CliError(`${file} is a directory`, 'give the path of an .ndjson or .json file of envelopes (one file per run)');
  const batchSize = Number(o.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000)
    throw new CliError('--batch-size must be an integer from 1 to 1000');
  const limitText = o.maxBody ?? process.env.INGEST_BODY_LIMIT ?? DEFAULT_BODY_LIMIT;
  const given = sizeBytes(limitText);
  if (given === null || given < 1024)
    throw new CliError(
      `${o.maxBody ? '--max-body' : 'INGEST_BODY_LIMIT'} ${limitText} is not a body limit`,
      'give a size such as 2048kb or 2mb (at least 1kb)',
    );
  if (!config.key)
    throw new CliError('writing needs a key', 'pass --key <secret> or set NEWSROOM_API_KEY (npm start prints a development key)');
  if (o.encoding !== undefined && o.encoding.toLowerCase() !== 'windows-1252')
    throw new CliError(
      `--encoding ${o.encoding} is not one the CLI decodes`,
      '--encoding windows-1252 is the one (it has the letters of Latin-1 and ISO-8859-1, and the curly quotes and euro sign); convert other encodings with iconv first',
    );
  const fallback: Fallback | undefined = o.encoding === undefined ? undefined : 'windows-1252';
  const ledger = new EncodingLedger();
  const client = ingestClient(config);
  const limit = { bytes: given };
  // What the file holds: lines of NDJSON, the elements of a JSON array, or one JSON document (named by the first record).
  let noun = file.endsWith('.json') ? 'document' : 'line';
  const bar = new ProgressBar(`${noun}s`);
  const summary: IngestSummary = { created: 0, duplicate: 0, rejected: 0 };
  const started = Date.now();
  // The reader of the results left (| head): stop reading; what was sent is recorded, and nothing more is said.
  const output = new OutputWatch();
  // The id and the detail come from the file (an envelope's id, a parser's message quoting the line) or from the
  // service (its rejection messages): escaped, so each result stays one line and nothing in them runs in the terminal.
  const print = (item: Where, status: Status, id: string, detail: string) => {
    summary[status]++;
    if (output.closed || (o.onlyRejected && status !== 'rejected')) return;
    bar.clear();
    const where = item.label ?? `line ${String(item.line).padEnd(6)}`;
    // A line read with --encoding says so: what was recorded is that decoding of its bytes.
    const how = item.decodedAs ? ' (decoded as Windows-1252)' : '';
    const shown = `${where} ${status.padEnd(9)} ${terminalText(id).padEnd(36)}  ${terminalText(detail)}${how}`;
    process.stdout.write(`${shown.replace(/ +$/, '')}\n`);
  };

  // Lines in file order, unreadable ones among them, so the results print in the order of the file.
  let pending: Array<Sendable | Unsendable> = [];
  let toSend = 0;
  let pendingSizes: number[] = [];
  let lines = 0;
  let answered = 0;
  let totalBytes = statSync(file).size;
  let end = 0;
  const flush = async () => {
    if (!pending.length) return;
    const sent = pending.filter((p): p is Sendable => 'envelope' in p);
    const results = await sendBatch(client, sent, config, limit);
    let i = 0;
    for (const item of pending) {
      if (!('envelope' in item)) {
        print(item, 'rejected', item.id ?? '-', item.error);
        continue;
      }
      const r = results[i++];
      const id = textOf(r?.id ?? item.envelope.id ?? '-');
      if (r?.status === 'created' || r?.status === 'duplicate') print(item, r.status, id, `position ${r.globalPosition ?? '?'}`);
      else print(item, 'rejected', id, rejection(r?.error));
    }
    answered += pending.length;
    pending = [];
    pendingSizes = [];
    toSend = 0;
    // Progress is what the service answered: the bytes of the lines answered so far, not of those read ahead.
    if (!output.closed) bar.update(end, totalBytes, counted(answered, noun), answered);
  };

  for await (const read of readEvents(file, { ledger, fallback })) {
    if (output.closed) break;
    const { record } = read;
    totalBytes = read.totalBytes;
    if (lines++ === 0 && record.label !== undefined) bar.unit = `${(noun = 'element')}s`;
    const ready = prepare(record, o.contentIds, limit.bytes);
    // A batch stays under the body limit: one this envelope would push over it is sent first.
    if ('envelope' in ready && pendingSizes.length && batchBodyBytes([...pendingSizes, ready.bytes]) > limit.bytes) await flush();
    end = read.end;
    pending.push(ready);
    if ('envelope' in ready) {
      toSend++;
      pendingSizes.push(ready.bytes);
    }
    // Bounded either way: a file of unreadable lines must not pile up unprinted.
    if (toSend >= batchSize || pending.length >= 10 * batchSize) await flush();
  }
  await flush();
  if (output.closed) return summary;
  bar.update(totalBytes, totalBytes, counted(lines, noun), lines);
  bar.done();
  if (lines === 0) {
    // An empty export is not an error (a loop over a day's files may meet one): said plainly, exit 0.
    const why = file.endsWith('.json') ? 'the file is empty or an empty array' : 'the file is empty or holds only blank lines';
    process.stdout.write(`${terminalText(file)}: nothing to ingest (${why})\n`);
    return summary;
  }
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? Math.round(lines / seconds) : lines;
  process.stdout.write(
    `${terminalText(file)}: ${counted(lines, noun)}, ${summary.created} created, ${summary.duplicate} duplicate, ${summary.rejected} rejected in ${seconds.toFixed(1)} s (${rate} ${noun}s/s)\n`,
  );
  // What to do about lines that are not UTF-8, now that every line was read: whether the file is UTF-8 elsewhere
  // decides if converting it whole is safe.
  for (const advice of encodingAdvice(file, ledger, { json: file.endsWith('.json'), rerunSafe: o.contentIds }))
    process.stdout.write(`${terminalText(advice)}\n`);
  return summary;
}

/** `1 line`, `3 lines`, `1 element`. */
const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The envelope to send (with an id from its content unless --no-content-ids), or why it is not sent. */
function prepare(record: InputRecord, contentIds: boolean, limitBytes: number): Sendable | Unsendable {
  const { line, label, decodedAs } = record;
  if (record.error !== undefined) return { line, label, decodedAs, error: record.error };
  const envelope =
    record.envelope.id === undefined && contentIds ? { id: contentId(record.envelope), ...record.envelope } : record.envelope;
  const bytes = Buffer.byteLength(JSON.stringify(envelope));
  if (batchBodyBytes([bytes]) > limitBytes)
    return {
      line,
      label,
      decodedAs,
      id: textOf(envelope.id ?? '-'),
      error: `REQUEST.TOO_LARGE: ${tooLargeAlone(batchBodyBytes([bytes]), limitBytes)}`,
    };
  return { line, label, decodedAs, envelope, bytes };
}

const tooLargeAlone = (bytes: number, limitBytes: number, sent = false) =>
  `this envelope alone makes a body of ${bytes} bytes, over the service's limit of ${limitBytes} bytes${sent ? '' : ' (not sent)'}`;

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
 * One batch. Too large for the service (413: its limit is below the one the batches were cut for): the limit its
 * answer names is learnt, for this batch (cut again under it) and the next ones; without one, the batch is sent in
 * halves. An envelope too large alone is rejected on its line. Busy (429, 503): retried with the same ids, so never
 * recorded twice; a line with no id (--no-content-ids) has nothing to make a retry safe, so then a 503 is retried
 * only when the service says nothing was recorded.
 */
async function sendBatch(client: IngestClient, chunk: Sendable[], config: CliConfig, limit: { bytes: number }): Promise<BatchResult[]> {
  if (!chunk.length) return [];
  const alone = chunk.length === 1 ? batchBodyBytes([chunk[0].bytes]) : 0;
  const tooLarge = (sent: boolean): BatchResult[] => [
    { status: 'rejected', error: { code: 'REQUEST.TOO_LARGE', message: tooLargeAlone(alone, limit.bytes, sent) } },
  ];
  if (alone > limit.bytes) return tooLarge(false);
  const results = await postBatch(client, chunk, config);
  if (!(results instanceof TooLarge)) return results;
  if (results.limitBytes !== null && results.limitBytes < limit.bytes) limit.bytes = results.limitBytes;
  if (chunk.length === 1) return tooLarge(true);
  const groups = packed(chunk, limit.bytes);
  const parts = groups.length > 1 ? groups : [chunk.slice(0, Math.ceil(chunk.length / 2)), chunk.slice(Math.ceil(chunk.length / 2))];
  const out: BatchResult[] = [];
  for (const part of parts) out.push(...(await sendBatch(client, part, config, limit)));
  return out;
}

/** A 413, with the limit its problem names, if any. */
class TooLarge {
  constructor(readonly limitBytes: number | null) {}
}

async function postBatch(client: IngestClient, chunk: Sendable[], config: CliConfig): Promise<BatchResult[] | TooLarge> {
  // The file's envelopes are not checked here: the server validates each one and answers per item.
  const body = { events: chunk.map((c) => c.envelope) } as unknown as BatchBody;
  const allHaveIds = chunk.every((c) => c.envelope.id !== undefined);
  let cutOnce = false;
  for (let attempt = 1; ; attempt++) {
    let answer;
    try {
      answer = await client.POST('/v1/events', { body });
    } catch (failure) {
      // The connection was reset with no answer: most likely the service refused the size and its 413 was lost
      // with the connection. Sending again is safe when the body was not all sent (nothing can be recorded) or
      // every envelope has an id (a resend is answered duplicate). Several envelopes: sent in halves. One: tried
      // once more.
      const { bodyCut, reset } = failure as BodyCut;
      if (reset && !bodyCut && !allHaveIds) {
        // The body was handed over whole, and lines without an id make a resend unsafe unless nothing was taken. Ask
        // the service what it does with a body this size, sending none: a 413 says the reset was that refusal.
        const bytes = batchBodyBytes(chunk.map((c) => c.bytes));
        const probe = await probeBodySize(config, '/v1/events', bytes);
        if (probe?.status === 413) return new TooLarge(limitOf413(probe.problem));
        throw failure;
      }
      if (!(bodyCut || (reset && allHaveIds))) throw failure;
      if (chunk.length > 1) return new TooLarge(null);
      if (!cutOnce) {
        cutOnce = true;
        continue;
      }
      const e = failure as CliError;
      throw new CliError(
        e.message,
        `the connection closed while a ${batchBodyBytes([chunk[0].bytes])}-byte body was sent: if the service's body limit is lower, pass --max-body; else ${e.hint ?? 'check the service'}`,
        e.exitCode,
      );
    }
    const { data, error, response } = answer;
    if (data && 'results' in data && data.results) return data.results;
    if (response.status === 413) return new TooLarge(limitOf413(error));
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
