import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (the last release, 2023) spins a 1 ms timer on every broker connection it has ever used, forever.
 *
 * `RequestQueue.scheduleCheckPendingRequests` runs after every check of the connection's pending requests and
 * schedules the next check at `throttledUntil - Date.now()`. Unthrottled, `throttledUntil` is -1, so the delay is
 * about minus the epoch in ms; Node turns it into 1 ms, the check finds nothing pending and schedules itself again.
 * Measured here on an idle `npm start`: 1,700 event-loop wakeups a second in each of ingest, relay and projector
 * (against 200 in the query service, which holds no Kafka connection), 2.6-3.2% of a core each, with nothing to do.
 * Upstream: tulios/kafkajs#1556, #1604 and #1704 (open); the fixes proposed in #1667 and #1768 were never merged.
 *
 * The fix is #1768's as its review amended it: with nothing pending and no throttle in force there is nothing to
 * check, so nothing is scheduled. Nothing waits on that timer: `push` schedules a check when it queues a request
 * it cannot send at once, and every answer (`fulfillRequest`) checks the queue. A throttle still schedules the
 * check for its end, and pending requests still get the 10 ms fallback (#1532's fix for a marginal throttle).
 *
 * Applied once, at import, to the kafkajs this package resolves, and only to the version it was written against:
 * another version is left alone (`kafkajs-request-queue.spec.ts` fails then, to have it looked at again).
 */
export const PATCHED_KAFKAJS_VERSION = '2.2.4';
/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL (not exported). */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;
/** `require` from inside the kafkajs this package resolves (its package.json and its internal modules). */
export const requireFromKafkajs = createRequire(require.resolve('kafkajs'));

interface RequestQueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

export type KafkajsPatchOutcome = 'patched' | 'already patched' | `left alone: kafkajs ${string}`;

/**
 * One patch of a kafkajs class, the way this package patches them all: on the pinned version only (another is left
 * alone, and the patch's spec fails there), once (a mark on the class's prototype), on the class kafkajs already
 * loaded (`modulePath` inside kafkajs), so the order modules load in does not matter.
 */
export function patchPinnedKafkajs<C extends { prototype: object }>(
  modulePath: string,
  mark: string,
  apply: (target: C) => void,
): KafkajsPatchOutcome {
  const version = (requireFromKafkajs('./package.json') as { version: string }).version;
  if (version !== PATCHED_KAFKAJS_VERSION) return `left alone: kafkajs ${version}`;
  const target = requireFromKafkajs(modulePath) as C;
  const marked = Symbol.for(`newsroom.kafkajs.${mark}`);
  if ((target.prototype as Record<symbol, boolean>)[marked]) return 'already patched';
  apply(target);
  Object.defineProperty(target.prototype, marked, { value: true });
  return 'patched';
}

export function patchKafkajsIdleLoop(): KafkajsPatchOutcome {
  return patchPinnedKafkajs<{ prototype: RequestQueueLike }>(
    './src/network/requestQueue/index.js',
    'idle-loop-patched',
    ({ prototype: proto }) => {
      proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueLike): void {
        if (this.throttleCheckTimeoutId) return;
        let scheduleAt = this.throttledUntil - Date.now();
        if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL;
        else if (scheduleAt <= 0) return;
        this.throttleCheckTimeoutId = setTimeout(() => {
          this.throttleCheckTimeoutId = null;
          this.checkPendingRequests();
        }, scheduleAt);
      };
    },
  );
}

/** What the import did, for the spec and for anyone asking (`kafkaIdleLoopPatch`). */
export const kafkaIdleLoopPatch: KafkajsPatchOutcome = patchKafkajsIdleLoop();
