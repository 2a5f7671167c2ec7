import { deadLetterOf, IncomingMessage, OutgoingMessage } from '@newsroom/messaging';
import { boundedFieldProblems } from '@newsroom/platform';
import { WriteRejection } from '../../events/shared/write.types';

const DLQ_HEADERS = {
  code: 'error-code',
  message: 'error-message',
  status: 'error-status',
  paths: 'error-paths',
  pathsOmitted: 'error-paths-omitted',
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
} as const;

/**
 * The rejected message as it came (key, value and headers byte for byte, a null key or value, every value of a
 * repeated header) plus why, so it can be fixed and sent again; a producer's own header named like one of these is
 * kept as `original-<name>` (deadLetterOf). The field errors
 * are bounded as an HTTP problem's are: a key of 900,000 characters repeated in full in `error-paths` would make the
 * dead letter twice the message, past what the broker takes.
 */
export function toDeadLetter(message: IncomingMessage, rejection: WriteRejection): OutgoingMessage {
  const listed = boundedFieldProblems(rejection.errors ?? []);
  return deadLetterOf(message, {
    [DLQ_HEADERS.code]: rejection.code,
    [DLQ_HEADERS.message]: rejection.message.slice(0, 2000),
    [DLQ_HEADERS.status]: String(rejection.status),
    [DLQ_HEADERS.paths]: JSON.stringify(listed.errors),
    ...(listed.omitted ? { [DLQ_HEADERS.pathsOmitted]: String(listed.omitted) } : {}),
    [DLQ_HEADERS.sourceTopic]: message.topic,
    [DLQ_HEADERS.sourcePartition]: String(message.partition),
    [DLQ_HEADERS.sourceOffset]: message.offset,
  });
}
