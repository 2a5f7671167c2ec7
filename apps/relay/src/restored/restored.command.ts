import { Client } from 'pg';
import { EVENT_HEADERS, KafkaClient, kafkaSasl, STORE_ID_HEADER, topicNames } from '@newsroom/messaging';
import { RelayConfig } from '../config/relay.config';

export interface RestoredOptions {
  /** Skip asking the broker: its topics were deleted or its data is gone, so it carries no tail (the relay publishes the whole log again). */
  noBroker?: boolean;
  /** A position readers may hold beyond what the topic shows (the highest `feed_tail_position` scraped): new events come after it. */
  after?: bigint;
  write?: (line: string) => void;
}

export interface RestoredResult {
  previousId: string;
  storeId: string;
  head: string;
  /** The highest position the events topic carries (any store's), '0' when empty or not asked. */
  brokerHead: string;
  /** The next event is recorded after this position. */
  continuesAfter: string;
  relayFrom: string;
}

/**
 * After a backup was restored (README "Backups and restores"): the broker may carry events recorded after the backup
 * (the lost tail), under this store's identity and at positions the restored log would hand out again. So the store
 * gets a new identity (projectors skip the tail's messages as another store's, as after a reset), its positions go
 * on after the highest one the topic carries (a subscriber's Last-Event-ID in the lost tail neither skips nor
 * doubles an event recorded after the restore), and the relay publishes again from what every read model had
 * applied when the backup was taken, under the new identity. Refused while anything else is connected to the database.
 */
export async function markRestored(config: RelayConfig, options: RestoredOptions = {}): Promise<RestoredResult> {
  const write = options.write ?? ((s: string) => void process.stdout.write(`${s}\n`));
  const topic = topicNames(config.KAFKA_TOPIC_PREFIX).events;
  const db = new Client({ connectionString: config.DATABASE_URL, application_name: 'db-restored' });
  await db.connect().catch((error: Error & { code?: string }) => {
    if (error.code === '3D000')
      throw new Error(`${error.message}: restore the backup first (pg_restore --create -d <server's postgres database> <file>)`);
    throw error;
  });
  try {
    const { rows: others } = await db.query(
      `SELECT coalesce(nullif(application_name, ''), '?') AS name, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' GROUP BY 1 ORDER BY 1`,
    );
    if (others.length)
      throw new Error(
        `stop every service first: ${others.map((o) => `${o.n} connection(s) of ${o.name}`).join(', ')} open on this database`,
      );
    let brokerHead = 0n;
    if (!options.noBroker) {
      const kafka = new KafkaClient({ clientId: 'newsroom-db-restored', brokers: config.KAFKA_BROKERS, sasl: kafkaSasl(config) });
      try {
        for (const r of await kafka.lastRecordHeaders(topic)) {
          const p = BigInt(r.headers[EVENT_HEADERS.globalPosition] || '0');
          if (p > brokerHead) brokerHead = p;
        }
      } catch (error) {
        throw new Error(
          `could not read the last records of ${topic} on ${config.KAFKA_BROKERS.join(',')} (${(error as Error).message}); ` +
            `start the broker, or pass --no-broker if its topics are gone`,
        );
      } finally {
        await kafka.close().catch(() => undefined);
      }
    }
    await db.query('BEGIN');
    try {
      const [ident] = (await db.query(`SELECT id::text AS id FROM event_store.store_identity FOR UPDATE`)).rows;
      const [{ head, last }] = (
        await db.query(
          `SELECT (SELECT coalesce(max(global_position), 0) FROM event_store.events)::text AS head,
                  coalesce(pg_sequence_last_value(pg_get_serial_sequence('event_store.events', 'global_position')::regclass), 0)::text AS last`,
        )
      ).rows;
      const after = [BigInt(head), BigInt(last), brokerHead, options.after ?? 0n].reduce((a, b) => (b > a ? b : a));
      if (after > 0n)
        await db.query(`SELECT setval(pg_get_serial_sequence('event_store.events', 'global_position'), $1)`, [after.toString()]);
      const [{ id }] = (
        await db.query(`UPDATE event_store.store_identity SET id = gen_random_uuid(), created_at = now() RETURNING id::text AS id`)
      ).rows;
      // Topics gone: the relay publishes the whole log again, so the topic is whole for every reader of it.
      const [relay] = (
        await db.query(
          `UPDATE event_store.relay_checkpoints SET updated_at = now(), position = CASE WHEN $2 THEN 0 ELSE least(position,
             coalesce((SELECT min(last_position) FROM read_model.projection_checkpoints WHERE topic = $1), 0)) END
           WHERE name = $1 RETURNING position::text AS position`,
          [topic, Boolean(options.noBroker)],
        )
      ).rows;
      await db.query('COMMIT');
      const result: RestoredResult = {
        previousId: ident?.id ?? 'none',
        storeId: id,
        head,
        brokerHead: brokerHead.toString(),
        continuesAfter: after.toString(),
        relayFrom: relay?.position ?? '0',
      };
      write(
        `[db:restored] event store ${result.storeId} (was ${result.previousId}): ${STORE_ID_HEADER} of what the relay publishes from now on`,
      );
      write(
        `[db:restored] the restored log ends at position ${head}; ` +
          (options.noBroker ? `${topic} not read (--no-broker)` : `${topic} carries positions up to ${result.brokerHead}`) +
          (brokerHead > BigInt(head)
            ? ` (${brokerHead - BigInt(head)} recorded after the backup: lost, and skipped as another store's)`
            : '') +
          `; new events are recorded after ${result.continuesAfter}`,
      );
      write(
        `[db:restored] the relay publishes again after position ${result.relayFrom} (${options.noBroker ? 'the whole log, the topics being gone' : 'what every read model had applied'}); start the services`,
      );
      return result;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await db.end().catch(() => undefined);
  }
}
