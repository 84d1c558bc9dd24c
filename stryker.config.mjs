// StrykerJS (npm run mutate [-- FILE...]): mutation testing of src/ against the in-process suites
// (vitest.mutate.config.ts). Scores per module are in the README ("Tests that bite").
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: ['src/**/*.ts', '!src/platform/win32/**', '!src/core/fault-points.ts', '!src/bin.ts'],
  // a mutant of module-level code (a constant, a table) is switched on before the module loads
  // and tried against every test: slower, but "static" survivors were artifacts, not gaps
  ignoreStatic: false,
  concurrency: 2,
  timeoutMS: 30000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
