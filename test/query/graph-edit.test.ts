/**
 * LightRAG's graph-editing routes through the real app, with the local extractor and
 * embedder: answers, statuses, vectors, and that manual edits survive later merges and
 * document deletions (they are their own `manual` source, which wins over extracted fields).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { entityVectorId, relationVectorId } from "../../src/storage/vector-ids";
import { api, json, settled, waitFor } from "../documents/helpers";
import { queryData } from "./helpers";

interface Node {
  id: string;
  properties: { entity_type: string; description: string; source_id: string; file_path: string };
}
interface Edge {
  source: string;
  target: string;
  properties: { weight: number; description: string; keywords: string };
}
interface KnowledgeGraph {
  nodes: Node[];
  edges: Edge[];
}

async function graphAround(ws: string, label: string): Promise<KnowledgeGraph> {
  const response = await api(ws, "GET", `/graphs?label=${encodeURIComponent(label)}&max_depth=1`);
  expect(response.status).toBe(200);
  return json<KnowledgeGraph>(response);
}

async function node(ws: string, name: string): Promise<Node | undefined> {
  return (await graphAround(ws, name)).nodes.find((n) => n.id === name);
}

async function exists(ws: string, name: string): Promise<boolean> {
  const body = await json<{ exists: boolean }>(
    await api(ws, "GET", `/graph/entity/exists?name=${encodeURIComponent(name)}`),
  );
  return body.exists;
}

/** Inserts `text` as `file` and waits until every document of `ws` settled. */
async function ingest(ws: string, text: string, file: string, expected: number): Promise<string> {
  const response = await api(ws, "POST", "/documents/text", { text, file_source: file });
  expect(response.status).toBe(200);
  await waitFor(async () => {
    const counts = await settled(ws);
    return counts.processed >= expected;
  });
  const listed = await json<{ documents: { id: string; file_path: string }[] }>(
    await api(ws, "POST", "/documents/paginated", { page: 1, page_size: 50 }),
  );
  const doc = listed.documents.find((d) => d.file_path === file);
  if (!doc) throw new Error(`${file} not listed`);
  return doc.id;
}

async function deleteDocuments(ws: string, ids: string[]): Promise<void> {
  const response = await api(ws, "DELETE", "/documents/delete_document", { doc_ids: ids });
  expect(response.status).toBe(200);
  await waitFor(async () => {
    const { status_counts } = await json<{ status_counts: { all: number } }>(
      await api(ws, "GET", "/documents/status_counts"),
    );
    return (status_counts.all ?? 0) === 0;
  });
}

const vectors = () => new LocalVectorStore(env.VECTOR_INDEX);

/** The stored vector of one id, or undefined. */
async function vectorOf(
  ws: string,
  namespace: "entities" | "relations",
  id: string,
): Promise<number[] | undefined> {
  const [item] = await vectors().get(ws, namespace, [id]);
  return item ? [...item.vector] : undefined;
}

const ADA =
  "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.";
const ADA_AGAIN = "Ada Lovelace wrote the first published algorithm. Ada Lovelace lived in London.";

describe("entity edit", { timeout: 90_000 }, () => {
  it("answers LightRAG's shape and keeps the manual description through a later merge", async () => {
    const ws = "ge_edit";
    await ingest(ws, ADA, "ada.txt", 1);
    const before = await vectorOf(ws, "entities", entityVectorId("Ada Lovelace"));
    expect(before).toBeDefined();
    const response = await api(ws, "POST", "/graph/entity/edit", {
      entity_name: "Ada Lovelace",
      updated_data: { description: "First programmer.", entity_type: "person" },
    });
    expect(response.status).toBe(200);
    const body = await json<Record<string, unknown>>(response);
    expect(body).toMatchObject({
      status: "success",
      message: "Entity updated successfully",
      data: { entity_name: "Ada Lovelace", description: "First programmer.", entity_type: "person" },
      operation_summary: {
        merged: false,
        merge_status: "not_attempted",
        operation_status: "success",
        final_entity: "Ada Lovelace",
        renamed: false,
      },
    });
    expect((await node(ws, "Ada Lovelace"))?.properties.description).toBe("First programmer.");
    // Re-embedded from the new description.
    expect(await vectorOf(ws, "entities", entityVectorId("Ada Lovelace"))).not.toEqual(before);

    // A later document mentions Ada: the merge adds its source, the manual description stays.
    await ingest(ws, ADA_AGAIN, "ada-again.txt", 2);
    const after = await node(ws, "Ada Lovelace");
    expect(after?.properties.description).toBe("First programmer.");
    expect(after?.properties.entity_type).toBe("person");
    expect(after?.properties.file_path.split("<SEP>").sort()).toEqual(["ada-again.txt", "ada.txt"]);
    expect(after?.properties.source_id.split("<SEP>")).toHaveLength(2);
  });

  it("400s an unknown entity and a rename without allow_rename, 422s a bad body", async () => {
    const ws = "ge_edit_errors";
    await ingest(ws, ADA, "ada.txt", 1);
    const unknown = await api(ws, "POST", "/graph/entity/edit", {
      entity_name: "Nobody",
      updated_data: { description: "x" },
    });
    expect(unknown.status).toBe(400);
    const rename = await api(ws, "POST", "/graph/entity/edit", {
      entity_name: "Ada Lovelace",
      updated_data: { entity_name: "Countess Lovelace" },
    });
    expect(rename.status).toBe(400);
    const bad = await api(ws, "POST", "/graph/entity/edit", { entity_name: "Ada Lovelace" });
    expect(bad.status).toBe(422);
  });

  it("422s entity names with control characters and stores nothing", async () => {
    const ws = "ge_control_names";
    for (const name of ["Bad\u0000Name", "Line\nBreak", "Esc\u001bName", "Del\u007fName"]) {
      const created = await api(ws, "POST", "/graph/entity/create", {
        entity_name: name,
        entity_data: { description: "x" },
      });
      expect(created.status, JSON.stringify(name)).toBe(422);
    }
    const relation = await api(ws, "POST", "/graph/relation/create", {
      source_entity: "Fine",
      target_entity: "Not\u0000Fine",
      relation_data: { description: "x" },
    });
    expect(relation.status).toBe(422);
    // Nothing was written: the workspace has no entity at all.
    expect(await json<string[]>(await api(ws, "GET", "/graph/label/list"))).toEqual([]);
  });

  it("renames with allow_rename: edges and vectors follow the new name", async () => {
    const ws = "ge_rename";
    await ingest(ws, ADA, "ada.txt", 1);
    const response = await api(ws, "POST", "/graph/entity/edit", {
      entity_name: "Ada Lovelace",
      updated_data: { entity_name: "Countess Lovelace", description: "Renamed." },
      allow_rename: true,
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      data: { entity_name: "Countess Lovelace", description: "Renamed." },
      operation_summary: { renamed: true, merged: false, final_entity: "Countess Lovelace" },
    });
    expect(await exists(ws, "Ada Lovelace")).toBe(false);
    const around = await graphAround(ws, "Countess Lovelace");
    expect(around.edges.some((e) => [e.source, e.target].includes("Charles Babbage"))).toBe(true);
    expect(await vectorOf(ws, "entities", entityVectorId("Ada Lovelace"))).toBeUndefined();
    expect(await vectorOf(ws, "entities", entityVectorId("Countess Lovelace"))).toBeDefined();

    // Onto an existing name: refused without allow_merge, a merge with it.
    const onto = {
      entity_name: "Countess Lovelace",
      updated_data: { entity_name: "London" },
      allow_rename: true,
    };
    expect((await api(ws, "POST", "/graph/entity/edit", onto)).status).toBe(400);
    const merged = await api(ws, "POST", "/graph/entity/edit", { ...onto, allow_merge: true });
    expect(merged.status).toBe(200);
    expect(await json(merged)).toMatchObject({
      data: { entity_name: "London" },
      operation_summary: { merged: true, merge_status: "success", renamed: true, final_entity: "London" },
    });
    expect(await exists(ws, "Countess Lovelace")).toBe(false);
    // The renamed entity's manual description moved with it; London had none of its own.
    expect((await node(ws, "London"))?.properties.description).toBe("Renamed.");
    expect((await graphAround(ws, "London")).edges.some((e) => e.source === "Charles Babbage")).toBe(true);
  });
});

describe("entity create", { timeout: 90_000 }, () => {
  it("creates an entity that outlives every document, with its vector", async () => {
    const ws = "ge_create";
    const docId = await ingest(ws, ADA, "ada.txt", 1);
    const response = await api(ws, "POST", "/graph/entity/create", {
      entity_name: "Difference Engine",
      entity_data: { description: "A mechanical calculator.", entity_type: "artifact" },
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      status: "success",
      message: "Entity 'Difference Engine' created successfully",
      data: {
        entity_name: "Difference Engine",
        entity_type: "artifact",
        description: "A mechanical calculator.",
      },
    });
    const again = await api(ws, "POST", "/graph/entity/create", {
      entity_name: "Difference Engine",
      entity_data: { description: "dup" },
    });
    expect(again.status).toBe(400);
    expect(await vectorOf(ws, "entities", entityVectorId("Difference Engine"))).toBeDefined();

    // An extracted entity edited by hand also stays: the edit is its own source.
    await api(ws, "POST", "/graph/entity/edit", {
      entity_name: "London",
      updated_data: { description: "Capital city." },
    });
    await deleteDocuments(ws, [docId]);
    expect(await exists(ws, "Difference Engine")).toBe(true);
    expect((await node(ws, "London"))?.properties.description).toBe("Capital city.");
    expect(await exists(ws, "Charles Babbage")).toBe(false);
  });
});

describe("relation create and edit", { timeout: 90_000 }, () => {
  it("creates an edge between existing entities and keeps its manual fields through a merge", async () => {
    const ws = "ge_relation";
    await ingest(ws, ADA, "ada.txt", 1);
    const missing = await api(ws, "POST", "/graph/relation/create", {
      source_entity: "Ada Lovelace",
      target_entity: "Nobody",
      relation_data: { description: "x", keywords: "y", weight: 1 },
    });
    expect(missing.status).toBe(400);
    const created = await api(ws, "POST", "/graph/relation/create", {
      source_entity: "Ada Lovelace",
      target_entity: "Analytical Engine",
      relation_data: { description: "Ada wrote programs for it.", keywords: "programming", weight: 3 },
    });
    expect(created.status).toBe(200);
    expect(await json(created)).toMatchObject({
      status: "success",
      message: "Relation created successfully between 'Ada Lovelace' and 'Analytical Engine'",
      data: {
        src_id: "Ada Lovelace",
        tgt_id: "Analytical Engine",
        description: "Ada wrote programs for it.",
        keywords: "programming",
        weight: 3,
      },
    });
    expect(
      await vectorOf(ws, "relations", relationVectorId("Ada Lovelace", "Analytical Engine")),
    ).toBeDefined();
    const duplicate = await api(ws, "POST", "/graph/relation/create", {
      source_entity: "Analytical Engine",
      target_entity: "Ada Lovelace",
      relation_data: { description: "again" },
    });
    expect(duplicate.status).toBe(400);

    // Edit an extracted edge: only the weight is set by hand (as text, as LightRAG's web UI
    // sends it); the description stays extracted.
    const edited = await api(ws, "POST", "/graph/relation/edit", {
      source_id: "Charles Babbage",
      target_id: "Ada Lovelace",
      updated_data: { weight: "9" },
    });
    expect(edited.status).toBe(200);
    const editedBody = await json<{ message: string; data: { weight: number; description: string } }>(edited);
    expect(editedBody.message).toBe("Relation updated successfully");
    expect(editedBody.data.weight).toBe(9);
    expect(editedBody.data.description).toContain("Ada Lovelace");

    // A later document mentioning both: the manual weight still wins over the summed weights.
    await ingest(ws, "Ada Lovelace corresponded with Charles Babbage for years.", "letters.txt", 2);
    const edge = (await graphAround(ws, "Ada Lovelace")).edges.find(
      (e) => e.source === "Ada Lovelace" && e.target === "Charles Babbage",
    );
    expect(edge?.properties.weight).toBe(9);
    const manualEdge = (await graphAround(ws, "Ada Lovelace")).edges.find(
      (e) => e.target === "Analytical Engine",
    );
    expect(manualEdge?.properties.description).toBe("Ada wrote programs for it.");

    const unknown = await api(ws, "POST", "/graph/relation/edit", {
      source_id: "London",
      target_id: "Analytical Engine",
      updated_data: { description: "x" },
    });
    expect(unknown.status).toBe(400);
  });
});

describe("manual relations outlive their documents", { timeout: 90_000 }, () => {
  it("keeps a manual edge and its (pinned) endpoints when the document goes", async () => {
    const ws = "ge_relation_pins";
    const docId = await ingest(ws, ADA, "ada.txt", 1);
    const created = await api(ws, "POST", "/graph/relation/create", {
      source_entity: "London",
      target_entity: "Analytical Engine",
      relation_data: { description: "Built in London.", keywords: "place", weight: 2 },
    });
    expect(created.status).toBe(200);
    await deleteDocuments(ws, [docId]);
    expect(await exists(ws, "London")).toBe(true);
    expect(await exists(ws, "Analytical Engine")).toBe(true);
    expect(await exists(ws, "Ada Lovelace")).toBe(false);
    const edge = (await graphAround(ws, "London")).edges.find((e) => e.target === "London");
    expect(edge?.properties).toMatchObject({ description: "Built in London.", weight: 2, keywords: "place" });
  });
});

describe("merge and delete", { timeout: 90_000 }, () => {
  it("merges entities into one: edges move, the merged ones and their vectors go", async () => {
    const ws = "ge_merge";
    await ingest(ws, ADA, "ada.txt", 1);
    await api(ws, "POST", "/graph/entity/create", {
      entity_name: "Lady Lovelace",
      entity_data: { description: "Another name of Ada.", entity_type: "person" },
    });
    await api(ws, "POST", "/graph/relation/create", {
      source_entity: "Lady Lovelace",
      target_entity: "London",
      relation_data: { description: "Lived in London.", keywords: "residence", weight: 1 },
    });
    const response = await api(ws, "POST", "/graph/entities/merge", {
      entities_to_change: ["Lady Lovelace"],
      entity_to_change_into: "Ada Lovelace",
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      status: "success",
      message: "Successfully merged 1 entities into 'Ada Lovelace'",
      data: { entity_name: "Ada Lovelace", description: "Another name of Ada." },
    });
    expect(await exists(ws, "Lady Lovelace")).toBe(false);
    expect(await vectorOf(ws, "entities", entityVectorId("Lady Lovelace"))).toBeUndefined();
    const around = await graphAround(ws, "Ada Lovelace");
    // The extracted Ada–London edge and the moved manual one are one edge now, its manual fields winning.
    const london = around.edges.find((e) => e.source === "Ada Lovelace" && e.target === "London");
    expect(london?.properties.description).toBe("Lived in London.");
    expect(around.edges.some((e) => e.target === "Charles Babbage")).toBe(true);
    const unknown = await api(ws, "POST", "/graph/entities/merge", {
      entities_to_change: ["Nobody"],
      entity_to_change_into: "Ada Lovelace",
    });
    expect(unknown.status).toBe(400);
  });

  it("deletes an entity with its edges (404 when unknown); a later document brings it back", async () => {
    const ws = "ge_delete";
    await ingest(ws, ADA, "ada.txt", 1);
    await api(ws, "POST", "/graph/entity/edit", {
      entity_name: "London",
      updated_data: { description: "Edited by hand." },
    });
    const response = await api(ws, "DELETE", "/documents/delete_entity", { entity_name: "London" });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      status: "success",
      doc_id: "",
      message: "Entity 'London' and its relationships have been deleted.",
      status_code: 200,
      file_path: null,
    });
    expect(await exists(ws, "London")).toBe(false);
    expect(await vectorOf(ws, "entities", entityVectorId("London"))).toBeUndefined();
    expect((await graphAround(ws, "Ada Lovelace")).edges.some((e) => e.target === "London")).toBe(false);
    const again = await api(ws, "DELETE", "/graph/entity/delete", { entity_name: "London" });
    expect(again.status).toBe(404);

    // Deleted means its sources are gone, manual edit included: a new mention starts afresh.
    await ingest(ws, "Queen Victoria lived in London for many years.", "london.txt", 2);
    const back = await node(ws, "London");
    expect(back?.properties.description).not.toBe("Edited by hand.");
    expect(back?.properties.file_path).toBe("london.txt");
  });

  it("deletes a relation under both paths", async () => {
    const ws = "ge_delete_rel";
    await ingest(ws, ADA, "ada.txt", 1);
    const response = await api(ws, "DELETE", "/graph/relation/delete", {
      source_entity: "Charles Babbage",
      target_entity: "Ada Lovelace",
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: "success", status_code: 200 });
    expect((await graphAround(ws, "Ada Lovelace")).edges.some((e) => e.target === "Charles Babbage")).toBe(
      false,
    );
    expect(
      await vectorOf(ws, "relations", relationVectorId("Ada Lovelace", "Charles Babbage")),
    ).toBeUndefined();
    const again = await api(ws, "DELETE", "/documents/delete_relation", {
      source_entity: "Ada Lovelace",
      target_entity: "Charles Babbage",
    });
    expect(again.status).toBe(404);
  });
});

describe("serialised with the pipeline", { timeout: 90_000 }, () => {
  it("answers 409 while the pipeline is busy, as LightRAG does", async () => {
    const ws = "ge_busy";
    await ingest(ws, ADA, "ada.txt", 1);
    const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName(ws));
    await coordinator.beginJob("Processing documents", 1);
    try {
      const response = await api(ws, "POST", "/graph/entity/create", {
        entity_name: "Busy Entity",
        entity_data: { description: "x" },
      });
      expect(response.status).toBe(409);
    } finally {
      await coordinator.finishJob("done");
    }
    expect(await exists(ws, "Busy Entity")).toBe(false);
  });

  it("queries see an edit at once: the graph index is invalidated", async () => {
    const ws = "ge_index";
    await ingest(ws, ADA, "ada.txt", 1);
    const ask = () =>
      queryData({ query: "Who is Ada Lovelace?", mode: "local", ll_keywords: ["Ada Lovelace"] }, ws);
    const before = await ask();
    expect(before.data.entities.some((e) => e.entity_name === "Ada Lovelace")).toBe(true);
    await api(ws, "POST", "/graph/entity/edit", {
      entity_name: "Ada Lovelace",
      updated_data: { description: "Edited for the query." },
    });
    const after = await ask();
    const ada = after.data.entities.find((e) => e.entity_name === "Ada Lovelace") as
      | { description?: string }
      | undefined;
    expect(ada?.description).toBe("Edited for the query.");
  });
});
