// The suites StrykerJS runs against each mutant (npm run mutate): the in-process tests, where the
// mutated src/ is the code that runs. The end-to-end suites run dist/ or zticache.exe, which a
// mutant never reaches (test/wine, test/build, test/faults' crash bundle), so they are left out; and
// the integration tests' zticache() runs main() in-process here (ZTI_IN_PROCESS, test/helpers/fixtures.ts).
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    env: { ...base.test?.env, ZTI_IN_PROCESS: '1' },
  },
});
