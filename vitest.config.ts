/**
 * Test projects, all run by `npm test`:
 * - `workers`: tests inside workerd with the bindings of wrangler.toml (D1 migrations applied
 *   in test/setup.ts; the Upstash REST harness started by test/node/upstash-global-setup.ts);
 * - `workers-pg`: the same for the files that use the local Postgres, one file at a time;
 * - `workers-auth`: test/auth, the same Worker with AUTH_ENABLED=true and a low scrypt cost;
 * - `node`: Node-side integration tests in test/node (real HTTP servers, redis-server started by
 *   .ci/services); test/node/global-setup.ts fails the run loudly when redis is missing;
 * - `webui`: unit tests of the web UI's own logic (webui/src/lib), in Node;
 * - `e2e`: the web UI in Debian's Chromium (playwright-core) against `wrangler dev --local`
 *   workers started by test/e2e/harness.ts; screenshots go to test-artifacts/.
 */
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { coverageConfigDefaults, defineConfig } from "vitest/config";
import { readPgMigrations } from "./scripts/pg-migrations";
import { recordConsoleLog } from "./test/node/log-secrets";
import { PREBUNDLED_DEPS } from "./test/node/prebundled-deps";

/** Test files that use the local Postgres of .ci/services (project `workers-pg`). */
const PG_TEST_FILES = ["test/storage/pg-*.test.ts", "test/ops/backup-backends.test.ts"];

/**
 * Dependency options of the workerd projects: each test file's isolate loads the Worker's
 * whole module graph over the pool's socket, one request per module; pre-bundled, a package
 * is one module instead of dozens (~20 modules from node_modules per file instead of ~350).
 */
const workersDeps = {
  optimizer: { ssr: { enabled: true, include: PREBUNDLED_DEPS } },
};

/**
 * Where the pre-bundles go: in the checkout, not in node_modules, since git worktrees that
 * share one node_modules (a symlink) would otherwise re-optimise into one folder under each other.
 */
const cacheDir = path.join(__dirname, ".vite");

/** The Workers pool over wrangler.toml's bindings, plus `bindings`. */
function workersPool(bindings: Record<string, unknown>) {
  return cloudflareTest({
    remoteBindings: false,
    wrangler: { configPath: "./wrangler.toml" },
    // Metric and usage windows of 0 ms: a test that waits for its request's waitUntil tasks would otherwise
    // wait a whole window (1 s) per request; test/observability/metrics.test.ts and
    // usage-buffer.test.ts test the windows.
    miniflare: { bindings: { METRICS_WINDOW_MS: "0", USAGE_WINDOW_MS: "0", ...bindings } },
  });
}

/** Env of the `workers-auth` project (test/auth reads the same values from `env`). */
const AUTH_TEST_VARS = {
  AUTH_ENABLED: "true",
  JWT_SECRET_KEY: "test-secret-key-of-at-least-32-characters!",
  PASSWORD_HASH_COST: "6",
  PASSWORD_HASH_PARALLELISM: "1",
  ADMIN_BOOTSTRAP_TOKEN: "test-bootstrap-token-0123456789abcdef",
  ALLOW_REGISTRATION: "true",
  LIGHTRAG_API_KEY: "test-lightrag-api-key-0123456789abcdef",
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(__dirname, "migrations"));
  // The Postgres tests apply these to the local server (test/storage/pg-stores.test.ts).
  const pgMigrations = readPgMigrations(path.join(__dirname, "migrations-pg"));
  return {
    test: {
      // Two test files at a time: a workerd file spends most of its ~4 s start-up waiting on
      // module loads over the pool's socket, so two overlap well on two cores (vitest's default
      // is cores − 1 = 1 here).
      maxWorkers: 2,
      // Vitest calls this (root-level only) for every console line of every project.
      onConsoleLog: recordConsoleLog,
      projects: [
        {
          cacheDir,
          plugins: [workersPool({ TEST_MIGRATIONS: migrations })],
          test: {
            name: "workers",
            deps: workersDeps,
            // Two files run at once (maxWorkers): seeding and index rebuilds take longer than alone.
            testTimeout: 15_000,
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**", "test/auth/**", "test/e2e/**", "test/webui/**", ...PG_TEST_FILES],
            setupFiles: ["./test/setup.ts"],
            // log-capture-setup: scans every console line of the suite for secrets when the run ends.
            // upstash-global-setup: the Upstash REST harness that test/ratelimit/upstash.test.ts reaches.
            globalSetup: [
              "./test/node/log-capture-setup.ts",
              "./test/node/stub-llm-setup.ts",
              "./test/node/upstash-global-setup.ts",
            ],
          },
        },
        {
          // The files that share the one local Postgres: one at a time (they migrate it and
          // PGlite runs one statement at a time). Only this project provides `inject("postgres")`,
          // so a Postgres test left out of PG_TEST_FILES fails loudly instead of racing.
          cacheDir,
          plugins: [workersPool({ TEST_MIGRATIONS: migrations, TEST_PG_MIGRATIONS: pgMigrations })],
          test: {
            name: "workers-pg",
            deps: workersDeps,
            testTimeout: 15_000,
            include: PG_TEST_FILES,
            setupFiles: ["./test/setup.ts"],
            fileParallelism: false,
            globalSetup: ["./test/node/stub-llm-setup.ts", "./test/node/pg-global-setup.ts"],
          },
        },
        {
          // The same Worker with accounts switched on (the local [vars] run in open mode);
          // a low scrypt cost keeps logins fast (production refuses it).
          cacheDir,
          plugins: [
            // FUZZ_SEED replays one run of test/auth/fuzz-bodies.test.ts and fuzz-headers.test.ts.
            workersPool({
              TEST_MIGRATIONS: migrations,
              ...AUTH_TEST_VARS,
              ...(process.env.FUZZ_SEED ? { FUZZ_SEED: process.env.FUZZ_SEED } : {}),
            }),
          ],
          test: {
            name: "workers-auth",
            deps: workersDeps,
            testTimeout: 15_000,
            include: ["test/auth/**/*.test.ts"],
            setupFiles: ["./test/setup.ts"],
          },
        },
        {
          test: {
            name: "node",
            environment: "node",
            include: ["test/node/**/*.test.ts"],
            globalSetup: ["./test/node/global-setup.ts"],
          },
        },
        {
          test: { name: "webui", environment: "node", include: ["test/webui/**/*.test.ts"] },
        },
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            // Builds the UI when stale, checks Chromium, starts the shared Workers, once per run.
            globalSetup: ["./test/e2e/global-setup.ts"],
            // One browser at a time on the shared Workers: steadier timings on a small machine.
            fileParallelism: false,
            testTimeout: 120_000,
            hookTimeout: 90_000,
          },
        },
      ],
      // `npm run test:coverage`; istanbul because V8 coverage does not work inside workerd.
      coverage: {
        provider: "istanbul" as const,
        include: ["src/**/*.ts"],
        // The gate is the service's `src/`; the pattern alone also matched `webui/src/` files that
        // the UI's unit tests load (whichever they happened to import counted, the rest not).
        exclude: [...coverageConfigDefaults.exclude, "webui/**"],
        reporter: ["text-summary", "text", "json-summary"],
        thresholds: { lines: 80 },
        // The gate of .ci/run reads the summary even when a test failed (it then fails anyway).
        reportOnFailure: true,
      },
    },
  };
});
