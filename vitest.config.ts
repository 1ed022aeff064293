import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // The PostgreSQL test databases: pgvector in public, and one where it can never be created.
    globalSetup: ["test/support/pg-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: more workers than that only adds contention for SQLite fsyncs and PostgreSQL locks.
    maxWorkers: 2,
  },
});
