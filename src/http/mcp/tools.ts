/**
 * The MCP server's tools: each names the zod schema of the REST route it stands for (so the
 * tool's JSON schema and its validation are the route's), the checks that route gets from the
 * middleware (editor role and read-only mode for writes, the query switch, the rate class), and
 * runs the same shared function as the route.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { RateLimitClass } from "../../config/ratelimit";
import type { AppEnv } from "../app-env";
import type { Gate } from "../route-policy";
import { deleteDocuments, deleteDocumentsSchema } from "../routes/documents-admin";
import { acceptDocuments, insertTextSchema, RECEIVED } from "../routes/documents-insert";
import { documentsPaginatedSchema, listDocuments, trackStatus } from "../routes/documents-read";
import { docStatusResponse, requestServices } from "../routes/documents-wire";
import { graphQuerySchema, knowledgeGraph, labelSearchSchema, searchLabels } from "../routes/graph";
import { answerQuery } from "../routes/query";
import { queryData } from "../routes/query-data";
import { queryRequestSchema } from "../routes/query-request";
import { requestWorkspace } from "../workspace";

/** What a tool call returns: a JSON object (MCP's `structuredContent`) and, optionally, a text for people. */
export interface ToolOutput {
  data: Record<string, unknown>;
  text?: string;
}

export interface McpTool {
  name: string;
  title: string;
  description: string;
  /** The arguments' schema; the same object the REST route validates its body or query with. */
  schema: z.ZodType;
  /** A write: needs the editor role (`user`) and is refused in read-only mode; `gate` adds upload's switch. */
  write?: { gate?: Gate };
  /** Switched off with the REST routes it stands for (ENABLE_QUERIES). */
  gate?: Gate;
  /** The rate class of the REST route, spent on top of `/mcp`'s own (`default`) class. */
  rate?: RateLimitClass;
  run(c: Context<AppEnv>, args: unknown): Promise<ToolOutput>;
}

/** Types `run`'s arguments by the schema; the caller validates with that schema first. */
function tool<S extends z.ZodType>(
  definition: Omit<McpTool, "schema" | "run"> & {
    schema: S;
    run(c: Context<AppEnv>, args: z.output<S>): Promise<ToolOutput>;
  },
): McpTool {
  return definition as McpTool;
}

/** `document_status` arguments: a track id (from `insert_text`) or document ids. */
export const documentStatusSchema = z
  .object({
    track_id: z.string().trim().min(1).max(200).optional(),
    doc_ids: z.array(z.string().trim().min(1).max(200)).min(1).max(100).optional(),
  })
  .refine((args) => (args.track_id === undefined) !== (args.doc_ids === undefined), {
    message: "give exactly one of track_id or doc_ids",
  });

const QUERY_ARGS =
  "Arguments are LightRAG's QueryRequest: `query` (at least 3 characters), `mode` (local: entities " +
  "near the question; global: relations; hybrid: both; naive: vector search over chunks; mix " +
  "(default): graph and chunks; bypass: the LLM alone; ppr, our extension: chunks ranked by " +
  "Personalized PageRank over the entity-chunk graph, for multi-hop questions), `top_k`, `chunk_top_k`, token budgets, " +
  "`hl_keywords`/`ll_keywords`, `conversation_history`, `user_prompt`, `response_type`, " +
  "`include_references` (default true) and `include_chunk_content`.";

function referencesText(references: { reference_id: string; file_path: string }[] | null): string {
  if (!references || references.length === 0) return "";
  return `\n\nReferences:\n${references.map((ref) => `[${ref.reference_id}] ${ref.file_path}`).join("\n")}`;
}

/** Every tool the server lists, in the order listed. */
export const MCP_TOOLS: readonly McpTool[] = [
  tool({
    name: "query",
    title: "Ask the knowledge base",
    description:
      "Answers a question from the workspace's knowledge graph and documents with the LLM, as " +
      `POST /query does, and lists the documents the answer drew on (references). ${QUERY_ARGS}`,
    schema: queryRequestSchema,
    gate: "queries",
    rate: "query",
    async run(c, args) {
      const answer = await answerQuery(c, args);
      return { data: answer, text: `${answer.response}${referencesText(answer.references)}` };
    },
  }),
  tool({
    name: "query_data",
    title: "Retrieve context without an answer",
    description:
      "Retrieves what a query would use, without generating an answer (only keyword extraction " +
      "calls the LLM), as POST /query/data: matching entities, relationships, chunks and " +
      `references. ${QUERY_ARGS}`,
    schema: queryRequestSchema,
    gate: "queries",
    rate: "query",
    run: async (c, args) => ({ data: await queryData(c, args) }),
  }),
  tool({
    name: "insert_text",
    title: "Add a text document",
    description:
      "Adds a text to the workspace, as POST /documents/text: `text` (required) and `file_source` " +
      "(a name for the document, shown in references). Processing (chunking, entity extraction, " +
      "embedding) continues in the background; poll `document_status` with the returned " +
      "`track_id` until the document is `processed`. Needs the editor role.",
    schema: insertTextSchema,
    write: { gate: "upload" },
    rate: "ingest",
    run: async (c, args) => ({
      data: {
        ...(await acceptDocuments(c, [{ text: args.text, source: args.file_source }], "insert", RECEIVED)),
      },
    }),
  }),
  tool({
    name: "list_documents",
    title: "List documents",
    description:
      "Lists the workspace's documents page by page with their processing status and the " +
      "status counts, as POST /documents/paginated: `status_filter` (pending, processing, " +
      "processed, failed, …), `page`, `page_size` (10 to 200), `sort_field`, `sort_direction`.",
    schema: documentsPaginatedSchema,
    run: async (c, args) => ({ data: await listDocuments(c, args) }),
  }),
  tool({
    name: "document_status",
    title: "Document processing status",
    description:
      "The processing status of documents: either `track_id` (returned by insert_text; as GET " +
      "/documents/track_status/{track_id}) or `doc_ids`. A document is ready for queries when its " +
      "status is `processed`; `failed` carries `error_msg`.",
    schema: documentStatusSchema,
    async run(c, args) {
      if (args.track_id !== undefined) return { data: await trackStatus(c, args.track_id) };
      const ids = args.doc_ids ?? [];
      const found = await requestServices(c).stores.documents.get(requestWorkspace(c), ids);
      const known = new Set(found.map((doc) => doc.id));
      return {
        data: { documents: found.map(docStatusResponse), not_found: ids.filter((id) => !known.has(id)) },
      };
    },
  }),
  tool({
    name: "delete_documents",
    title: "Delete documents",
    description:
      "Deletes documents by id (`doc_ids`, from list_documents) with their chunks, and the " +
      "entities and relations only they support, as DELETE /documents/delete_document. The " +
      "deletion continues in the background. Needs the editor role.",
    schema: deleteDocumentsSchema,
    write: {},
    rate: "ingest",
    run: async (c, args) => ({ data: await deleteDocuments(c, args) }),
  }),
  tool({
    name: "search_labels",
    title: "Search entity names",
    description:
      "Finds entity names (graph node labels) matching `q`, best matches first (at most " +
      "`limit`, default 50), as GET /graph/label/search. Use a result as get_graph's `label`.",
    schema: labelSearchSchema,
    run: async (c, args) => ({ data: { labels: await searchLabels(c, args) } }),
  }),
  tool({
    name: "get_graph",
    title: "Knowledge graph around an entity",
    description:
      "The knowledge graph around the entity `label` (an exact name; `*` for the whole graph), " +
      "breadth first up to `max_depth` hops (default 3) and at most `max_nodes` nodes (default " +
      "and ceiling: MAX_GRAPH_NODES), as GET /graphs: nodes, edges and `is_truncated`.",
    schema: graphQuerySchema,
    run: async (c, args) => ({ data: await knowledgeGraph(c, args) }),
  }),
];
