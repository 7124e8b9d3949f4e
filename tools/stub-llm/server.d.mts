/** Types for the stub LLM server (server.mjs), for TypeScript callers such as the test setup. */
export interface StubServerOptions {
  port?: number;
  host?: string;
  latencyMs?: number;
  /** Reject OpenAI/Anthropic/Azure calls without an API key header (default true). */
  requireKey?: boolean;
}

export interface StubServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function startStubServer(options?: StubServerOptions): Promise<StubServer>;
