/** Reference numbering of LightRAG (`generate_reference_list_from_chunks`). */
import type { Reference } from "./types";

/** File paths that never become a reference. */
const NO_SOURCE = new Set(["", "unknown_source"]);

/**
 * Numbers the chunks' files by how many chunks cite them (most first, then first appearance);
 * chunks without a path get `""`.
 *
 * @example
 * numberReferences(["a.md", "b.md", "b.md"]); // { references: [{reference_id:"1",file_path:"b.md"}, {…"2","a.md"}], ids: ["2","1","1"] }
 */
export function numberReferences(filePaths: string[]): { references: Reference[]; ids: string[] } {
  const counts = new Map<string, { count: number; first: number }>();
  filePaths.forEach((path, index) => {
    if (NO_SOURCE.has(path)) return;
    const entry = counts.get(path);
    if (entry) entry.count++;
    else counts.set(path, { count: 1, first: index });
  });
  const ordered = [...counts.entries()].sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first);
  const idOf = new Map(ordered.map(([path], index) => [path, String(index + 1)]));
  return {
    references: ordered.map(([path]) => ({ reference_id: idOf.get(path) as string, file_path: path })),
    ids: filePaths.map((path) => idOf.get(path) ?? ""),
  };
}
