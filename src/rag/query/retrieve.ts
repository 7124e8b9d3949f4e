/**
 * Retrieval for every mode but `bypass`: graph search and chunk search in parallel,
 * round-robin merges, token budgets, references and the context string.
 */

import { reciprocalRankFusion } from "../../storage/fusion";
import { chunkRows } from "./chunk-rows";
import { chunkBudget, chunkLine, entityLine, relationLine } from "./context";
import { graphSearch } from "./graph-search";
import type { QueryKeywords } from "./keywords";
import { lexicalHits, NO_LEXICAL_HITS } from "./lexical";
import { roundRobin } from "./merge";
import type { QueryParams } from "./params";
import { pprChunks, recordingVectors } from "./ppr-chunks";
import { kgContext, naiveContext } from "./prompts";
import { numberReferences } from "./references";
import { relatedChunks } from "./related-chunks";
import { rerankChunks } from "./rerank";
import { type PhaseTimer, timed } from "./timings";
import type { Tokenizer } from "./tokens";
import { memoCounter, truncateByTokens } from "./tokens";
import type {
  ProgressStep,
  QueryDeps,
  RankedEntity,
  RankedRelation,
  RetrievalResult,
  RetrievedChunk,
} from "./types";

export interface RetrieveInput {
  workspace: string;
  query: string;
  params: QueryParams;
  keywords: QueryKeywords;
  tokenizer: Tokenizer;
  onProgress?: (step: ProgressStep) => void;
  timer?: PhaseTimer;
}

/**
 * Runs retrieval; `null` when nothing at all was found (LightRAG then answers the fail response).
 *
 * @example
 * const result = await retrieve(deps, { workspace, query, params, keywords, tokenizer });
 */
export async function retrieve(deps: QueryDeps, input: RetrieveInput): Promise<RetrievalResult | null> {
  const { params, keywords, workspace, timer } = input;
  const mode = params.mode;
  // `ppr` (our extension) searches like mix, then ranks chunks by Personalized PageRank.
  const usePpr = mode === "ppr" || (mode === "mix" && params.mixPpr);
  const graphMode = mode === "hybrid" || mode === "mix" || mode === "ppr";
  const useLocal = (mode === "local" || graphMode) && keywords.low.length > 0;
  const useGlobal = (mode === "global" || graphMode) && keywords.high.length > 0;
  const useVector = mode === "mix" || mode === "naive" || mode === "ppr";

  const lexicalQuery = {
    chunks: useVector ? input.query : undefined,
    entities: useLocal ? keywords.low.join(" ") : undefined,
    relations: useGlobal ? keywords.high.join(" ") : undefined,
    chunkLimit: params.chunkTopK,
    graphLimit: params.topK,
  };
  // With a graph look-up to make, BM25 rides on it where the store ranks beside the graph (one
  // round trip fewer); otherwise it needs no embedding, so it runs while the query is embedded.
  const foldLexical = (useLocal || useGlobal) && deps.lexical !== undefined && deps.graphSearch.lookupFused;
  const earlyLexical = foldLexical ? undefined : lexicalHits(deps, workspace, lexicalQuery, timer);
  // One embedding call for the query and both keyword strings, as LightRAG batches them.
  const texts = [input.query, keywords.low.join(", "), keywords.high.join(", ")];
  const [queryVector, lowVector, highVector] = (await timed(timer, "embed", () =>
    deps.embeddings.embed({ texts, workspace }),
  )) as [Float32Array, Float32Array, Float32Array];
  const search = {
    topK: params.topK,
    threshold: params.cosineThreshold,
    timer,
    lexical: earlyLexical ?? lexicalQuery,
  };
  input.onProgress?.("retrieving_entities");
  // PPR seeds need the entity and relation similarities the graph search sees.
  const recorder = usePpr ? recordingVectors(deps.vectors) : undefined;
  const [{ local, global, chunkIds, lexical: graphLexical }, vectorIds] = await Promise.all([
    graphSearch(
      recorder ? { ...deps, vectors: recorder.store } : deps,
      workspace,
      { low: useLocal ? lowVector : undefined, high: useGlobal ? highVector : undefined },
      search,
    ),
    useVector
      ? timed(timer, "chunks_vectors", () =>
          deps.vectors.query(workspace, "chunks", queryVector, {
            topK: params.chunkTopK,
            threshold: params.cosineThreshold,
          }),
        )
      : [],
  ]);
  input.onProgress?.("retrieving_relations");

  // A look-up numbers its hits (`key`): the same entity or pair in both halves, one number.
  const allEntities = roundRobin([local.entities, global.entities], (e) => e.key);
  const allRelations = roundRobin([local.relations, global.relations], (r) => r.key);
  const tokenizer = memoCounter(input.tokenizer);
  // Lines merged since line counts are stored carry theirs; older rows are counted here.
  const entityTokens = (e: RankedEntity) => e.lineTokens ?? tokenizer.count(entityLine(e));
  const relationTokens = (r: RankedRelation) => r.lineTokens ?? tokenizer.count(relationLine(r));
  const entities = truncateByTokens(allEntities, entityTokens, params.maxEntityTokens);
  const relations = truncateByTokens(allRelations, relationTokens, params.maxRelationTokens);

  input.onProgress?.("retrieving_chunks");
  const [{ entityChunks, relationChunks }, pprIds] = await Promise.all([
    mode === "ppr"
      ? { entityChunks: [], relationChunks: [] }
      : timed(timer, "related", () =>
          relatedChunks(
            deps,
            workspace,
            queryVector,
            {
              chunkIds,
              entities: entities.map((e) => e.sources),
              relations: relations.map((r) => r.sources),
            },
            params.relatedChunkNumber,
            params.kgChunkPickMethod,
          ),
        ),
    usePpr && recorder
      ? timed(timer, "ppr", () =>
          pprChunks(
            deps,
            workspace,
            {
              entities: allEntities,
              relations: allRelations,
              chunkMatches: vectorIds,
              scores: recorder.scores,
              maxNeighbours: params.topK,
              limit: params.chunkTopK,
            },
            timer,
          ),
        )
      : [],
  ]);
  // Vector and BM25 chunk hits fused first, then merged with the graph's chunks as LightRAG does.
  const vectorList = reciprocalRankFusion(
    [
      vectorIds.map((match) => match.id),
      useVector ? ((await earlyLexical) ?? graphLexical ?? NO_LEXICAL_HITS).chunks : [],
    ],
    (id) => id,
  ).slice(0, params.chunkTopK);
  const mergedIds =
    mode === "ppr"
      ? pprIds
      : roundRobin(
          usePpr
            ? [pprIds, vectorList, entityChunks, relationChunks]
            : [vectorList, entityChunks, relationChunks],
          (id) => id,
        );
  if (entities.length === 0 && relations.length === 0 && mergedIds.length === 0) return null;

  // A reranker sees every merged chunk (LightRAG); without one only the first chunk_top_k are read.
  const reranker = params.enableRerank ? deps.reranker : undefined;
  const loaded = await timed(timer, "chunks", () =>
    loadChunks(deps, workspace, reranker ? mergedIds : mergedIds.slice(0, params.chunkTopK)),
  );
  let kept = loaded;
  if (reranker) {
    input.onProgress?.("reranking");
    const ranked = await timed(timer, "rerank", () =>
      rerankChunks(reranker, {
        workspace,
        query: input.query,
        chunks: loaded,
        topN: params.chunkTopK,
        minScore: params.minRerankScore,
      }),
    );
    kept = ranked.slice(0, params.chunkTopK);
  }
  const entityLines = entities.map(entityLine);
  const relationLines = relations.map(relationLine);
  const naive = mode === "naive";
  const budget = chunkBudget(
    {
      naive,
      query: input.query,
      responseType: params.responseType,
      userPrompt: params.userPrompt,
      maxTotalTokens: params.maxTotalTokens,
      lineTokens: [...entities.map(entityTokens), ...relations.map(relationTokens)],
    },
    tokenizer,
  );
  const chunks = truncateChunks(kept, budget, input.tokenizer);
  const { references, ids } = numberReferences(chunks.map((chunk) => chunk.filePath));
  const chunkLines = chunks.map((chunk, i) => chunkLine(chunk, ids[i] ?? ""));
  const referenceLines = references.map((ref) => `[${ref.reference_id}] ${ref.file_path}`);
  const context = naive
    ? naiveContext(chunkLines, referenceLines)
    : kgContext(entityLines, relationLines, chunkLines, referenceLines);
  return {
    entities,
    relations,
    chunks,
    chunkReferenceIds: ids,
    references,
    context,
    info: {
      total_entities_found: allEntities.length,
      total_relations_found: allRelations.length,
      entities_after_truncation: entities.length,
      relations_after_truncation: relations.length,
      merged_chunks_count: mergedIds.length,
      final_chunks_count: chunks.length,
    },
  };
}

/** The chunks of `ids`, in that order (missing ones skipped). */
async function loadChunks(deps: QueryDeps, workspace: string, ids: string[]): Promise<RetrievedChunk[]> {
  const byId = new Map((await chunkRows(deps, workspace, ids)).map((chunk) => [chunk.id, chunk]));
  const out: RetrievedChunk[] = [];
  for (const id of ids) {
    // The record as read: copying `content` would decode a payload's text no answer may need.
    const chunk = byId.get(id);
    if (chunk) out.push(chunk);
  }
  return out;
}

/** Chunks in order while their stored token counts fit `budget` (counted afresh when unknown). */
function truncateChunks(
  chunks: RetrievedChunk[],
  budget: number,
  tokenizer: Pick<Tokenizer, "count">,
): RetrievedChunk[] {
  return truncateByTokens(chunks, (c) => (c.tokens > 0 ? c.tokens : tokenizer.count(c.content)), budget);
}
