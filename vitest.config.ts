import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The engine against a fake runsc, a local bucket and real tar: any user, no gVisor, no root, seconds.
      { test: { name: 'middle', include: ['test/middle/**/*.test.ts'], testTimeout: 15_000 } },
      { test: { name: 'bench', include: [], benchmark: { include: ['test/bench/**/*.bench.ts'] } } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/setup.ts'],
          // Real sandboxes on a 2-core machine: one file at a time, with room for slow starts.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
