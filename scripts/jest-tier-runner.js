// jest's runner in two lanes (jest.config.js: every project's `runner`, with the same `runnerOptions`, so one instance
// gets every file of the run): a pool of `workers` for most files, and a lane of one worker for the projects named in
// `alone`, whose files run one at a time, beside the pool (`alongside`, the default) or after it.
// jest alone has one pool for a whole run, sized by maxWorkers; here the fault files (their own Postgres clusters and
// brokers, recovery times measured against bounds) never run two at once, while the unit, int and e2e files, which
// mostly wait on Postgres, Kafka and the apps' child processes, share the pool.
'use strict';
const { join } = require('node:path');
const { default: TestRunner, EmittingTestRunner } = require('jest-runner');

const projectOf = (test) => {
  const name = test.context.config.displayName;
  return typeof name === 'string' ? name : name?.name;
};

class TierRunner extends EmittingTestRunner {
  constructor(globalConfig, context, options = {}) {
    super(globalConfig, context, options);
    // Never more than the run allows: `--maxWorkers=1` / `--runInBand` keep everything serial.
    const workers = Math.max(1, Math.min(Number(options.workers) || globalConfig.maxWorkers, globalConfig.maxWorkers));
    this.alone = new Set(options.alone ?? []);
    // Files of other projects that also take the lane (paths relative to the root dir): see jest.config.js.
    this.aloneFiles = (options.aloneFiles ?? []).map((f) => join(globalConfig.rootDir, f));
    // Files of those projects that share the pool instead (short, and nothing of theirs waits on a fixed outage).
    this.poolFiles = (options.poolFiles ?? []).map((f) => join(globalConfig.rootDir, f));
    this.alongside = options.alongside !== false;
    this.pool = new TestRunner({ ...globalConfig, maxWorkers: workers }, context);
    this.lane = new TestRunner({ ...globalConfig, maxWorkers: 1 }, context);
  }

  async runTests(tests, watcher, options) {
    const inLane = (t) => (this.alone.has(projectOf(t)) && !this.poolFiles.includes(t.path)) || this.aloneFiles.includes(t.path);
    const lane = tests.filter(inLane);
    const pool = tests.filter((t) => !inLane(t));
    const runPool = async () => pool.length && (await this.pool.runTests(pool, watcher, options));
    const runLane = async () => lane.length && (await this.lane.runTests(lane, watcher, options));
    // In band (one file, or --runInBand) everything runs in this process: one file after the other.
    if (options.serial || !this.alongside) {
      await runPool();
      await runLane();
    } else await Promise.all([runPool(), runLane()]);
  }

  on(eventName, listener) {
    const off = [this.pool.on(eventName, listener), this.lane.on(eventName, listener)];
    return () => off.forEach((unsubscribe) => unsubscribe());
  }
}

module.exports = TierRunner;
