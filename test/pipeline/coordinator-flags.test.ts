/**
 * The coordinator merges with the runtime flags it is handed, not with the env defaults: a
 * runtime ENHANCED_PROCESSING=false merges descriptions on the basic path (no LLM summary),
 * even in a deployment whose LLM could summarise.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import type { Env } from "../../src/env";
import { defaultFlags, type Flags } from "../../src/flags/names";
import type { WorkspaceCoordinator } from "../../src/pipeline/coordinator";
import { type PipelineCoordinator, processDocuments } from "../../src/pipeline/ingest-consumer";
import { registerDocuments } from "../../src/rag/documents";
import { StubScope, workspaceId } from "../providers/helpers";
import { deps, log, sharedCorpus } from "../rag/engine-helpers";

const testEnv = env as unknown as Env;

function flags(overrides: Partial<Flags>): Flags {
  const config = loadConfig(testEnv).config;
  if (!config) throw new Error("test config invalid");
  return { ...defaultFlags(config), ...overrides };
}

/** Stores the extraction results of a few documents that share entities, without merging them. */
async function extracted(workspace: string): Promise<string[]> {
  const d = deps();
  const { accepted } = await registerDocuments(d.stores, workspace, sharedCorpus(4), "insert");
  const ids = accepted.map((doc) => doc.id);
  const noMerge: PipelineCoordinator = {
    merge: async () => undefined,
    unmerge: async () => undefined,
    beginJob: async () => undefined,
    finishJob: async () => undefined,
    cancelRequested: async () => false,
  };
  await processDocuments(d, noMerge, workspace, ids, { parallel: 4, log });
  return ids;
}

/** Merges `ids` in the workspace's coordinator as a deployment with an LLM that can summarise. */
async function mergeWithLlm(workspace: string, ids: string[], runtime: Flags, scope: StubScope) {
  const stub = testEnv.COORDINATOR.get(testEnv.COORDINATOR.idFromName(workspace));
  await runInDurableObject(stub, async (object) => {
    const instance = object as unknown as WorkspaceCoordinator;
    const withLlm = {
      ...testEnv,
      LLM_BINDING: "openai",
      LLM_MODEL: "gpt-4o-mini",
      LLM_BINDING_HOST: scope.v1,
      LLM_BINDING_API_KEY: "k",
      ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
      FORCE_LLM_SUMMARY_ON_MERGE: "2",
    };
    Object.defineProperty(instance, "env", { value: withLlm, configurable: true });
    await instance.merge(workspace, ids, runtime);
  });
}

describe("coordinator merges and runtime flags", { timeout: 60_000 }, () => {
  it("runtime ENHANCED_PROCESSING=false: the merge summarises without the LLM", async () => {
    const ws = workspaceId("coord_basic");
    const ids = await extracted(ws);
    const scope = new StubScope("coord-basic");
    await mergeWithLlm(ws, ids, flags({ ENHANCED_PROCESSING: false }), scope);
    expect(await scope.requests()).toEqual([]);
  });

  it("ENHANCED_PROCESSING=true: the same merge asks the LLM for summaries", async () => {
    const ws = workspaceId("coord_enhanced");
    const ids = await extracted(ws);
    const scope = new StubScope("coord-enhanced");
    await mergeWithLlm(ws, ids, flags({ ENHANCED_PROCESSING: true }), scope);
    expect((await scope.requests()).length).toBeGreaterThan(0);
  });
});
