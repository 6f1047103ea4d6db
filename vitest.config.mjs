import { defineConfig } from 'vitest/config';

// Projects, run by scripts/test.mjs in this order:
//   unit, socket(-core), integration(-core), bindings, types, package  — no browser
//     (bindings: the React and Vue entries in jsdom against real ws servers)
//   browser(-core)  — real Chromium against real ws servers (needs dist/)
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'socket', include: ['test/socket/**/*.test.ts'], environment: 'jsdom' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      // the core entry against the tests of what it has (feature tests skip themselves: test/helpers/entry.ts)
      {
        test: {
          name: 'socket-core',
          include: ['test/socket/socket.test.ts'],
          environment: 'jsdom',
          env: { STEADY_ENTRY: 'core' },
        },
      },
      {
        test: {
          name: 'integration-core',
          include: ['test/integration/node.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          env: { STEADY_ENTRY: 'core' },
        },
      },
      {
        test: {
          name: 'bindings',
          include: ['test/bindings/**/*.test.ts'],
          environment: 'jsdom',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'types',
          include: ['test/types/**/*.test-d.ts'],
          typecheck: { enabled: true, only: true, tsconfig: './tsconfig.test.json', include: ['test/types/**/*.test-d.ts'] },
        },
      },
      {
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser-core',
          include: ['test/browser/{queue,native,hostile,fault-server,reconnect}.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          env: { STEADY_ENTRY: 'core' },
        },
      },
    ],
  },
});
