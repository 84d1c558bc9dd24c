// The suites StrykerJS runs against each mutant (npm run mutate): the in-process tests, where the
// mutated src/ is the code that runs. The end-to-end suites run dist/ or zticache.exe, which a
// mutant never reaches (test/wine, test/build, test/faults' crash bundle), so they are left out; and
// the integration tests' zticache() runs main() in-process here (ZTI_IN_PROCESS, test/helpers/fixtures.ts).
// StrykerJS runs one test file after another and stops at the first failure, so the unit tests go
// first: most mutants die there in milliseconds instead of after the integration runs.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config.js';

class UnitTestsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const unit = (f: TestSpecification) => f.moduleId.includes('/test/unit/');
    return [...sorted.filter(unit), ...sorted.filter((f) => !unit(f))];
  }
}

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    env: { ...base.test?.env, ZTI_IN_PROCESS: '1' },
    sequence: { sequencer: UnitTestsFirst },
  },
});
