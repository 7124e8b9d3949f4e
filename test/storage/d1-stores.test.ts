import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { D1AuditStore } from "../../src/audit/store";
import { D1CredentialStore } from "../../src/auth/store/credentials";
import { D1AccountDirectory } from "../../src/auth/store/directory";
import { D1LlmCache } from "../../src/storage/d1/llm-cache";
import { D1UsageStore } from "../../src/storage/d1/llm-usage";
import { createD1Stores } from "../../src/storage/d1/stores";
import { invalidateGraphIndex } from "../../src/storage/graph-index/store";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { describeAccountDirectoryContract } from "./contract/account-directory";
import { describeCredentialStoreContract } from "./contract/credentials";
import { describeKnowledgeStoresContract, docRecord } from "./contract/knowledge-stores";
import {
  describeAuditStoreContract,
  describeLlmCacheContract,
  describeUsageStoreContract,
} from "./contract/platform-stores";

const makeStores = () =>
  createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (ws) =>
    invalidateGraphIndex(env.GRAPH_INDEX, ws),
  );

describeKnowledgeStoresContract("D1", makeStores);
describeLlmCacheContract("D1", () => new D1LlmCache(env.DB));
describeUsageStoreContract("D1", () => new D1UsageStore(env.DB));
describeAuditStoreContract("D1", () => new D1AuditStore(env.DB));
describeAccountDirectoryContract("D1", () => new D1AccountDirectory(env.DB));
describeCredentialStoreContract("D1", () => ({
  credentials: new D1CredentialStore(env.DB),
  directory: new D1AccountDirectory(env.DB),
}));

describe("D1 adapters", () => {
  it("a failing statement rolls the whole commit back", async () => {
    const stores = makeStores();
    await stores.documents.insert("atomic_ws", [{ record: docRecord("atomic_ws", "d1"), content: "x" }]);
    const bad = {
      name: "A",
      entityType: "t",
      description: "d",
      sourceId: "s",
      filePath: "f",
      createdAt: null as unknown as number,
    };
    await expect(
      stores.writer.commit("atomic_ws", {
        docIds: ["d1"],
        entitySources: [{ name: "A", chunkId: "c", docId: "d1", type: "t", description: "d", filePath: "f" }],
        relationSources: [],
        graph: { upsertEntities: [bad], deleteEntities: [], upsertRelations: [], deleteRelations: [] },
        status: { status: "processed" },
      }),
    ).rejects.toThrow();
    expect((await stores.documents.get("atomic_ws", ["d1"]))[0]?.status).toBe("pending");
    expect(await stores.extractions.entitySources("atomic_ws", ["A"])).toEqual([]);
  });

  it("writes thousands of rows with a handful of statements", async () => {
    const stores = makeStores();
    const names = Array.from({ length: 3000 }, (_, i) => `Entity ${i}`);
    await stores.graph.write("bulk_ws", {
      upsertEntities: names.map((name) => ({
        name,
        entityType: "t",
        description: "d".repeat(50),
        sourceId: "s",
        filePath: "f",
        createdAt: 1,
      })),
      deleteEntities: [],
      upsertRelations: [],
      deleteRelations: [],
    });
    expect((await stores.graph.counts("bulk_ws")).entities).toBe(3000);
    expect(await stores.graph.getEntities("bulk_ws", names)).toHaveLength(3000);
  });
});
