import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['gateway/src/**/*.test.ts', 'rules/**/*.test.ts', 'simulators/src/**/*.test.ts', 'test/**/*.test.ts'],
    // integration tests start real servers (influxd, victoria-metrics, node-opcua): generous, never speed-dependent
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
