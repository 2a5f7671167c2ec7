import { Command } from 'commander';
import { ingestClient, problemError } from '../api/api-clients.factory';
import { CliConfig } from '../cli.config';
import { amendmentLine, idempotencyHeader, idempotencyKeyOption } from '../output/amendment-line.util';
import { terminalText } from '../output/terminal-text.util';
import { textOf } from '../output/text.util';
import { resolutionKey } from './resolution-key.util';

interface ResolveOptions {
  standing: string;
  reason: string;
  idempotencyKey?: string;
}

/**
 * `newsroom resolve`: an editor records which side of a conflict stands (POST /v1/conflicts/{id}/resolution), built
 * as `correct` and `retract` are: the same key, Idempotency-Key, result line, problem messages and exit codes.
 */
export function registerResolve(program: Command, config: () => CliConfig): void {
  program
    .command('resolve')
    .description(
      'record which side of a conflict stands, with the reason: the conflict closes; the other side stays on record (retract it to take it out of the reports)',
    )
    .argument('<conflictId>', 'the conflict (the conflictId column of `newsroom report conflicts`)')
    .requiredOption(
      '--standing <eventId>',
      'the whole event id of the side that stands (the eventId column of `newsroom report conflicts`)',
    )
    .requiredOption('--reason <text>', 'why this side stands (kept with the resolution)')
    .option(
      '--idempotency-key <uuid>',
      'the resolution event id: a retry with the same key is answered as a duplicate (default: a UUID derived from the conflict, --standing and --reason)',
      idempotencyKeyOption,
    )
    .addHelpText(
      'after',
      '\nWithout --idempotency-key the key is a name-based UUID (v5) of the conflict, the side that stands and the reason:\nthe same command run again is answered as a duplicate of the resolution it recorded, never recorded twice. To record\nthe same side and reason again after another resolution replaced it, give a new --idempotency-key.\n\nA later resolution of the same conflict replaces the earlier one (both stay in the log).\n\n  newsroom report conflicts --status open\n  newsroom resolve 5f3e... --standing 0193b7f0-... --reason "the audited accounts say 30 billion"',
    )
    .action(async (conflictId: string, o: ResolveOptions) => {
      const c = config();
      const {
        data: event,
        error,
        response,
      } = await ingestClient(c).POST('/v1/conflicts/{id}/resolution', {
        // Without a key of the editor's, one of what is resolved: the same command again is the duplicate.
        params: {
          path: { id: conflictId },
          header: idempotencyHeader(o.idempotencyKey ?? resolutionKey(conflictId, o.standing, o.reason)),
        },
        body: { standingEventId: o.standing, reason: o.reason },
      });
      if (!event) throw problemError(response, error, c);
      // The side as the service recorded it (it keeps ids in lower case).
      const data: { standingEventId?: unknown } = event.data ?? {};
      const standing = data.standingEventId ?? o.standing;
      // A duplicate is the resolution recorded earlier under this key: a later one may have replaced it since (t25).
      const side = terminalText(textOf(standing));
      const stands = response.status === 200 ? `, ${side} stood when it was recorded` : `, ${side} stands`;
      process.stdout.write(amendmentLine('resolved', conflictId, 'conflict.resolved', event, response.status, stands));
    });
}
