import { IncomingMessage, OutgoingMessage } from '@newsroom/messaging';
import { WriteRejection } from '../../events/shared/write.types';

const DLQ_HEADERS = {
  code: 'error-code',
  message: 'error-message',
  status: 'error-status',
  paths: 'error-paths',
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
} as const;

/** The rejected message as it came (value, key, headers) plus why, so it can be fixed and sent again. */
export function toDeadLetter(message: IncomingMessage, rejection: WriteRejection): OutgoingMessage {
  return {
    // kafkajs takes a null key as "no key": the dead letter keeps the original's exactly.
    key: message.key as string,
    value: message.value,
    headers: {
      ...message.headers,
      [DLQ_HEADERS.code]: rejection.code,
      [DLQ_HEADERS.message]: rejection.message.slice(0, 2000),
      [DLQ_HEADERS.status]: String(rejection.status),
      [DLQ_HEADERS.paths]: JSON.stringify(rejection.errors ?? []),
      [DLQ_HEADERS.sourceTopic]: message.topic,
      [DLQ_HEADERS.sourcePartition]: String(message.partition),
      [DLQ_HEADERS.sourceOffset]: message.offset,
    },
  };
}
