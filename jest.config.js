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

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,infra,tests}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,infra,tests}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/setup/timeout-int.setup.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/setup/timeout-e2e.setup.ts'],
    },
    {
      ...common,
      displayName: 'fault',
      testMatch: ['<rootDir>/tests/fault/**/*.fault-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/setup/timeout-fault.setup.ts'],
    },
  ],
};
