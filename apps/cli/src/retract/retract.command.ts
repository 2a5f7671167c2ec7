import { Command } from 'commander';
import { ingestClient, problemError } from '../api/api-clients.factory';
import { CliConfig } from '../cli.config';
import { amendmentLine, idempotencyHeader, idempotencyKeyOption } from '../output/amendment-line.util';

export function registerRetract(program: Command, config: () => CliConfig): void {
  program
    .command('retract')
    .description('retract a recorded event: it leaves every report and view, and stays readable with its history')
    .argument('<eventId>', 'the id of the event to retract')
    .requiredOption('--reason <text>', 'why it is retracted (kept in the history)')
    .option(
      '--idempotency-key <uuid>',
      'the retraction event id: a retry with the same key is answered as a duplicate',
      idempotencyKeyOption,
    )
    .addHelpText('after', '\n  newsroom retract 0193b7f0-... --reason "the outlet withdrew the story"')
    .action(async (eventId: string, o: { reason: string; idempotencyKey?: string }) => {
      const c = config();
      const {
        data: event,
        error,
        response,
      } = await ingestClient(c).POST('/v1/events/{id}/retractions', {
        params: { path: { id: eventId }, header: idempotencyHeader(o.idempotencyKey) },
        body: { reason: o.reason },
      });
      if (!event) throw problemError(response, error, c);
      process.stdout.write(amendmentLine('retracted', eventId, 'event.retracted', event, response.status));
    });
}
