/** Helpers for provider tests: a private stub scope per test, fault injection, config builders. */
import { env } from "cloudflare:test";
import { inject } from "vitest";
import { type Config, parseConfig } from "../../src/config";
import { buildProviders, type Providers } from "../../src/providers";

let counter = 0;

export interface StubRequest {
  path: string;
  model?: string;
  stream: boolean;
  authorized: boolean;
  fault?: string;
}

/** A scope of the stub server of its own: faults and the request log are not shared. */
export class StubScope {
  readonly name: string;
  readonly base: string;

  constructor(label: string) {
    this.name = `${label}-${Date.now().toString(36)}-${counter++}`;
    this.base = `${inject("stubLlmUrl")}/s/${this.name}`;
  }

  /** OpenAI-style base URL (`…/v1`). */
  get v1(): string {
    return `${this.base}/v1`;
  }

  async faults(...faults: { kind: string; retryAfter?: number; times?: number }[]): Promise<void> {
    const response = await fetch(`${this.base}/__stub/faults`, {
      method: "POST",
      body: JSON.stringify({ faults }),
    });
    if (!response.ok) throw new Error(`stub faults: ${response.status}`);
  }

  /** Drops the faults not served yet (the provider has recovered); the request log is kept. */
  async clearFaults(): Promise<void> {
    const response = await fetch(`${this.base}/__stub/faults`, { method: "DELETE" });
    if (!response.ok) throw new Error(`stub clear faults: ${response.status}`);
  }

  async latency(latencyMs: number): Promise<void> {
    await fetch(`${this.base}/__stub/config`, { method: "POST", body: JSON.stringify({ latencyMs }) });
  }

  async requests(): Promise<StubRequest[]> {
    const response = await fetch(`${this.base}/__stub/requests`);
    return ((await response.json()) as { requests: StubRequest[] }).requests;
  }
}

/** Fast retry settings so tests spend milliseconds, not seconds, backing off. */
export const FAST: Record<string, string> = {
  LLM_RETRY_BASE_MS: "10",
  LLM_RETRY_MAX_MS: "3000",
  LLM_MAX_RETRIES: "2",
  LLM_TIMEOUT: "5",
};

/** A validated config from the defaults plus `vars`; throws if the vars are invalid. */
export function configWith(vars: Record<string, string>): Config {
  const { config, problems } = parseConfig({ ...FAST, ...vars });
  if (!config) throw new Error(problems.join("; "));
  return config;
}

/** Fresh providers (own breakers and queue) for `vars`. */
export function providersWith(vars: Record<string, string>): Providers {
  return buildProviders(env, configWith(vars));
}

/** A LightRAG-style extraction prompt around `text`. */
export function extractionPrompt(text: string): { system: string; user: string } {
  return {
    system: "Extract entities and relations. Use <|#|> as the tuple delimiter and end with <|COMPLETE|>.",
    user: `---Input Text---\n\`\`\`\n${text}\n\`\`\``,
  };
}

/** A unique workspace per test, so accounting and cache rows never mix. */
export function workspaceId(label: string): string {
  return `${label}_${Date.now().toString(36)}_${counter++}`;
}
