/** Four tiers, named by file: *.spec.ts (pure), *.int-spec.ts (real Postgres + Kafka), tests/e2e/*.e2e-spec.ts (running apps), tests/fault/*.fault-spec.ts (apps under faults: kills, freezes, restarts of their own Postgres and broker). */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['<rootDir>/tests/setup/quiet-logs.setup.ts'],
};

/**
 * Workers (scripts/jest-tier-runner.js): unit, int and e2e files share a pool of POOL workers; most int and e2e files
 * spend their time waiting on Postgres, Kafka and the apps' child processes, not on the CPU, so on a 2-CPU machine two
 * files side by side take little more than one. Nothing they make collides: each file has its own database and topics
 * (random names), consumer groups and free ports (port 0). The fault files run one at a time in a lane of their own,
 * beside the pool: they start Postgres clusters and brokers of their own and mostly wait (kills, freezes, outages of
 * fixed length); `poolFiles` names the short ones that share the pool instead. `--maxWorkers=1` (or `--runInBand`)
 * runs every file one after the other again; JEST_POOL_WORKERS sizes the pool, JEST_FAULT_ALONGSIDE=false runs the
 * fault lane after the pool instead of beside it.
 */
const POOL = Number(process.env.JEST_POOL_WORKERS) || 2;
const lanes = {
  runner: [
    '<rootDir>/scripts/jest-tier-runner.js',
    {
      workers: POOL,
      alone: ['fault'],
      // The bench's smoke run measures: beside a fault file starting three brokers it starved (in one fresh-clone
      // rehearsal its quick pipeline committed no event in its window, kafkajs sent 278 records/s), so it takes
      // the fault lane, one file at a time, like them.
      aloneFiles: ['tests/e2e/bench-quick.e2e-spec.ts'],
      // Fault files that take the pool: a Postgres cluster of their own and the shared broker, 20-30 s each, no
      // broker restarts and no fixed outage; in the lane they only lengthened its critical path (about 75 s of it).
      poolFiles: [
        'tests/fault/harness.fault-spec.ts',
        'tests/fault/database-reset.fault-spec.ts',
        'tests/fault/postgres-restart.fault-spec.ts',
        'tests/fault/postgres-crash.fault-spec.ts',
      ],
      alongside: process.env.JEST_FAULT_ALONGSIDE !== 'false',
    },
  ],
};

module.exports = {
  // The pool; without it jest runs everything in band on a 2-CPU machine (its default is CPUs - 1).
  maxWorkers: POOL,
  // Longest first, with estimates for files jest has no timing for yet (CI starts without a cache).
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
  projects: [
    { ...common, ...lanes, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,infra,tests}/**/*.spec.ts'] },
    {
      ...common,
      ...lanes,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,infra,tests}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/setup/timeout-int.setup.ts'],
    },
    {
      ...common,
      ...lanes,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/setup/timeout-e2e.setup.ts'],
    },
    {
      ...common,
      ...lanes,
      displayName: 'fault',
      testMatch: ['<rootDir>/tests/fault/**/*.fault-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/setup/timeout-fault.setup.ts'],
    },
  ],
};
