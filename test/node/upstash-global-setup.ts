/**
 * Global setup of the workers project: starts the Upstash REST harness (in Node, in front of the
 * redis-server from .ci/services) and hands its URL to the workerd tests through `inject`.
 * A missing redis is passed on as an error that the Upstash tests throw, so they fail loudly
 * without taking every other workerd test down with them.
 */
import type { TestProject } from "vitest/node";
import { startUpstashHarness } from "../../scripts/upstash-rest-harness";

export type UpstashEndpoint = { url: string; token: string } | { error: string };

declare module "vitest" {
  export interface ProvidedContext {
    upstash: UpstashEndpoint;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const harness = await startUpstashHarness();
    project.provide("upstash", { url: harness.url, token: harness.token });
    return () => harness.close();
  } catch (error) {
    project.provide("upstash", { error: error instanceof Error ? error.message : String(error) });
    return async () => undefined;
  }
}
