/**
 * A small corpus whose graph is known, written straight through the storage ports (D1 and the
 * local vector index) with the local embedder, so query tests know exactly what each mode must find.
 */
import { env } from "cloudflare:test";
import { hashEmbedding } from "../../src/providers/local-embedding";
import { loadTokenizer } from "../../src/rag/tokenizer";
import { createD1Stores } from "../../src/storage/d1/stores";
import type { EntityRecord, RelationRecord } from "../../src/storage/graph";
import { invalidateGraphIndex } from "../../src/storage/graph-index/store";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { entityVectorId, relationVectorId } from "../../src/storage/vector-ids";

/** The dimension of the default local embedder (EMBEDDING_DIM). */
const DIM = 384;

export const CHUNKS = [
  {
    id: "acme-chunk-000",
    docId: "acme",
    order: 0,
    filePath: "acme.md",
    content: "Acme Corporation was founded by Ada Lovelace in London. Acme builds analytical engines.",
  },
  {
    id: "acme-chunk-001",
    docId: "acme",
    order: 1,
    filePath: "acme.md",
    content: "Acme Corporation partnered with Babbage Labs to build the difference engine.",
  },
  {
    id: "babbage-chunk-000",
    docId: "babbage",
    order: 0,
    filePath: "babbage.md",
    content: "Babbage Labs is a research laboratory led by Charles Babbage in Cambridge.",
  },
  {
    id: "weather-chunk-000",
    docId: "weather",
    order: 0,
    filePath: "weather.md",
    content: "The weather in Paris is mild in spring. Rain falls often in November.",
  },
];

const entity = (name: string, entityType: string, description: string, sources: string[], files: string[]) =>
  ({
    name,
    entityType,
    description,
    sourceId: sources.join("<SEP>"),
    filePath: files.join("<SEP>"),
    createdAt: 1_700_000_000,
  }) satisfies EntityRecord;

export const ENTITIES: EntityRecord[] = [
  entity(
    "Acme Corporation",
    "organization",
    "Acme Corporation is a company that builds analytical engines.",
    ["acme-chunk-000", "acme-chunk-001"],
    ["acme.md"],
  ),
  entity(
    "Ada Lovelace",
    "person",
    "Ada Lovelace founded Acme Corporation in London.",
    ["acme-chunk-000"],
    ["acme.md"],
  ),
  entity(
    "London",
    "location",
    "London is the city where Acme Corporation was founded.",
    ["acme-chunk-000"],
    ["acme.md"],
  ),
  entity(
    "Babbage Labs",
    "organization",
    "Babbage Labs is a research laboratory in Cambridge.",
    ["acme-chunk-001", "babbage-chunk-000"],
    ["acme.md", "babbage.md"],
  ),
  entity(
    "Charles Babbage",
    "person",
    "Charles Babbage leads Babbage Labs.",
    ["babbage-chunk-000"],
    ["babbage.md"],
  ),
  entity("Paris", "location", "Paris has mild weather in spring.", ["weather-chunk-000"], ["weather.md"]),
];

const relation = (
  src: string,
  tgt: string,
  keywords: string,
  description: string,
  weight: number,
  source: string,
  file: string,
) =>
  ({
    src,
    tgt,
    keywords,
    description,
    weight,
    sourceId: source,
    filePath: file,
    createdAt: 1_700_000_000,
  }) satisfies RelationRecord;

/** Stored with src <= tgt, as the graph port requires. */
export const RELATIONS: RelationRecord[] = [
  relation(
    "Acme Corporation",
    "Ada Lovelace",
    "founding, leadership",
    "Ada Lovelace founded Acme Corporation.",
    2,
    "acme-chunk-000",
    "acme.md",
  ),
  relation(
    "Acme Corporation",
    "London",
    "location, headquarters",
    "Acme Corporation is based in London.",
    1,
    "acme-chunk-000",
    "acme.md",
  ),
  relation(
    "Acme Corporation",
    "Babbage Labs",
    "partnership, collaboration",
    "Acme Corporation partnered with Babbage Labs on the difference engine.",
    3,
    "acme-chunk-001",
    "acme.md",
  ),
  relation(
    "Babbage Labs",
    "Charles Babbage",
    "leadership, research",
    "Charles Babbage leads Babbage Labs.",
    2,
    "babbage-chunk-000",
    "babbage.md",
  ),
];

/** Writes the corpus into `workspace` (LightRAG's vector texts: name + description, keywords + endpoints + description). */
export async function seedCorpus(workspace: string): Promise<void> {
  const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (ws) =>
    invalidateGraphIndex(env.GRAPH_INDEX, ws),
  );
  const tokenizer = await loadTokenizer();
  await stores.chunks.upsert(
    workspace,
    CHUNKS.map((chunk) => ({ ...chunk, tokens: tokenizer.count(chunk.content) })),
  );
  await stores.graph.write(workspace, {
    upsertEntities: ENTITIES,
    deleteEntities: [],
    upsertRelations: RELATIONS,
    deleteRelations: [],
  });
  await stores.vectors.upsert(
    workspace,
    "chunks",
    CHUNKS.map((chunk) => ({ id: chunk.id, vector: hashEmbedding(chunk.content, DIM) })),
  );
  await stores.vectors.upsert(
    workspace,
    "entities",
    ENTITIES.map((e) => ({
      id: entityVectorId(e.name),
      vector: hashEmbedding(`${e.name}\n${e.description}`, DIM),
    })),
  );
  await stores.vectors.upsert(
    workspace,
    "relations",
    RELATIONS.map((r) => ({
      id: relationVectorId(r.src, r.tgt),
      vector: hashEmbedding(`${r.keywords}\t${r.src}\n${r.tgt}\n${r.description}`, DIM),
    })),
  );
}
