/**
 * The graph store's neighbourhood walk, written once over the port's own look-ups so every
 * adapter (D1, Postgres) returns the same nodes in the same order.
 */
import type { EntityRecord, GraphStore, RelationRecord } from "./graph";

type WalkStore = Pick<GraphStore, "getEntities" | "popularLabels" | "relationsOf" | "degrees">;

/**
 * Breadth-first neighbourhood of `label` (`"*"`: the highest-degree nodes), as
 * `GraphStore.neighbourhood` specifies; within a level, neighbours with higher degree come first.
 *
 * @example
 * const hood = await neighbourhoodOf(store, ws, "Alan Turing", 2, 100);
 */
export async function neighbourhoodOf(
  store: WalkStore,
  workspace: string,
  label: string,
  maxDepth: number,
  maxNodes: number,
): Promise<{ entities: EntityRecord[]; relations: RelationRecord[]; truncated: boolean }> {
  let names: string[];
  let truncated = false;
  if (label === "*") {
    names = await store.popularLabels(workspace, maxNodes + 1);
    truncated = names.length > maxNodes;
    names = names.slice(0, maxNodes);
  } else {
    const start = await store.getEntities(workspace, [label]);
    if (start.length === 0) return { entities: [], relations: [], truncated: false };
    ({ names, truncated } = await breadthFirst(store, workspace, label, maxDepth, maxNodes));
  }
  const [entities, relations] = await Promise.all([
    store.getEntities(workspace, names),
    relationsAmong(store, workspace, names),
  ]);
  const order = new Map(names.map((name, index) => [name, index]));
  entities.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  return { entities, relations, truncated };
}

async function breadthFirst(
  store: WalkStore,
  workspace: string,
  label: string,
  maxDepth: number,
  maxNodes: number,
) {
  const visited = new Set([label]);
  let frontier = [label];
  let truncated = false;
  for (let depth = 0; depth < maxDepth && frontier.length > 0 && !truncated; depth++) {
    const edges = await store.relationsOf(workspace, frontier);
    const next = [...new Set(edges.flatMap((edge) => [edge.src, edge.tgt]))].filter(
      (name) => !visited.has(name),
    );
    const degrees = await store.degrees(workspace, next);
    next.sort((a, b) => (degrees.get(b) ?? 0) - (degrees.get(a) ?? 0) || (a < b ? -1 : 1));
    frontier = [];
    for (const name of next) {
      if (visited.size >= maxNodes) {
        truncated = true;
        break;
      }
      visited.add(name);
      frontier.push(name);
    }
  }
  return { names: [...visited], truncated };
}

async function relationsAmong(
  store: WalkStore,
  workspace: string,
  names: string[],
): Promise<RelationRecord[]> {
  if (names.length === 0) return [];
  const members = new Set(names);
  return (await store.relationsOf(workspace, names)).filter(
    (edge) => members.has(edge.src) && members.has(edge.tgt),
  );
}
