// Runs the example test on its own: npx vitest run --config examples/testing/vitest.config.mjs
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { root: import.meta.dirname, include: ['*.test.ts'], environment: 'node' },
});
