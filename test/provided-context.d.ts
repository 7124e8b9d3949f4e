/**
 * Values the node-side global setups (test/node/*-setup.ts) provide to the workerd tests,
 * declared here because the workerd tsconfig does not see those Node files.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the stub LLM server (test/node/stub-llm-setup.ts). */
    stubLlmUrl: string;
    /** The Upstash REST harness, or why it could not start (test/node/upstash-global-setup.ts). */
    upstash: { url: string; token: string } | { error: string };
    /** The local Postgres + pgvector and its WebSocket proxy, or why it is missing (test/node/pg-global-setup.ts). */
    postgres: { databaseUrl: string; wsProxy: string } | { error: string };
  }
}

export {};
