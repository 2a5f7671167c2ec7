import { TEST_KAFKA_BROKERS } from '../kafka.harness';
import { createTestDatabase, TestDatabase } from '../test-database.harness';
import { KafkaBroker } from './kafka-broker.harness';
import { PgCluster } from './pg-cluster.harness';

/** Where a fault scenario runs: a fresh database and a broker list, either shared or of its own. */
export interface FaultWorld {
  db: TestDatabase;
  /** The scenario's own Postgres cluster (when asked for): the one it may restart, kill or freeze. */
  pg?: PgCluster;
  /** The scenario's own broker (when asked for): the one it may kill, freeze or restart. */
  broker?: KafkaBroker;
  brokers: string[];
  destroy(): Promise<void>;
}

export interface FaultWorldOptions {
  ownPostgres?: boolean;
  ownBroker?: boolean;
  /** Settings (`name=value`) of the own Postgres cluster, given to each of its starts. */
  pgSettings?: readonly string[];
}

/**
 * A fresh migrated database (on the shared server, or on a throwaway cluster with `ownPostgres`) and a broker list
 * (the shared broker, or a broker of its own with `ownBroker`). Only what is the scenario's own may be faulted.
 * `destroy()` (afterAll) drops and stops everything it made, even after a failure.
 */
export async function createFaultWorld(label: string, options: FaultWorldOptions = {}): Promise<FaultWorld> {
  let pg: PgCluster | undefined;
  let broker: KafkaBroker | undefined;
  let db: TestDatabase | undefined;
  const destroy = async () => {
    await db?.drop().catch(() => undefined);
    await Promise.allSettled([pg?.destroy(), broker?.destroy()]);
  };
  try {
    const [a, b] = await Promise.allSettled([
      options.ownPostgres ? PgCluster.create(label, options.pgSettings) : undefined,
      options.ownBroker ? KafkaBroker.start(label) : undefined,
    ]);
    if (a.status === 'fulfilled') pg = a.value;
    if (b.status === 'fulfilled') broker = b.value;
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    db = pg ? await pg.createDatabase(label) : await createTestDatabase(label);
  } catch (error) {
    await destroy();
    throw error;
  }
  return { db, pg, broker, brokers: broker ? broker.brokers : TEST_KAFKA_BROKERS, destroy };
}
