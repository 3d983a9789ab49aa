import { defineConfig } from 'vitest/config';

// Unit tests: Node, tfjs CPU backend (set in tests/setup.ts), no globals (tfjs test utils clash).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    globals: false,
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
