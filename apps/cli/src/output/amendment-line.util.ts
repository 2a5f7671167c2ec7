import { InvalidArgumentError } from 'commander';
import { terminalText } from './terminal-text.util';
import { textOf } from './text.util';

/**
 * What `correct`, `retract` and `resolve` print once the service recorded (201) or had already recorded (200, a
 * retry with the same Idempotency-Key) their event: "<verb> <target>: <type> <id> at position <n><more>", and
 * " (duplicate: already recorded with this key)" after a 200. Both end with 0: the event is on record either way.
 * The target given and what the service answered are escaped like all data the CLI prints (terminal-text.util).
 */
export function amendmentLine(
  verb: string,
  target: string,
  type: string,
  event: { id?: unknown; globalPosition?: unknown },
  status: number,
  more = '',
): string {
  const dup = status === 200 ? ' (duplicate: already recorded with this key)' : '';
  const [shownTarget, id, position] = [target, event.id, event.globalPosition].map((v) => terminalText(textOf(v)));
  return `${verb} ${shownTarget}: ${type} ${id} at position ${position}${more}${dup}\n`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The value of `--idempotency-key`, checked before any request: the key becomes the recorded event's id, so it is a
 * UUID (as ingest takes it, surrounding spaces trimmed). Anything else is a usage error (exit 2), as a bad option is.
 */
export function idempotencyKeyOption(value: string): string {
  const key = value.trim();
  if (!UUID.test(key))
    throw new InvalidArgumentError('it must be a UUID (the id the recorded event takes), such as 0193c000-0000-7000-8000-00000000000b.');
  return key;
}

/** The Idempotency-Key header of `--idempotency-key`, none without it. */
export const idempotencyHeader = (key: string | undefined) => (key ? { 'Idempotency-Key': key } : undefined);
