/**
 * Global setup of the workers project: starts the stub LLM server (tools/stub-llm) on a free
 * 127.0.0.1 port for the whole run and hands its URL to the tests (`inject("stubLlmUrl")`).
 */
import type { TestProject } from "vitest/node";
import { startStubServer } from "../../tools/stub-llm/server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    stubLlmUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startStubServer({ port: 0 });
  project.provide("stubLlmUrl", server.url);
  return () => server.close();
}
