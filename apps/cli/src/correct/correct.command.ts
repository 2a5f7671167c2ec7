import { Command } from 'commander';
import { ingestClient, problemError } from '../api/api-clients.factory';
import type { paths } from '../api/generated/ingest-api';
import { CliConfig } from '../cli.config';
import { amendmentLine, idempotencyHeader, idempotencyKeyOption } from '../output/amendment-line.util';
import { CliError } from '../output/cli.errors';
import { dataPatch } from './data-patch.util';

type CorrectionBody = paths['/v1/events/{id}/corrections']['post']['requestBody']['content']['application/json'];

interface CorrectOptions {
  reason: string;
  occurredAt?: string;
  set: string[];
  data?: string;
  source?: string;
  inferred?: string;
  idempotencyKey?: string;
}

export function registerCorrect(program: Command, config: () => CliConfig): void {
  program
    .command('correct')
    .description('correct a recorded event: a new date and/or a JSON merge patch over its data, with the reason')
    .argument('<eventId>', 'the id of the event to correct')
    .requiredOption('--reason <text>', 'why it changes (kept in the history)')
    .option('--occurred-at <period>', 'the corrected date or period (YYYY, YYYY-Q3, YYYY-MM-DD, ...)')
    .option(
      '--set <path=value>',
      'one data field (dotted path; the value is JSON when it parses, else text); repeatable',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--data <json>', 'a JSON merge patch over the event data')
    .option(
      '--inferred <json>',
      'the new list of fields its sources do not state, replacing the old ([] when all now are), e.g. \'[{"path":"occurredAt","note":"from the company"}]\'',
    )
    .option('--source <json>', 'the source of the correction, e.g. {"outlet":"Example Daily","language":"en"}')
    .option(
      '--idempotency-key <uuid>',
      'the correction event id: a retry with the same key is answered as a duplicate',
      idempotencyKeyOption,
    )
    .addHelpText(
      'after',
      '\n  newsroom correct 0193b7f0-... --occurred-at 2024-09-26 --reason "the memo was dated the 26th"\n  newsroom correct 0193b7f0-... --set reason=resigned --reason "confirmed by her statement"',
    )
    .action(async (eventId: string, o: CorrectOptions) => {
      const c = config();
      const changes: CorrectionBody['changes'] = {};
      if (o.occurredAt) changes.occurredAt = o.occurredAt;
      const data = dataPatch(o.data, o.set);
      if (data) changes.data = data;
      if (o.inferred)
        changes.inferred = parseJson(
          o.inferred,
          '--inferred',
          `'[{"path":"occurredAt","note":"from the company"}]' (or '[]')`,
        ) as CorrectionBody['changes']['inferred'];
      if (!changes.occurredAt && !changes.data && !changes.inferred)
        throw new CliError('nothing to correct', 'give --occurred-at, --set path=value, --data <json patch> or --inferred <json list>');
      const body: CorrectionBody = { changes, reason: o.reason };
      if (o.source)
        body.sources = [
          parseJson(o.source, '--source', `'{"outlet":"Example Daily","language":"en"}'`) as NonNullable<CorrectionBody['sources']>[number],
        ];
      const {
        data: event,
        error,
        response,
      } = await ingestClient(c).POST('/v1/events/{id}/corrections', {
        params: { path: { id: eventId }, header: idempotencyHeader(o.idempotencyKey) },
        body,
      });
      if (!event) throw problemError(response, error, c);
      process.stdout.write(amendmentLine('corrected', eventId, 'event.corrected', event, response.status));
    });
}

/** The flag's JSON; when it is not JSON, the usage error shows what the flag takes (`example`, quoted for the shell). */
function parseJson(text: string, flag: string, example: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag} is not JSON: ${(error as Error).message}`, `quote it for the shell, e.g. ${flag} ${example}`);
  }
}
