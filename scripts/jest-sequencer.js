// jest's test order with an estimate for files it has no timing for yet (a fresh checkout or CI: no jest cache).
// jest runs failed files first, then the longest first (from its cache), and files it has no time for before all
// of those, largest file first; file size says little here (a 56-line spec runs the whole bench for minutes). With
// two workers, a long file picked last leaves one worker idle until it ends, so unknown files are ordered by an
// estimate instead: the measured seconds of the slow ones (run alone, on an idle 2-CPU machine), else their tier's.
'use strict';
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Seconds per file, from runs one file at a time (`npx jest <file> --json`, on a busy shared machine, scaled down) and
 * what the file starts (its own brokers, a browser, the bench); files not named get their tier's estimate. Only the
 * order matters: the longest of the pool start first so that no long file is left for the end.
 */
const MEASURED_S = {
  'tests/e2e/bench-quick.e2e-spec.ts': 240,
  'tests/e2e/cli-stack.e2e-spec.ts': 120,
  'tests/e2e/kafka-sasl.e2e-spec.ts': 120,
  'tests/e2e/consumer-broker-restart.e2e-spec.ts': 90,
  'tests/e2e/feed-live.e2e-spec.ts': 90,
  'tests/e2e/dashboard-browser.e2e-spec.ts': 90,
  'tests/e2e/fuzz-kafka.e2e-spec.ts': 75,
  'tests/e2e/fuzz-write.e2e-spec.ts': 75,
  'tests/e2e/fuzz-query.e2e-spec.ts': 75,
  'tests/e2e/cli.e2e-spec.ts': 75,
  'tests/e2e/limits.e2e-spec.ts': 60,
  // int files that run long: a broker of their own killed and restarted five times; a few thousand events applied
  // several ways. At their tier's 10 s they started last in a fresh clone's run (the first at 946 s of 1,241).
  'libs/messaging/test/managed-consumer-restarts.int-spec.ts': 120,
  'libs/projections/test/set-based-apply.int-spec.ts': 40,
  'tests/fault/broker-outage.fault-spec.ts': 200,
  'tests/fault/proxy-faults.fault-spec.ts': 180,
  'tests/fault/cluster-leader-kill.fault-spec.ts': 180,
};
const TIER_S = { unit: 1, int: 10, e2e: 45, fault: 90 };

class EstimatingSequencer extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const file = path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/');
    const name = test.context.config.displayName?.name ?? test.context.config.displayName;
    return 1000 * (MEASURED_S[file] ?? TIER_S[name] ?? 5);
  }
}

module.exports = EstimatingSequencer;
