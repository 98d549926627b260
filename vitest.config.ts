import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    // Vitest leaves one core to its main process (cores - 1), which on the two-core machines this
    // runs on meant one test file at a time while the main process sat idle. Two files at once
    // keep both cores busy: PGlite computes in the test process itself, and on PostgreSQL one
    // file's queries overlap the other's Node work.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Test files share their worker process instead of each starting a fresh one: each file
    // still gets its own database, folders and logger (tests/helpers/context.ts), but the modules,
    // PGlite's WebAssembly among them, are loaded once per worker. On ten rule files this took
    // the CPU time from 72 s to 43 s. Tests that set process.env restore it in a finally.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
