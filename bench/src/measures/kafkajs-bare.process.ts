import { kafkajsConsumer, kafkajsProducer } from './kafkajs.measure';

/**
 * The bare kafkajs baselines, in a process of their own. The bench's own process loads `@newsroom/messaging`, whose
 * import patches kafkajs (its request queue's idle loop, its protocol encoder's buffers), so measured there the
 * "library alone" would be ours. This process loads kafkajs and nothing of the product: the library as shipped.
 */
export type BareKafkajsCommand =
  | { kind: 'producer'; options: Parameters<typeof kafkajsProducer>[0] }
  | { kind: 'consumer'; options: Parameters<typeof kafkajsConsumer>[0] };
export type BareKafkajsAnswer = { ok: true; value: unknown } | { ok: false; error: string };

process.once('message', (command: BareKafkajsCommand) => {
  const run = command.kind === 'producer' ? kafkajsProducer(command.options) : kafkajsConsumer(command.options);
  run.then(
    (value) => process.send!({ ok: true, value } satisfies BareKafkajsAnswer, () => process.exit(0)),
    (error: Error) => process.send!({ ok: false, error: error.stack ?? String(error) } satisfies BareKafkajsAnswer, () => process.exit(1)),
  );
});

// Started in a session of its own: a bench stopped half way closes the channel, and this process goes with it.
process.on('disconnect', () => process.exit(0));
