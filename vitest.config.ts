import { defineConfig } from 'vitest/config';

export default defineConfig({
  // tests that import src/ directly see the fault points (the crash suite's bundle has them too)
  define: { ZTI_FAULT_POINTS: 'true' },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
