/** Unit tests of the web UI's own logic (webui/src/lib): routing, streaming, documents, query, graph. */
import { describe, expect, it } from "vitest";
import { queryRequestSchema } from "../../src/http/routes/query-request";
import {
  awaitingRetry,
  checkFiles,
  DEFAULT_LIST,
  paginatedBody,
  pipelineProgress,
  stillListed,
  toggleSelected,
  toggleSort,
} from "../../webui/src/lib/documents";
import { baseName, formatBytes } from "../../webui/src/lib/format";
import {
  degrees,
  edgeKey,
  mergeGraphs,
  nodeSize,
  prefersFastRendering,
  renderSettings,
  splitSources,
  textColorOn,
  typeColor,
} from "../../webui/src/lib/graph-model";
import { hashHref, parseHash } from "../../webui/src/lib/hash-route";
import { ndjsonSplitter } from "../../webui/src/lib/ndjson";
import {
  applyStreamLine,
  DEFAULT_FORM,
  historyFor,
  progressLine,
  queryBody,
  type StreamState,
} from "../../webui/src/lib/query";
import { roleAtLeast } from "../../webui/src/lib/roles";

describe("hash routes", () => {
  it("parse path and params, and build them back", () => {
    expect(parseHash("#/graph?label=Ada%20Lovelace")).toEqual({
      path: "/graph",
      params: { label: "Ada Lovelace" },
    });
    expect(parseHash("")).toEqual({ path: "/", params: {} });
    expect(parseHash("#documents/")).toEqual({ path: "/documents", params: {} });
    expect(hashHref("/graph", { label: "Ada Lovelace", empty: "", none: undefined })).toBe(
      "#/graph?label=Ada+Lovelace",
    );
    expect(parseHash(hashHref("/documents", { file: "a b.pdf" })).params.file).toBe("a b.pdf");
  });
});

describe("ndjsonSplitter", () => {
  it("joins lines split across chunks and skips blank lines", () => {
    const split = ndjsonSplitter();
    expect(split.push('{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(split.push(':2}\n\n{"c":3}')).toEqual([{ b: 2 }]);
    expect(split.flush()).toEqual([{ c: 3 }]);
    expect(split.flush()).toEqual([]);
  });

  it("reports an unreadable line as an error value instead of throwing", () => {
    const [line] = ndjsonSplitter().push("not json\n");
    expect(line).toMatchObject({ error: expect.stringContaining("not json") });
  });
});

describe("documents helpers", () => {
  it("build the paginated request, with the status filter only when one is chosen", () => {
    expect(paginatedBody(DEFAULT_LIST)).toEqual({
      page: 1,
      page_size: 20,
      sort_field: "updated_at",
      sort_direction: "desc",
    });
    expect(paginatedBody({ ...DEFAULT_LIST, status: "failed", page: 3 })).toMatchObject({
      status_filter: "failed",
      page: 3,
    });
  });

  it("flip the direction of the same column and start a new one on page 1", () => {
    const byDate = toggleSort({ ...DEFAULT_LIST, page: 4 }, "updated_at");
    expect(byDate).toMatchObject({ sortField: "updated_at", sortDirection: "asc", page: 1 });
    expect(toggleSort(DEFAULT_LIST, "file_path")).toMatchObject({
      sortField: "file_path",
      sortDirection: "asc",
    });
    expect(toggleSort(DEFAULT_LIST, "created_at")).toMatchObject({ sortDirection: "desc" });
  });

  it("toggle a selection without mutating it", () => {
    const first = new Set(["a"]);
    expect([...toggleSelected(first, "b")]).toEqual(["a", "b"]);
    expect([...toggleSelected(first, "a")]).toEqual([]);
    expect([...first]).toEqual(["a"]);
  });

  it("keep only the queued deletions the list still shows", () => {
    expect([...stillListed(new Set(["a", "b"]), ["b", "c"])]).toEqual(["b"]);
    expect(stillListed(new Set(["a"]), []).size).toBe(0);
  });

  it("keep refreshing after Retry failed until the queue picks the failed documents up, bounded", () => {
    const watch = { failedAtClick: 2, since: 1_000 };
    expect(awaitingRetry(watch, 2, 2_000, 60_000)).toBe(true);
    expect(awaitingRetry(watch, 3, 2_000, 60_000)).toBe(true);
    expect(awaitingRetry(watch, 1, 2_000, 60_000)).toBe(false);
    expect(awaitingRetry(watch, 2, 61_000, 60_000)).toBe(false);
    expect(awaitingRetry(null, 2, 2_000, 60_000)).toBe(false);
    expect(awaitingRetry({ failedAtClick: 0, since: 1_000 }, 0, 2_000, 60_000)).toBe(false);
  });

  it("refuse unsupported and oversized files before upload", () => {
    const files = [
      { name: "a.PDF", size: 10 },
      { name: "b.exe", size: 10 },
      { name: "noext", size: 10 },
      { name: "big.md", size: 2_000 },
    ];
    const { accepted, refused } = checkFiles(files, [".pdf", ".md"], 1_000);
    expect(accepted.map((f) => f.name)).toEqual(["a.PDF"]);
    expect(refused.map((r) => r.reason)).toEqual([
      "unsupported type .exe",
      "unsupported type (none)",
      "file too large",
    ]);
  });

  it("describe pipeline progress only while busy", () => {
    expect(pipelineProgress({ busy: false, cur_batch: 1, batchs: 2, docs: 3 })).toBe("");
    expect(pipelineProgress({ busy: true, cur_batch: 1, batchs: 2, docs: 3 })).toBe(
      "batch 1 of 2, 3 document(s)",
    );
    expect(pipelineProgress({ busy: true, cur_batch: 0, batchs: 0, docs: 0 })).toBe("starting");
  });
});

describe("query helpers", () => {
  it("leave blank numbers out so the server's defaults apply, and split keywords", () => {
    const body = queryBody(
      { ...DEFAULT_FORM, query: "  who?  ", topK: "7", chunkTopK: "x", hlKeywords: "a, b ,," },
      [],
    );
    expect(body).toMatchObject({
      query: "who?",
      mode: "mix",
      top_k: 7,
      hl_keywords: ["a", "b"],
      ll_keywords: [],
    });
    expect(body).not.toHaveProperty("chunk_top_k");
    expect(body).not.toHaveProperty("user_prompt");
    // The service's RERANK_BY_DEFAULT decides unless the form says on or off.
    expect(body).not.toHaveProperty("enable_rerank");
    expect(queryBody({ ...DEFAULT_FORM, query: "abc", rerank: "on" }, []).enable_rerank).toBe(true);
  });

  it("fill every QueryRequest field of the server's schema, and the schema accepts the body", () => {
    const form = {
      ...DEFAULT_FORM,
      query: "who worked with Ada?",
      mode: "local" as const,
      responseType: "Bullet Points",
      topK: "5",
      chunkTopK: "6",
      maxEntityTokens: "700",
      maxRelationTokens: "800",
      maxTotalTokens: "9000",
      hlKeywords: "engines",
      llKeywords: "Ada Lovelace",
      userPrompt: "Answer briefly.",
      onlyNeedContext: true,
      onlyNeedPrompt: true,
      rerank: "off" as const,
      includeReferences: false,
      includeChunkContent: true,
    };
    const history = [
      { role: "user" as const, content: "q1" },
      { role: "assistant" as const, content: "a1" },
    ];
    // The streaming page adds include_progress itself (Query page); the rest comes from the form.
    const body = { ...queryBody(form, history), include_progress: true };
    expect(Object.keys(body).sort()).toEqual(Object.keys(queryRequestSchema.shape).sort());
    const parsed = queryRequestSchema.parse(body);
    expect(parsed).toMatchObject({
      mode: "local",
      response_type: "Bullet Points",
      top_k: 5,
      chunk_top_k: 6,
      max_entity_tokens: 700,
      max_relation_tokens: 800,
      max_total_tokens: 9000,
      hl_keywords: ["engines"],
      ll_keywords: ["Ada Lovelace"],
      user_prompt: "Answer briefly.",
      only_need_context: true,
      only_need_prompt: true,
      enable_rerank: false,
      include_references: false,
      include_chunk_content: true,
      conversation_history: history.map(({ role, content }) => ({ role, content })),
      stream: true,
    });
  });

  it("send the last turns of history without failed answers", () => {
    const history = [
      { role: "user" as const, content: "q1" },
      { role: "assistant" as const, content: "a1" },
      { role: "user" as const, content: "q2" },
      { role: "assistant" as const, content: "", error: "boom" },
      { role: "user" as const, content: "q3" },
      { role: "assistant" as const, content: "a3" },
    ];
    expect(historyFor(history, 1)).toEqual([
      { role: "user", content: "q3" },
      { role: "assistant", content: "a3" },
    ]);
    expect(historyFor(history, 0)).toEqual([]);
    expect(
      queryBody({ ...DEFAULT_FORM, query: "abc", historyTurns: 2 }, history).conversation_history,
    ).toHaveLength(4);
  });

  it("fold stream lines into progress, references, deltas, errors and timing", () => {
    const lines = [
      { progress: "extracting_keywords" },
      { references: [{ reference_id: "1", file_path: "a.md" }] },
      { response: "Hel" },
      { response: "lo" },
      { response_time: 0.25 },
    ];
    const start: StreamState = { answer: "", references: [], progress: [] };
    const end = lines.reduce(applyStreamLine, start);
    expect(end).toEqual({
      answer: "Hello",
      references: [{ reference_id: "1", file_path: "a.md" }],
      progress: ["extracting_keywords"],
      responseTime: 0.25,
    });
    expect(applyStreamLine(end, { error: "LLM down" }).error).toBe("LLM down");
    expect(progressLine(end)).toBe("Steps: extracting_keywords · 0.25 s");
    expect(progressLine({})).toBe("");
    expect(applyStreamLine(end, null)).toBe(end);
  });
});

describe("graph model", () => {
  it("label every type colour in black or white with at least 4.5:1 contrast", () => {
    const luminance = (hex: string) =>
      [0, 1, 2]
        .map((i) => Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255)
        .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
        .reduce((sum, c, i) => sum + c * ([0.2126, 0.7152, 0.0722][i] as number), 0);
    const contrast = (a: string, b: string) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    };
    expect(textColorOn("#1f77b4")).toBe("#ffffff");
    expect(textColorOn("#bcbd22")).toBe("#000000");
    // Every colour of the palette: enough type names to hit each one.
    const colours = new Set(Array.from({ length: 200 }, (_, i) => typeColor(`type${i}`)));
    expect(colours.size).toBe(10);
    for (const background of colours)
      expect(contrast(background, textColorOn(background)), background).toBeGreaterThanOrEqual(4.5);
  });

  it("draw large graphs in fast rendering (points, thin lines, nothing extra while moving)", () => {
    expect(prefersFastRendering(1_000, 1_999)).toBe(false);
    expect(prefersFastRendering(1_001, 0)).toBe(true);
    expect(prefersFastRendering(200, 2_001)).toBe(true);
    expect(renderSettings(true)).toEqual({
      hideEdgesOnMove: true,
      hideLabelsOnMove: true,
      defaultNodeType: "dot",
      defaultEdgeType: "thin",
    });
    expect(renderSettings(false)).toMatchObject({ hideEdgesOnMove: false, defaultNodeType: "circle" });
  });

  const node = (id: string, type = "person") => ({ id, labels: [id], properties: { entity_type: type } });
  const edge = (source: string, target: string) => ({
    id: `${source}-${target}`,
    source,
    target,
    properties: {},
  });

  it("merges an expansion, reporting only new nodes and dropping dangling edges", () => {
    const current = { nodes: [node("A"), node("B")], edges: [edge("A", "B")], is_truncated: false };
    const incoming = {
      nodes: [node("B"), node("C")],
      edges: [edge("B", "A"), edge("B", "C"), edge("C", "Z")],
      is_truncated: true,
    };
    const merged = mergeGraphs(current, incoming);
    expect(merged.added).toEqual(["C"]);
    expect(merged.nodes.map((n) => n.id)).toEqual(["A", "B", "C"]);
    expect(merged.edges.map((e) => e.id)).toEqual(["A-B", "B-C"]);
    expect(merged.is_truncated).toBe(true);
    expect(edgeKey({ source: "B", target: "A" })).toBe(edgeKey({ source: "A", target: "B" }));
  });

  it("gives stable colours per type, degree-based sizes and distinct sources", () => {
    expect(typeColor("Person")).toBe(typeColor("person"));
    expect(typeColor("x")).toMatch(/^#[0-9a-f]{6}$/);
    expect(nodeSize(0)).toBe(4);
    expect(nodeSize(10_000)).toBe(20);
    const graph = {
      nodes: [node("A"), node("B"), node("C")],
      edges: [edge("A", "B"), edge("A", "C")],
      is_truncated: false,
    };
    expect(Object.fromEntries(degrees(graph))).toEqual({ A: 2, B: 1, C: 1 });
    expect(splitSources("a.pdf<SEP>b.md<SEP> a.pdf <SEP>")).toEqual(["a.pdf", "b.md"]);
    expect(splitSources(undefined)).toEqual([]);
  });
});

describe("format and roles", () => {
  it("formats sizes and names, and orders roles", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(baseName("dir/sub\\file.pdf")).toBe("file.pdf");
    expect(roleAtLeast("admin", "user")).toBe(true);
    expect(roleAtLeast("viewer", "user")).toBe(false);
    expect(roleAtLeast("unknown", "viewer")).toBe(false);
  });
});
