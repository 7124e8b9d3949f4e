/**
 * The composition root: every store, provider and engine dependency of the Worker is built
 * here, from (env, config, effective flags), and nowhere else. Graph writes always invalidate
 * the graph index because the one graph-change callback is bound here and the D1 stores
 * cannot be built without it. Entry points (requests, queue batches, crons, Durable Object
 * calls) resolve config and flags once and get their services from `createServices`.
 */

import type { Pool } from "@neondatabase/serverless";
import { type AuditStore, D1AuditStore } from "../audit/store";
import type { AccountStores } from "../auth/store/accounts";
import { D1CredentialStore } from "../auth/store/credentials";
import { D1AccountDirectory } from "../auth/store/directory";
import type { Config } from "../config";
import type { Bindings } from "../env";
import type { Flags } from "../flags/names";
import { lazy } from "../lazy";
import type { Logger } from "../observability/logger";
import { flushingUsage, flushUsage } from "../observability/usage-buffer";
import type { BackupDeps } from "../pipeline/backup/export";
import { PgBackupRows } from "../pipeline/backup/pg-rows";
import { purgeWorkspace } from "../pipeline/backup/purge";
import { type CoordinatorClient, coordinatorClient } from "../pipeline/coordinator-client";
import { createProviders, type Providers } from "../providers";
import type { QueryDeps } from "../rag/query/types";
import type { RagDeps } from "../rag/types";
import type { GraphChangeListener } from "../storage/d1/graph-change";
import { D1GraphSearchStore } from "../storage/d1/graph-search";
import { D1LexicalStore } from "../storage/d1/lexical";
import { D1LlmCache } from "../storage/d1/llm-cache";
import { D1UsageStore } from "../storage/d1/llm-usage";
import { createD1Stores } from "../storage/d1/stores";
import { IndexedLexicalStore } from "../storage/graph-index/lexical-store";
import { IndexedGraphSearchStore, invalidateGraphIndex } from "../storage/graph-index/store";
import type { GraphSearchStore } from "../storage/graph-search";
import type { Stores } from "../storage/index";
import type { LlmCacheStore, UsageStore } from "../storage/llm-stores";
import { LocalVectorStore } from "../storage/local-vector/store";
import { clearPgWorkspaceAccounts, PgAccountDirectory } from "../storage/neon/accounts";
import { PgAuditStore } from "../storage/neon/audit";
import { createPgPool, pgPerStatement } from "../storage/neon/client";
import { PgCredentialStore } from "../storage/neon/credentials";
import { PgGraphSearchStore } from "../storage/neon/graph-search";
import { PgLexicalStore } from "../storage/neon/lexical";
import { PgLlmCache } from "../storage/neon/llm-cache";
import { PgUsageStore } from "../storage/neon/llm-usage";
import { createPgStores } from "../storage/neon/stores";
import { PgVectorStore } from "../storage/neon/vectors";
import { createVectorizeStore } from "../storage/vectorize/create";
import type { VectorStore } from "../storage/vectors";
import type { Closer } from "./invocation";
import { pacedBindings } from "./paced-bindings";
import { ragSettings } from "./settings";

export interface Services {
  /** The engine's storage ports (D1 or Postgres, + the vector backend); D1 graph writes invalidate the graph index. */
  stores: Stores;
  /** The query-side graph look-up: the graph index in front of D1, or D1 alone (GRAPH_INDEX_ENABLED=false). */
  graphSearch: GraphSearchStore;
  /** LLM and embedding clients, shared by the isolate (breakers, concurrency cap). */
  providers: Providers;
  /** Everything ingestion and merges need, with settings from the effective flags. */
  engine: RagDeps;
  /** Everything a query needs. */
  query: QueryDeps;
  /** What backups and restores read and write. */
  backup: BackupDeps;
  /** The coordinator of a workspace; its rebuilds run with these services' flags. */
  coordinator(workspace: string): CoordinatorClient;
  /** The LLM answer cache (admin clears); the providers keep their own handle on the same table. */
  llmCache: LlmCacheStore;
  /** Token accounting (GET /admin/llm/usage). */
  usage: UsageStore;
  /** The audit log's table (the audit sink, its queue fallback, retention, GET /admin/audit). */
  audit: AuditStore;
  /** Users, workspaces, memberships, sessions, revocations and API keys (the auth routes and middleware, the auth sweep). */
  accounts: AccountStores;
  /** Deletes every row and vector of `workspace` (DELETE /admin/workspaces/{id}). */
  purgeWorkspace(workspace: string): Promise<Record<string, number>>;
  /**
   * Ends the entry point's Postgres pool (once, however often called); null on D1, which opens
   * nothing. The entry point calls it after its last use: `Invocation.closeAtEnd` does.
   */
  close: Closer;
}

/**
 * The vector store VECTOR_BACKEND selects. Config validation has already refused a Vectorize
 * setup with a binding or setting missing (vectorBackendProblems), so they are present here.
 */
function vectorStore(env: Bindings, config: Config): VectorStore {
  if (config.VECTOR_BACKEND !== "vectorize") return new LocalVectorStore(env.VECTOR_INDEX);
  return createVectorizeStore({
    bindings: {
      entities: env.VECTORIZE_ENTITIES,
      relations: env.VECTORIZE_RELATIONS,
      chunks: env.VECTORIZE_CHUNKS,
    },
    accountId: config.VECTORIZE_ACCOUNT_ID ?? "",
    apiToken: config.VECTORIZE_API_TOKEN ?? "",
    indexNameTemplate: config.VECTORIZE_INDEX_NAME_TEMPLATE,
  });
}

/** The account stores STORAGE_BACKEND selects: on `pool` (neon), else on D1. */
function createAccountStores(env: Bindings, pool: Pool | null): AccountStores {
  if (!pool) return { directory: new D1AccountDirectory(env.DB), credentials: new D1CredentialStore(env.DB) };
  return { directory: new PgAccountDirectory(pool), credentials: new PgCredentialStore(pool) };
}

/**
 * The account stores on a pool of their own, and the closer of that pool (null on D1): the
 * health routes get no services, yet a caller presenting a token there is still resolved.
 *
 * @example
 * const { accounts, close } = ownAccountStores(env, config);
 * invocation.closeAtEnd(close);
 */
export function ownAccountStores(env: Bindings, config: Config): { accounts: AccountStores; close: Closer } {
  const pool = neonPool(config);
  return { accounts: createAccountStores(env, pool), close: poolCloser(pool) };
}

/**
 * STORAGE_BACKEND=neon: one pool per entry point (a Worker cannot reuse a WebSocket across
 * requests); it connects on first query, and the entry point ends it through `Services.close`
 * once its work, response body and `waitUntil` tasks are done (src/runtime/invocation.ts).
 * Config refuses neon without DATABASE_URL.
 */
function neonPool(config: Config): Pool | null {
  return config.STORAGE_BACKEND === "neon"
    ? createPgPool({ connectionString: config.DATABASE_URL ?? "", wsProxy: config.PG_WS_PROXY })
    : null;
}

/**
 * Ends `pool` once, however often it is called: `Pool.end` refuses a second call. A failure is
 * logged, never thrown: the entry point's answer has gone out long before.
 */
function poolCloser(pool: Pool | null, logger?: Logger): Closer {
  if (!pool) return null;
  let ended: Promise<void> | undefined;
  return () => {
    ended ??= pool.end().catch((error: unknown) => {
      logger?.warn("postgres pool did not end cleanly", {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    return ended;
  };
}

/** What services are built of that depends only on the bindings and the config. */
interface StorageBase {
  onGraphChange: GraphChangeListener;
  vectors: VectorStore;
  stores: Stores;
  llmCache: LlmCacheStore;
  usage: UsageStore;
  audit: AuditStore;
  accounts: AccountStores;
}

function storageBase(env: Bindings, config: Config, pool: Pool | null): StorageBase {
  const onGraphChange: GraphChangeListener = (workspace) => invalidateGraphIndex(env.GRAPH_INDEX, workspace);
  const vectors: VectorStore =
    pool && config.VECTOR_BACKEND === "pgvector"
      ? new PgVectorStore(pool, { indexedDims: [config.EMBEDDING_DIM] })
      : vectorStore(env, config);
  return {
    onGraphChange,
    vectors,
    stores: pool ? createPgStores(pool, vectors) : createD1Stores(env.DB, vectors, onGraphChange),
    llmCache: pool ? new PgLlmCache(pool) : new D1LlmCache(env.DB),
    usage: pool ? new PgUsageStore(pool) : new D1UsageStore(env.DB),
    audit: pool ? new PgAuditStore(pool) : new D1AuditStore(env.DB),
    accounts: createAccountStores(env, pool),
  };
}

/**
 * On D1 with the local vector index the stores hold nothing but bindings (no connection, no
 * request state), so an isolate builds them once per env and config and every entry point
 * shares them: building them (two drizzle instances among them) was ≈ 3 % of a query's CPU.
 * Postgres stores sit on the entry point's own pool, and the Vectorize store remembers the
 * mutations its entry point sent (`settle`), so both are built per entry point.
 */
const d1Bases = new WeakMap<object, WeakMap<Config, StorageBase>>();

function sharedD1Base(env: Bindings, config: Config): StorageBase {
  let byConfig = d1Bases.get(env);
  if (!byConfig) {
    byConfig = new WeakMap();
    d1Bases.set(env, byConfig);
  }
  let base = byConfig.get(config);
  if (!base) {
    base = storageBase(env, config, null);
    byConfig.set(config, base);
  }
  return base;
}

/**
 * Builds the services of one entry point. Cheap: on D1 the stores are built once per isolate
 * (`sharedD1Base`), providers are memoised per isolate, and what depends on the entry point
 * (flags, logger, Postgres pool) is built on first use.
 *
 * @example
 * const services = createServices(env, config, flags, log);
 * await services.coordinator("default").deleteDocuments("default", ["doc-1"]);
 */
export function createServices(bindings: Bindings, config: Config, flags: Flags, logger?: Logger): Services {
  // On the local runtime (LOCAL_RUNTIME_PACING, wrangler.toml's local vars) every store calls D1
  // and the Durable Objects through this entry point's paced bindings (paced-bindings.ts), so
  // its stores are its own; elsewhere the bindings as they are, and the D1 stores shared.
  const paced = config.LOCAL_RUNTIME_PACING;
  const env = paced ? pacedBindings(bindings) : bindings;
  const pool = neonPool(config);
  const shared = !paced && !pool && config.VECTOR_BACKEND !== "vectorize";
  const { onGraphChange, vectors, stores, llmCache, usage, audit, accounts } = shared
    ? sharedD1Base(env, config)
    : storageBase(env, config, pool);
  const providerStorage = pool
    ? () => {
        const own = pgPerStatement({
          connectionString: config.DATABASE_URL ?? "",
          wsProxy: config.PG_WS_PROXY,
        });
        return { cache: new PgLlmCache(own), usage: new PgUsageStore(own) };
      }
    : undefined;
  // The raw bindings: providers are memoised per env object.
  const providers = lazy(() => createProviders(bindings, config, providerStorage));
  const graphSearch = lazy<GraphSearchStore>(() =>
    pool
      ? new PgGraphSearchStore(pool)
      : config.GRAPH_INDEX_ENABLED
        ? new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB, logger)
        : new D1GraphSearchStore(env.DB),
  );
  const engine = lazy<RagDeps>(() => ({
    stores,
    llm: providers().llm,
    embeddings: providers().embeddings,
    settings: ragSettings(config, flags),
  }));
  const query = lazy<QueryDeps>(() => ({
    graphSearch: graphSearch(),
    chunks: stores.chunks,
    vectors: stores.vectors,
    llm: providers().llm,
    embeddings: providers().embeddings,
    reranker: providers().reranker,
    // The lexical index lives beside the rows it indexes: Postgres' tsvector columns on neon.
    ...(config.LEXICAL_SEARCH_ENABLED && {
      lexical: pool
        ? new PgLexicalStore(pool)
        : config.GRAPH_INDEX_ENABLED
          ? new IndexedLexicalStore(env.GRAPH_INDEX, new D1LexicalStore(env.DB), logger)
          : new D1LexicalStore(env.DB),
    }),
  }));
  const backup: BackupDeps = {
    db: env.DB,
    // On neon every backed-up table (engine, LLM cache and usage, accounts) is on Postgres.
    ...(pool && { rows: new PgBackupRows(pool) }),
    storageBackend: config.STORAGE_BACKEND,
    bucket: env.BACKUPS,
    // A backup lists vectors and a restore fills them: every backend can be listed (local,
    // pgvector, and Vectorize through list-vectors).
    vectors,
    vectorBackend: config.VECTOR_BACKEND,
    onGraphChange,
  };
  return {
    stores,
    get graphSearch() {
      return graphSearch();
    },
    get providers() {
      return providers();
    },
    get engine() {
      return engine();
    },
    get query() {
      return query();
    },
    backup,
    llmCache,
    usage: flushingUsage(usage),
    audit,
    accounts,
    coordinator: (workspace) => coordinatorClient(env.COORDINATOR, workspace, flags),
    close: poolCloser(pool, logger),
    purgeWorkspace: async (workspace) => {
      // This isolate's pending usage rows go in first, or they would come back after the purge.
      await flushUsage();
      const deleted = await purgeWorkspace(env.DB, vectors, workspace, onGraphChange);
      // On Postgres the engine tables, the LLM cache and counters and the accounts live there;
      // the audit log keeps its rows on both, as a record of the deletion.
      if (pool) {
        await stores.writer.clearWorkspace(workspace);
        for (const [table, n] of Object.entries(await clearPgWorkspaceAccounts(pool, workspace))) {
          deleted[table] = (deleted[table] ?? 0) + n;
        }
        deleted.llm_cache = (deleted.llm_cache ?? 0) + (await llmCache.clear(workspace));
        deleted.llm_usage = (deleted.llm_usage ?? 0) + (await usage.clear(workspace));
      }
      return deleted;
    },
  };
}
