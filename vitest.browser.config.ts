import { defineConfig } from 'vitest/config';

// Browser tests: Node drives the built site (dist/) in the system Chromium via playwright-core.
// One file at a time: the machine has two cores and each file runs its own browser.
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    globalSetup: ['tests/browser/global-setup.ts'],
    globals: false,
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
