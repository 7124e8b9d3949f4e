/**
 * The packages the workerd test projects pre-bundle (vite's ssr dependency optimizer, see
 * `vitest.config.ts`). Each test file runs in a fresh isolate that loads the Worker's whole module
 * graph over the pool's socket, one request per module: pre-bundled, a package is one module
 * instead of dozens (drizzle-orm alone is ~130). `prebundled-deps.test.ts` fails when a bare
 * import of src/ or of a workerd test is missing here, so a new package cannot slow every file.
 */

/** Bare specifiers, exactly as imported (a subpath is its own entry). */
export const PREBUNDLED_DEPS = [
  "hono",
  "hono/body-limit",
  "hono/cookie",
  "hono/cors",
  "hono/http-exception",
  "hono/request-id",
  "hono/route",
  "hono/router/pattern-router",
  "hono/secure-headers",
  "hono/utils/http-status",
  "zod",
  "drizzle-orm",
  "drizzle-orm/d1",
  "drizzle-orm/sqlite-core",
  "drizzle-orm/pg-core",
  "@neondatabase/serverless",
  "jose",
  "fflate",
  "@noble/hashes/utils.js",
  "@noble/hashes/legacy.js",
  "@noble/hashes/scrypt.js",
  "@modelcontextprotocol/sdk/types.js",
  "@modelcontextprotocol/sdk/server/index.js",
  "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js",
  "@upstash/redis/cloudflare",
  "unpdf",
  "stemmer",
  // Imported by workerd test files only.
  "@modelcontextprotocol/sdk/client/index.js",
  "@modelcontextprotocol/sdk/client/streamableHttp.js",
  "fast-check",
  "yaml",
];

/**
 * Bare imports deliberately left out: the tokenizers are imported lazily by the few tests that
 * tokenize (their rank tables are megabytes of data in one module already), the rest are types.
 */
export const NOT_PREBUNDLED = new Set([
  "gpt-tokenizer/encoding/o200k_base",
  "gpt-tokenizer/bpeRanks/o200k_base",
  "js-tiktoken/lite",
  "js-tiktoken/ranks/o200k_base",
  "hono/types",
  "@modelcontextprotocol/sdk/shared/transport.js",
]);
