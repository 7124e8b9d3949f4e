/**
 * Graph explorer: WebGL rendering with sigma over graphology (loaded only with this page),
 * label search with autocomplete, depth and size limits, ForceAtlas2 layout in a Web Worker
 * (smooth at thousands of nodes), expand neighbours, node and edge details with their source
 * documents, and editing or deleting entities and relations through the graph-editing routes.
 * A node list beside the canvas gives keyboard and screen-reader access to the same details.
 */
import { useComputed, useSignal, useSignalEffect } from "@preact/signals";
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import { useEffect, useRef } from "preact/hooks";
import Sigma from "sigma";
import { EdgeLineProgram, NodePointProgram } from "sigma/rendering";
import { api } from "../api/client";
import { session } from "../api/session";
import type { GraphEdge, GraphNode, KnowledgeGraph } from "../api/types";
import { LabelSearch } from "../components/label-search";
import { baseName } from "../lib/format";
import {
  degrees,
  EDGE_PROGRAM,
  edgeKey,
  mergeGraphs,
  NODE_PROGRAM,
  nodeSize,
  prefersFastRendering,
  prop,
  renderSettings,
  splitSources,
  textColorOn,
  typeColor,
} from "../lib/graph-model";
import { hashHref } from "../lib/hash-route";
import { roleAtLeast } from "../lib/roles";
import { navigate, route } from "../router";

type Selection = { kind: "node"; id: string } | { kind: "edge"; key: string } | null;

const EMPTY: KnowledgeGraph = { nodes: [], edges: [], is_truncated: false };
/** Layout runs this long after a load or an expansion, then stops to free the CPU. */
const LAYOUT_MS = 4_000;

export default function GraphPage() {
  const label = useComputed(() => route.value.params.label ?? "");
  const depth = useSignal(2);
  const maxNodes = useSignal(1000);
  const data = useSignal<KnowledgeGraph>(EMPTY);
  const status = useSignal<string>("");
  const error = useSignal<string | null>(null);
  const selection = useSignal<Selection>(null);
  const showLabels = useSignal(true);
  // Fast rendering (see renderSettings): on by itself for large graphs, the user may flip it.
  const fast = useSignal(false);
  const layoutRunning = useSignal(false);
  const popular = useSignal<string[]>([]);
  const filter = useSignal("");
  const webglError = useSignal<string | null>(null);

  const container = useRef<HTMLDivElement>(null);
  const graphRef = useRef(new Graph({ type: "undirected", multi: false }));
  const sigmaRef = useRef<Sigma | null>(null);
  const layoutRef = useRef<FA2Layout | null>(null);
  const stopTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const stopLayout = () => {
    clearTimeout(stopTimer.current);
    layoutRef.current?.kill();
    layoutRef.current = null;
    layoutRunning.value = false;
  };
  const runLayout = (ms = LAYOUT_MS) => {
    stopLayout();
    const graph = graphRef.current;
    if (graph.order < 2) return;
    try {
      const layout = new FA2Layout(graph, {
        settings: { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: graph.order > 500 },
      });
      layout.start();
      layoutRef.current = layout;
      layoutRunning.value = true;
      stopTimer.current = setTimeout(stopLayout, ms);
    } catch {
      // No Web Worker: a short synchronous layout instead.
      forceAtlas2.assign(graph, { iterations: 50, settings: forceAtlas2.inferSettings(graph) });
    }
  };

  // The renderer, created once the container exists; WebGL may be missing (old or locked-down browsers).
  useEffect(() => {
    if (!container.current) return;
    try {
      const renderer = new Sigma(graphRef.current, container.current, {
        enableEdgeEvents: true,
        renderEdgeLabels: false,
        labelRenderedSizeThreshold: 6,
        defaultEdgeColor: "#b8c0cc",
        zIndex: true,
        // Leaving the page (or a narrow layout) can leave the container 0 px wide for a frame.
        allowInvalidContainer: true,
        // The cheap programs of fast rendering, beside sigma's default circle and line.
        nodeProgramClasses: { [NODE_PROGRAM.fast]: NodePointProgram },
        edgeProgramClasses: { [EDGE_PROGRAM.fast]: EdgeLineProgram },
        ...renderSettings(fast.peek()),
      });
      renderer.on("clickNode", ({ node }) => (selection.value = { kind: "node", id: node }));
      renderer.on("doubleClickNode", ({ node, event }) => {
        event.preventSigmaDefault();
        void expand(node);
      });
      renderer.on("clickEdge", ({ edge }) => (selection.value = { kind: "edge", key: edge }));
      renderer.on("clickStage", () => (selection.value = null));
      sigmaRef.current = renderer;
    } catch (e) {
      webglError.value = `The graph cannot be drawn here (WebGL unavailable: ${e instanceof Error ? e.message : String(e)}). The node list and details still work.`;
    }
    return () => {
      stopLayout();
      sigmaRef.current?.kill();
      sigmaRef.current = null;
    };
  }, []);

  useSignalEffect(() => {
    const renderer = sigmaRef.current;
    const settings = renderSettings(fast.value);
    if (!renderer) return;
    renderer.setSetting("hideEdgesOnMove", settings.hideEdgesOnMove);
    renderer.setSetting("hideLabelsOnMove", settings.hideLabelsOnMove);
    renderer.setSetting("defaultNodeType", settings.defaultNodeType);
    renderer.setSetting("defaultEdgeType", settings.defaultEdgeType);
  });

  // Labels on or off, and the selected node highlighted with its neighbours.
  useSignalEffect(() => {
    const renderer = sigmaRef.current;
    const sel = selection.value;
    const labels = showLabels.value;
    if (!renderer) return;
    renderer.setSetting("labelRenderedSizeThreshold", labels ? 6 : Number.POSITIVE_INFINITY);
    const graph = graphRef.current;
    const focus =
      sel?.kind === "node" && graph.hasNode(sel.id) ? new Set([sel.id, ...graph.neighbors(sel.id)]) : null;
    renderer.setSetting("nodeReducer", (node, attrs) =>
      focus && !focus.has(node)
        ? { ...attrs, color: "#d9dde3", label: "" }
        : node === (sel?.kind === "node" ? sel.id : "")
          ? { ...attrs, highlighted: true }
          : attrs,
    );
    renderer.setSetting("edgeReducer", (edge, attrs) =>
      sel?.kind === "edge" && edge === sel.key
        ? { ...attrs, color: "#d62728", size: 3 }
        : focus && !graph.extremities(edge).every((n) => focus.has(n))
          ? { ...attrs, hidden: true }
          : attrs,
    );
  });

  useSignalEffect(() => {
    void session.value?.workspace;
    api<string[]>("/graph/label/popular?limit=12")
      .then((labels) => (popular.value = labels))
      .catch(() => (popular.value = []));
  });

  const fetchGraph = (name: string, hops: number) =>
    api<KnowledgeGraph>(
      `/graphs?label=${encodeURIComponent(name)}&max_depth=${hops}&max_nodes=${maxNodes.peek()}`,
    );

  /** Replaces the shown graph with `next` (positions: circle, then the layout). */
  const show = (next: KnowledgeGraph) => {
    const graph = graphRef.current;
    stopLayout();
    graph.clear();
    data.value = EMPTY;
    fast.value = prefersFastRendering(next.nodes.length, next.edges.length);
    addToGraph(next, []);
    data.value = next;
    sigmaRef.current?.getCamera().animatedReset();
    runLayout();
  };

  const addToGraph = (next: KnowledgeGraph, added: string[], around?: { x: number; y: number }) => {
    const graph = graphRef.current;
    const deg = degrees(next);
    const count = next.nodes.length || 1;
    next.nodes.forEach((node, i) => {
      const attrs = {
        label: node.id,
        size: nodeSize(deg.get(node.id) ?? 0),
        color: typeColor(prop(node.properties, "entity_type")),
      };
      if (graph.hasNode(node.id)) graph.mergeNodeAttributes(node.id, attrs);
      else {
        const angle = (2 * Math.PI * i) / count;
        const spread = around ? 0.5 + Math.random() : Math.sqrt(count) * 10;
        graph.addNode(node.id, {
          ...attrs,
          x: (around?.x ?? 0) + Math.cos(angle) * spread,
          y: (around?.y ?? 0) + Math.sin(angle) * spread,
        });
      }
    });
    for (const edge of next.edges) {
      if (graph.hasNode(edge.source) && graph.hasNode(edge.target) && !graph.hasEdge(edgeKey(edge))) {
        const weight = Number(edge.properties.weight) || 1;
        graph.addEdgeWithKey(edgeKey(edge), edge.source, edge.target, {
          size: Math.min(4, 0.5 + Math.log1p(weight)),
        });
      }
    }
    void added;
  };

  const load = async (name: string) => {
    if (!name) return;
    status.value = `Loading ${name}…`;
    error.value = null;
    selection.value = null;
    try {
      const graph = await fetchGraph(name, depth.peek());
      show(graph);
      status.value = `${graph.nodes.length} nodes, ${graph.edges.length} relations${graph.is_truncated ? " (truncated: raise the node limit or lower the depth)" : ""}`;
      if (name !== "*" && graph.nodes.some((n) => n.id === name))
        selection.value = { kind: "node", id: name };
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
      status.value = "";
    }
  };

  const expand = async (name: string) => {
    status.value = `Expanding ${name}…`;
    try {
      const incoming = await fetchGraph(name, 1);
      const merged = mergeGraphs(data.peek(), incoming);
      const graph = graphRef.current;
      const around = graph.hasNode(name)
        ? { x: graph.getNodeAttribute(name, "x") as number, y: graph.getNodeAttribute(name, "y") as number }
        : undefined;
      addToGraph(merged, merged.added, around);
      data.value = merged;
      if (prefersFastRendering(merged.nodes.length, merged.edges.length)) fast.value = true;
      status.value = `${merged.added.length} new node(s) around ${name}; ${merged.nodes.length} nodes in view`;
      if (merged.added.length > 0) runLayout(2_000);
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
  };

  // Load when the label in the URL, the workspace or the depth changes.
  useSignalEffect(() => {
    void session.value?.workspace;
    void depth.value;
    const name = label.value;
    if (name) void load(name);
  });

  const sel = selection.value;
  const nodes = data.value.nodes;
  const edges = data.value.edges;
  const node = sel?.kind === "node" ? nodes.find((n) => n.id === sel.id) : undefined;
  const edge = sel?.kind === "edge" ? edges.find((e) => edgeKey(e) === sel.key) : undefined;
  const listed = filter.value
    ? nodes.filter((n) => n.id.toLowerCase().includes(filter.value.toLowerCase()))
    : nodes;

  return (
    <div>
      <h1 class="visually-hidden">Graph explorer</h1>
      <section class="row card" aria-label="Graph controls">
        <LabelSearch
          key={label.value}
          initial={label.value}
          onPick={(name) => navigate("/graph", { label: name })}
        />
        <label class="inline">
          Depth
          <select value={String(depth.value)} onChange={(e) => (depth.value = Number(e.currentTarget.value))}>
            {[1, 2, 3, 4, 5].map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label class="inline">
          Max nodes
          <select
            value={String(maxNodes.value)}
            onChange={(e) => (maxNodes.value = Number(e.currentTarget.value))}
          >
            {[100, 500, 1000, 2000, 5000, 10000].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void load(label.value)} disabled={!label.value}>
          Reload
        </button>
        <span class="grow" />
        <button
          type="button"
          onClick={() => (layoutRunning.value ? stopLayout() : runLayout(10_000))}
          aria-pressed={layoutRunning.value}
        >
          {layoutRunning.value ? "Stop layout" : "Run layout"}
        </button>
        <button type="button" onClick={() => sigmaRef.current?.getCamera().animatedReset()}>
          Fit
        </button>
        <label class="check">
          <input
            type="checkbox"
            checked={showLabels.value}
            onChange={(e) => (showLabels.value = e.currentTarget.checked)}
          />
          Labels
        </label>
        <label class="check" title="Dots and thin lines, no relations or labels while the view moves">
          <input
            type="checkbox"
            checked={fast.value}
            aria-describedby="fast-hint"
            onChange={(e) => (fast.value = e.currentTarget.checked)}
          />
          Fast rendering
        </label>
        <span id="fast-hint" class="visually-hidden">
          Dots and thin lines, and no relations or labels while the view moves; on by itself above 1,000
          nodes.
        </span>
      </section>
      {popular.value.length > 0 && !label.value && (
        <p class="row">
          <span class="muted">Popular:</span>
          {popular.value.map((name) => (
            <a key={name} href={hashHref("/graph", { label: name })}>
              {name}
            </a>
          ))}
          <a href={hashHref("/graph", { label: "*" })}>whole graph</a>
        </p>
      )}
      {status.value && (
        <p class="muted small" role="status" data-testid="graph-status">
          {status.value}
        </p>
      )}
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {webglError.value && <p class="notice warn">{webglError.value}</p>}
      <div class="split">
        <div
          ref={container}
          class="graph-canvas"
          data-testid="graph-canvas"
          aria-label="Graph drawing (use the node list for keyboard access)"
          role="img"
        />
        <aside class="card">
          {node && (
            <NodeDetails
              node={node}
              relations={edges.filter((e) => e.source === node.id || e.target === node.id)}
              onSelectRelation={(key) => (selection.value = { kind: "edge", key })}
              onExpand={() => void expand(node.id)}
              onChanged={() => void load(label.peek())}
            />
          )}
          {edge && <EdgeDetails edge={edge} onChanged={() => void load(label.peek())} />}
          <details open={!node && !edge}>
            <summary>Nodes ({nodes.length})</summary>
            <label class="inline">
              Filter
              <input value={filter.value} onInput={(e) => (filter.value = e.currentTarget.value)} />
            </label>
            <ul class="scroll node-list" aria-label="Nodes">
              {listed.slice(0, 300).map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    class="link"
                    onClick={() => (selection.value = { kind: "node", id: n.id })}
                  >
                    {n.id}
                  </button>
                </li>
              ))}
            </ul>
          </details>
        </aside>
      </div>
    </div>
  );
}

function Sources({ properties }: { properties: Record<string, unknown> }) {
  const files = splitSources(properties.file_path);
  const chunks = splitSources(properties.source_id);
  return (
    <div>
      <h3 class="small">Source documents</h3>
      <ul data-testid="source-documents">
        {files.map((file) => (
          <li key={file}>
            <a href={hashHref("/documents", { file })}>{baseName(file) || file}</a>
          </li>
        ))}
        {files.length === 0 && <li class="muted">none recorded</li>}
      </ul>
      <p class="muted small">{chunks.length} source chunk(s)</p>
    </div>
  );
}

function useCanEdit(): boolean {
  return roleAtLeast(session.value?.role ?? "", "user");
}

function NodeDetails({
  node,
  relations,
  onSelectRelation,
  onExpand,
  onChanged,
}: {
  node: GraphNode;
  /** The node's relations in view: buttons to their details (the keyboard path to edges). */
  relations: GraphEdge[];
  onSelectRelation: (key: string) => void;
  onExpand: () => void;
  onChanged: () => void;
}) {
  const editing = useSignal(false);
  const message = useSignal<string | null>(null);
  const canEdit = useCanEdit();
  const type = prop(node.properties, "entity_type");
  const remove = async () => {
    if (!confirm(`Delete entity "${node.id}" and its relations?`)) return;
    try {
      await api("/graph/entity/delete", { method: "DELETE", json: { entity_name: node.id } });
      onChanged();
    } catch (e) {
      message.value = e instanceof Error ? e.message : String(e);
    }
  };
  return (
    <section aria-labelledby="node-title" data-testid="node-details">
      <h2 id="node-title">{node.id}</h2>
      <p>
        <span class="badge" style={{ color: textColorOn(typeColor(type)), background: typeColor(type) }}>
          {type || "unknown type"}
        </span>
      </p>
      <p class="answer small">{prop(node.properties, "description")}</p>
      <Sources properties={node.properties} />
      {relations.length > 0 && (
        <details>
          <summary>Relations ({relations.length})</summary>
          <ul class="node-list scroll" aria-label={`Relations of ${node.id}`}>
            {relations.slice(0, 200).map((relation) => {
              const other = relation.source === node.id ? relation.target : relation.source;
              return (
                <li key={edgeKey(relation)}>
                  <button type="button" class="link" onClick={() => onSelectRelation(edgeKey(relation))}>
                    {node.id} — {other}
                  </button>
                </li>
              );
            })}
          </ul>
        </details>
      )}
      <div class="row">
        <button type="button" onClick={onExpand}>
          Expand neighbours
        </button>
        {canEdit && (
          <>
            <button
              type="button"
              onClick={() => (editing.value = !editing.value)}
              aria-expanded={editing.value}
            >
              Edit
            </button>
            <button type="button" class="danger" onClick={() => void remove()}>
              Delete
            </button>
          </>
        )}
      </div>
      {editing.value && (
        <EntityForm
          node={node}
          onDone={(text) => {
            editing.value = false;
            message.value = text;
            onChanged();
          }}
        />
      )}
      {message.value && <p role="status">{message.value}</p>}
    </section>
  );
}

function EntityForm({ node, onDone }: { node: GraphNode; onDone: (message: string) => void }) {
  const name = useSignal(node.id);
  const type = useSignal(prop(node.properties, "entity_type"));
  const description = useSignal(prop(node.properties, "description"));
  const error = useSignal<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const renamed = name.value.trim() !== node.id;
    try {
      const answer = await api<{ message: string }>("/graph/entity/edit", {
        method: "POST",
        json: {
          entity_name: node.id,
          updated_data: {
            entity_type: type.value,
            description: description.value,
            ...(renamed ? { entity_name: name.value.trim() } : {}),
          },
          allow_rename: renamed,
        },
      });
      if (renamed) navigate("/graph", { label: name.value.trim() });
      onDone(answer.message);
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    }
  };
  return (
    <form onSubmit={submit}>
      <label>
        Name
        <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} required />
      </label>
      <label>
        Type
        <input value={type.value} onInput={(e) => (type.value = e.currentTarget.value)} />
      </label>
      <label>
        Description
        <textarea
          rows={5}
          value={description.value}
          onInput={(e) => (description.value = e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="primary">
        Save entity
      </button>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </form>
  );
}

function EdgeDetails({ edge, onChanged }: { edge: GraphEdge; onChanged: () => void }) {
  const canEdit = useCanEdit();
  const description = useSignal(prop(edge.properties, "description"));
  const keywords = useSignal(prop(edge.properties, "keywords"));
  const weight = useSignal(prop(edge.properties, "weight"));
  const message = useSignal<string | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const answer = await api<{ message: string }>("/graph/relation/edit", {
        method: "POST",
        json: {
          source_id: edge.source,
          target_id: edge.target,
          updated_data: { description: description.value, keywords: keywords.value, weight: weight.value },
        },
      });
      message.value = answer.message;
      onChanged();
    } catch (err) {
      message.value = err instanceof Error ? err.message : String(err);
    }
  };
  const remove = async () => {
    if (!confirm(`Delete the relation ${edge.source} — ${edge.target}?`)) return;
    try {
      await api("/graph/relation/delete", {
        method: "DELETE",
        json: { source_entity: edge.source, target_entity: edge.target },
      });
      onChanged();
    } catch (err) {
      message.value = err instanceof Error ? err.message : String(err);
    }
  };
  return (
    <section aria-labelledby="edge-title" data-testid="edge-details">
      <h2 id="edge-title">
        {edge.source} — {edge.target}
      </h2>
      <p class="small">
        Keywords: {prop(edge.properties, "keywords")} · weight {prop(edge.properties, "weight")}
      </p>
      <p class="answer small">{prop(edge.properties, "description")}</p>
      <Sources properties={edge.properties} />
      {canEdit && (
        <form onSubmit={save}>
          <label>
            Description
            <textarea
              rows={4}
              value={description.value}
              onInput={(e) => (description.value = e.currentTarget.value)}
            />
          </label>
          <label>
            Keywords
            <input value={keywords.value} onInput={(e) => (keywords.value = e.currentTarget.value)} />
          </label>
          <label>
            Weight
            <input
              type="number"
              min={0}
              step="any"
              value={weight.value}
              onInput={(e) => (weight.value = e.currentTarget.value)}
            />
          </label>
          <div class="row">
            <button type="submit" class="primary">
              Save relation
            </button>
            <button type="button" class="danger" onClick={() => void remove()}>
              Delete relation
            </button>
          </div>
        </form>
      )}
      {message.value && <p role="status">{message.value}</p>}
    </section>
  );
}
