import { createFaultWorld, FaultWorld, FaultWorldOptions } from './fault-world.harness';
import { FaultStack } from './fault-stack.harness';
import { LoadGenerator, LoadOptions } from './load.harness';
import { ResumingSseSubscriber } from './resuming-sse.client';

/** A fault scenario's world and four apps, for the tests of one describe block. */
export interface FaultScenario {
  readonly world: FaultWorld;
  readonly stack: FaultStack;
  /** Something a test starts (a load, a subscriber) that afterAll stops first, even after a failure; returns it. */
  track<T extends { stop(): Promise<unknown> }>(resource: T): T;
  /** A load on the stack's ingest (followed across restarts) with its write key, started and tracked. */
  startLoad(options: Omit<LoadOptions, 'url' | 'key'>): LoadGenerator;
  /** A resuming live-feed subscriber on the stack's query service (`query`: a filter), started and tracked. */
  subscribe(query?: string): ResumingSseSubscriber;
}

/**
 * Registers the describe block's beforeAll (a fault world named `label`, then the four apps on it) and afterAll (what
 * the tests tracked, the apps, the world), and returns them for its tests.
 */
export function faultScenario(label: string, options: FaultWorldOptions & { setupTimeoutMs?: number } = {}): FaultScenario {
  const { setupTimeoutMs = 120000, ...worldOptions } = options;
  let world: FaultWorld | undefined;
  let stack: FaultStack | undefined;
  const tracked: Array<{ stop(): Promise<unknown> }> = [];
  beforeAll(async () => {
    world = await createFaultWorld(label, worldOptions);
    stack = await FaultStack.start({ label, databaseUrl: world.db.url, brokers: world.brokers });
  }, setupTimeoutMs);
  afterAll(async () => {
    for (const resource of tracked) await resource.stop().catch(() => undefined);
    await stack?.stop();
    await world?.destroy();
  }, 60000);
  const made = <T>(what: string, value: T | undefined): T => {
    if (!value) throw new Error(`fault scenario ${label}: no ${what} (its beforeAll failed or has not run)`);
    return value;
  };
  return {
    get world() {
      return made('world', world);
    },
    get stack() {
      return made('stack', stack);
    },
    track(resource) {
      tracked.push(resource);
      return resource;
    },
    startLoad(loadOptions) {
      const on = made('stack', stack);
      return this.track(new LoadGenerator({ url: () => on.url('ingest'), key: on.key, ...loadOptions }).start());
    },
    subscribe(query = '') {
      const on = made('stack', stack);
      return this.track(new ResumingSseSubscriber(() => on.url('query'), query).start());
    },
  };
}
