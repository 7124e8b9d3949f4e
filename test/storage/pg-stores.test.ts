/**
 * The Postgres backend (STORAGE_BACKEND=neon, VECTOR_BACKEND=pgvector) inside workerd: the Neon
 * driver reaches the local Postgres + pgvector of .ci/services through its WebSocket proxy, and
 * the same contract suites as D1 and the local index run against it unchanged.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { Pool } from "@neondatabase/serverless";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { auditSystem } from "../../src/audit";
import { createApiKey, findApiKey, revokeApiKey } from "../../src/auth/api-keys";
import { adminInsertSql } from "../../src/auth/bootstrap-sql";
import { hashPassword } from "../../src/auth/password";
import { isRevoked } from "../../src/auth/revocations";
import { rotateRefreshToken, startSession } from "../../src/auth/sessions";
import { parseConfig } from "../../src/config";
import { defaultFlags } from "../../src/flags/names";
import { storageChecks } from "../../src/http/routes/health-probes";
import { runChecks } from "../../src/observability/health";
import { createLogger } from "../../src/observability/logger";
import { createQueueConsumer } from "../../src/pipeline/queue";
import { createScheduledHandler } from "../../src/pipeline/scheduled";
import { createServices, type Runtime } from "../../src/runtime";
import { D1GraphSearchStore } from "../../src/storage/d1/graph-search";
import { createD1Stores } from "../../src/storage/d1/stores";
import type { GraphWrite } from "../../src/storage/graph";
import { invalidateGraphIndex } from "../../src/storage/graph-index/store";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { PgAccountDirectory } from "../../src/storage/neon/accounts";
import { PgAuditStore } from "../../src/storage/neon/audit";
import { pgPerStatement, pgQuery, pgTransaction } from "../../src/storage/neon/client";
import { PgCredentialStore } from "../../src/storage/neon/credentials";
import { PgGraphSearchStore } from "../../src/storage/neon/graph-search";
import { PgLlmCache } from "../../src/storage/neon/llm-cache";
import { PgUsageStore } from "../../src/storage/neon/llm-usage";
import { createPgStores } from "../../src/storage/neon/stores";
import { indexedQuerySql, PgVectorStore } from "../../src/storage/neon/vectors";
import { entityVectorId, relationVectorId } from "../../src/storage/vector-ids";
import { StubScope } from "../providers/helpers";
import { describeAccountDirectoryContract } from "./contract/account-directory";
import { describeCredentialStoreContract } from "./contract/credentials";
import { describeKnowledgeStoresContract, docRecord } from "./contract/knowledge-stores";
import {
  describeAuditStoreContract,
  describeLlmCacheContract,
  describeUsageStoreContract,
} from "./contract/platform-stores";
import { describeVectorStoreContract } from "./contract/vector-store";
import { pgEndpoint, usePgPools } from "./pg-harness";

const pool = usePgPools();

const makeStores = () => {
  const p = pool();
  return createPgStores(p, new PgVectorStore(p));
};

describeKnowledgeStoresContract("Postgres", makeStores);
describeVectorStoreContract("pgvector", () => new PgVectorStore(pool()));
describeLlmCacheContract("Postgres", () => new PgLlmCache(pool()));
// The providers' handle: a connection per statement (it outlives any one request's pool).
describeUsageStoreContract("Postgres, a connection per statement", () => {
  const { databaseUrl, wsProxy } = pgEndpoint();
  return new PgUsageStore(pgPerStatement({ connectionString: databaseUrl, wsProxy }));
});
describeAuditStoreContract("Postgres", () => new PgAuditStore(pool()));
describeAccountDirectoryContract("Postgres", () => new PgAccountDirectory(pool()));
describeCredentialStoreContract("Postgres", () => {
  const p = pool();
  return { credentials: new PgCredentialStore(p), directory: new PgAccountDirectory(p) };
});

describe("local Postgres through the Neon driver", () => {
  it("runs pgvector: the extension, an HNSW cosine index and a query by it", async () => {
    const p = pool();
    const [ext] = await pgQuery<{ extversion: string }>(
      p,
      "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
    );
    expect(ext?.extversion).toMatch(/^0\.8\./);
    const indexes = await pgQuery<{ indexname: string }>(
      p,
      "SELECT indexname FROM pg_indexes WHERE tablename = 'vectors_chunks' AND indexdef LIKE '%hnsw%'",
    );
    expect(indexes.map((row) => row.indexname)).toContain("vectors_chunks_hnsw_384");
  });

  it("answers a 384-dimension query from the HNSW index with the exact top matches", async () => {
    const p = pool();
    const store = new PgVectorStore(p, { indexedDims: [384] });
    const ws = `hnsw_${Date.now()}`;
    let seed = 11;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648 - 0.5;
    };
    // Few rows: every insert walks the HNSW graph, slow in PGlite's WASM (about 25 ms a row here).
    const items = Array.from({ length: 60 }, (_, i) => ({
      id: `c${i}`,
      vector: Float32Array.from({ length: 384 }, random),
    }));
    await store.upsert(ws, "chunks", items);
    const probe = items[42]?.vector as Float32Array;
    const plan = await pgTransaction(p, async (tx) => {
      // The planner sorts a workspace this small exactly; forbid that to see the index answer.
      for (const setting of ["enable_seqscan", "enable_bitmapscan", "enable_sort"]) {
        await tx.query(`SET LOCAL ${setting} = off`);
      }
      const rows = await pgQuery<{ "QUERY PLAN": string }>(
        tx,
        `EXPLAIN ${indexedQuerySql("vectors_chunks", 384)}`,
        [ws, `[${Array.from(probe).join(",")}]`, 5],
      );
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("vectors_chunks_hnsw_384");
    const exact = await new PgVectorStore(p).query(ws, "chunks", probe, { topK: 5 });
    const indexed = await store.query(ws, "chunks", probe, { topK: 5 });
    expect(indexed[0]).toMatchObject({ id: "c42" });
    expect(indexed[0]?.score).toBeCloseTo(1, 5);
    expect(indexed.map((m) => m.id)).toEqual(exact.map((m) => m.id));
    await store.clear(ws, "chunks");
  }, 60_000);

  // Found by bench/backend-parity.ts on the whole HotpotQA sample: two entities with the same
  // score came back in index order on Postgres and by id from the local index, and the hybrid
  // answer's token budget then kept different entities and chunks.
  it("orders equal scores by id on the indexed path, as the exact scan and the local index do", async () => {
    const p = pool();
    const store = new PgVectorStore(p, { indexedDims: [384] });
    const ws = `hnsw_ties_${Date.now()}`;
    const axis = (i: number) => Float32Array.from({ length: 384 }, (_, j) => (j === 0 || j === i ? 1 : 0));
    // Every vector is at the same angle to the probe; inserted in descending id order.
    const items = Array.from({ length: 12 }, (_, i) => ({
      id: `t${String(11 - i).padStart(2, "0")}`,
      vector: axis(i + 1),
    }));
    await store.upsert(ws, "entities", items);
    const probe = Float32Array.from({ length: 384 }, (_, j) => (j === 0 ? 1 : 0));
    const matches = await store.query(ws, "entities", probe, { topK: 12 });
    expect(new Set(matches.map((m) => m.score)).size).toBe(1);
    expect(matches.map((m) => m.id)).toEqual(items.map((item) => item.id).sort());
    await store.clear(ws, "entities");
  }, 60_000);
});

describe("Postgres adapters", () => {
  it("a failing statement rolls the whole commit back", async () => {
    const stores = makeStores();
    const ws = `atomic_${Date.now()}`;
    await stores.documents.insert(ws, [{ record: docRecord(ws, "d1"), content: "x" }]);
    const bad = {
      name: "A",
      entityType: "t",
      description: "d",
      sourceId: "s",
      filePath: "f",
      createdAt: null as unknown as number,
    };
    await expect(
      stores.writer.commit(ws, {
        docIds: ["d1"],
        entitySources: [{ name: "A", chunkId: "c", docId: "d1", type: "t", description: "d", filePath: "f" }],
        relationSources: [],
        graph: { upsertEntities: [bad], deleteEntities: [], upsertRelations: [], deleteRelations: [] },
        status: { status: "processed" },
      }),
    ).rejects.toThrow();
    expect((await stores.documents.get(ws, ["d1"]))[0]?.status).toBe("pending");
    expect(await stores.extractions.entitySources(ws, ["A"])).toEqual([]);
  });

  it("writes thousands of rows with a handful of statements", async () => {
    const stores = makeStores();
    const ws = `bulk_${Date.now()}`;
    const names = Array.from({ length: 3000 }, (_, i) => `Entity ${i}`);
    await stores.graph.write(ws, {
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
    expect((await stores.graph.counts(ws)).entities).toBe(3000);
    expect(await stores.graph.getEntities(ws, names)).toHaveLength(3000);
  });

  it("commits graph rows and their vectors in one transaction, or neither", async () => {
    const p = pool();
    const stores = createPgStores(p, new PgVectorStore(p));
    const vectors = new PgVectorStore(p);
    const writer = stores.writer as import("../../src/storage/neon/writer").PgKnowledgeWriter;
    const ws = `tx_${Date.now()}`;
    const change = {
      docIds: [],
      entitySources: [],
      relationSources: [],
      graph: {
        upsertEntities: [
          { name: "A", entityType: "t", description: "d", sourceId: "s", filePath: "f", createdAt: 1 },
        ],
        deleteEntities: [],
        upsertRelations: [],
        deleteRelations: [],
      },
    };
    const item = { id: entityVectorId("A"), vector: Float32Array.from([1, 0]) };
    await expect(
      pgTransaction(p, async (tx) => {
        await writer.commitIn(tx, ws, change);
        await vectors.upsertIn(tx, ws, "entities", [item]);
        throw new Error("embedding failed after the graph was written");
      }),
    ).rejects.toThrow(/embedding failed/);
    expect(await stores.graph.counts(ws)).toEqual({ entities: 0, relations: 0 });
    expect(await vectors.count(ws, "entities")).toBe(0);
    await pgTransaction(p, async (tx) => {
      await writer.commitIn(tx, ws, change);
      await vectors.upsertIn(tx, ws, "entities", [item]);
    });
    expect(await stores.graph.counts(ws)).toEqual({ entities: 1, relations: 0 });
    expect(await vectors.ids(ws, "entities")).toEqual([entityVectorId("A")]);
  });

  it("answers the query-side graph look-up exactly as D1 does", async () => {
    const ws = `lookup_${Date.now()}`;
    const entity = (name: string) => ({
      name,
      entityType: "concept",
      description: `about ${name}`,
      sourceId: "c1",
      filePath: "a.txt",
      createdAt: 5,
      lineTokens: 7,
    });
    const relation = (src: string, tgt: string) => ({
      src,
      tgt,
      keywords: "k",
      description: `${src}-${tgt}`,
      weight: 1.5,
      sourceId: "c1",
      filePath: "a.txt",
      createdAt: 5,
    });
    const graph: GraphWrite = {
      upsertEntities: ["A", "B", "C", "D"].map(entity),
      deleteEntities: [],
      upsertRelations: [relation("A", "B"), relation("A", "C"), relation("C", "D")],
      deleteRelations: [],
    };
    const p = pool();
    const d1 = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (w) =>
      invalidateGraphIndex(env.GRAPH_INDEX, w),
    );
    await d1.graph.write(ws, graph);
    await createPgStores(p, new PgVectorStore(p)).graph.write(ws, graph);
    const request = {
      entityVectorIds: [entityVectorId("C"), "ent-unknown", entityVectorId("A")],
      relationVectorIds: [relationVectorId("C", "D")],
    };
    const fromD1 = await new D1GraphSearchStore(env.DB).lookup(ws, request);
    const fromPg = await new PgGraphSearchStore(p).lookup(ws, request);
    // Ranked, the two answers are equal hit for hit (ranks, order, chunk numbering).
    expect({ ...fromPg, servedBy: undefined }).toEqual({ ...fromD1, servedBy: undefined });
    expect(fromPg.local?.relations.length).toBeGreaterThan(0);
    expect(fromPg.local?.entities.map((e) => e.name)).toEqual(["C", "A"]);
  });
});

describe("STORAGE_BACKEND=neon, VECTOR_BACKEND=pgvector", () => {
  const neonConfig = (overrides: Record<string, string> = {}) => {
    const { databaseUrl, wsProxy } = pgEndpoint();
    const { config, problems } = parseConfig({
      ...env,
      STORAGE_BACKEND: "neon",
      VECTOR_BACKEND: "pgvector",
      DATABASE_URL: databaseUrl,
      PG_WS_PROXY: wsProxy,
      ...overrides,
    });
    if (!config) throw new Error(problems.join("; "));
    return config;
  };

  it("the composition root builds every engine store, the graph look-up and purge on Postgres", async () => {
    const config = neonConfig();
    const services = createServices(env, config, defaultFlags(config));
    expect(services.stores.vectors).toBeInstanceOf(PgVectorStore);
    expect(services.graphSearch).toBeInstanceOf(PgGraphSearchStore);
    const ws = `wired_${Date.now()}`;
    await services.stores.documents.insert(ws, [{ record: docRecord(ws, "d1"), content: "on postgres" }]);
    await services.stores.vectors.upsert(ws, "chunks", [
      { id: "d1-chunk-000", vector: Float32Array.from([1, 0]) },
    ]);
    const p = pool();
    const [row] = await pgQuery<{ n: number }>(
      p,
      "SELECT count(*) AS n FROM documents WHERE workspace = $1",
      [ws],
    );
    expect(row?.n).toBe(1);
    expect(await new PgVectorStore(p).count(ws, "chunks")).toBe(1);
    // D1 saw nothing of it.
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM documents WHERE workspace = ?1").bind(ws).first("n"),
    ).toBe(0);
    const deleted = await services.purgeWorkspace(ws);
    expect(deleted["vectors:chunks"]).toBe(1);
    expect(await services.stores.documents.get(ws, ["d1"])).toEqual([]);
    expect(await new PgVectorStore(p).count(ws, "chunks")).toBe(0);
  });

  it("keeps the LLM cache, token counts and audit rows on Postgres, and purges the workspace's", async () => {
    const scope = new StubScope("pg-cache");
    const config = neonConfig({
      LLM_BINDING: "openai",
      LLM_MODEL: "gpt-pg",
      LLM_BINDING_HOST: scope.v1,
      LLM_BINDING_API_KEY: "k",
    });
    // A copy of env: the providers are memoised per env object, and this file's env has D1's.
    const services = createServices({ ...env }, config, defaultFlags(config));
    expect(services.llmCache).toBeInstanceOf(PgLlmCache);
    const ws = `platform_${Date.now()}`;
    const request = {
      role: "query" as const,
      messages: [{ role: "user" as const, content: "Hi?" }],
      workspace: ws,
    };
    expect((await services.providers.llm.complete(request)).cached).toBe(false);
    expect((await services.providers.llm.complete(request)).cached).toBe(true);
    expect(await scope.requests()).toHaveLength(1);
    const p = pool();
    const count = async (table: string) =>
      (await pgQuery<{ n: number }>(p, `SELECT count(*) AS n FROM ${table} WHERE workspace = $1`, [ws]))[0]
        ?.n;
    expect(await count("llm_cache")).toBe(1);
    expect(await services.usage.list({ workspace: ws })).toMatchObject([
      { model: "gpt-pg", calls: 1, cached_calls: 1 },
    ]);
    const waits: Promise<unknown>[] = [];
    auditSystem(
      {
        env,
        config,
        flags: defaultFlags(config),
        log: createLogger("ERROR"),
        waitUntil: (w) => waits.push(w),
        services,
      },
      { event_type: "system", event_action: "pg_probe", outcome: "success", workspace: ws },
    );
    await Promise.all(waits);
    expect((await services.audit.list(ws, { limit: 5 })).events).toMatchObject([
      { event_action: "pg_probe" },
    ]);
    await expect(
      p.query("UPDATE audit_events SET outcome = 'failure' WHERE workspace = $1", [ws]),
    ).rejects.toThrow(/append-only/);
    for (const table of ["llm_cache", "llm_usage", "audit_events"]) {
      const d1 = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE workspace = ?1`)
        .bind(ws)
        .first("n");
      expect(d1, table).toBe(0);
    }
    const deleted = await services.purgeWorkspace(ws);
    expect(deleted).toMatchObject({ llm_cache: 1, llm_usage: 1 });
    expect([await count("llm_cache"), await count("llm_usage"), await count("audit_events")]).toEqual([
      0, 0, 1,
    ]);
  });

  it("runs the session and API key rules of src/auth on Postgres unchanged", async () => {
    const config = neonConfig();
    const p = pool();
    const credentials = new PgCredentialStore(p);
    const user = await new PgAccountDirectory(p).createUser({
      username: `pg_rules_${Date.now()}`,
      passwordHash: "h",
      role: "user",
      workspaces: [],
    });
    const started = await startSession(credentials, config, user.id, "default");
    const rotated = await rotateRefreshToken(credentials, config, started.refreshToken);
    expect(rotated.kind).toBe("rotated");
    // Presenting the used token again is a copy: the whole family and its access tokens end.
    expect((await rotateRefreshToken(credentials, config, started.refreshToken)).kind).toBe("reused");
    expect(await isRevoked(credentials, 0, started.sessionId)).toBe(true);
    if (rotated.kind === "rotated") {
      expect((await rotateRefreshToken(credentials, config, rotated.refreshToken)).kind).toBe("invalid");
    }
    const { key, row } = await createApiKey(credentials, {
      name: "pg bot",
      role: "user",
      workspace: "default",
      createdBy: user.id,
      expiresAt: null,
    });
    expect(await findApiKey(credentials, key)).toEqual(row);
    expect((await revokeApiKey(credentials, row.id))?.row.revokedAt).not.toBeNull();
    expect(await findApiKey(credentials, key)).toBeNull();
  });

  it("serves register, login, refresh, memberships and API keys from Postgres through the app, none from D1", async () => {
    const { databaseUrl, wsProxy } = pgEndpoint();
    // The workers-auth project's auth settings (vitest.config.ts AUTH_TEST_VARS), on Postgres.
    const appEnv = {
      ...env,
      STORAGE_BACKEND: "neon",
      VECTOR_BACKEND: "pgvector",
      DATABASE_URL: databaseUrl,
      PG_WS_PROXY: wsProxy,
      AUTH_ENABLED: "true",
      JWT_SECRET_KEY: "test-secret-key-of-at-least-32-characters!",
      PASSWORD_HASH_COST: "6",
      PASSWORD_HASH_PARALLELISM: "1",
      ALLOW_REGISTRATION: "true",
    };
    const app = createApp();
    const call = async (path: string, init: RequestInit = {}, headers: Record<string, string> = {}) => {
      const ctx = createExecutionContext();
      const res = await app.request(
        `http://pg.test${path}`,
        {
          ...init,
          headers: { "Content-Type": "application/json", ...headers },
        },
        appEnv,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      call(path, { method: "POST", body: JSON.stringify(body) }, headers);
    const password = "a-Long-and-unusual-passphrase-42";
    const tag = Date.now().toString(36);
    const p = pool();
    // The first administrator as `scripts/create-admin.ts --storage neon` makes one (the bootstrap
    // token is spent once per database, and this Postgres outlives test runs).
    const admin = { id: crypto.randomUUID(), username: `pg_admin_${tag}` };
    const adminSql = adminInsertSql(
      {
        ...admin,
        email: null,
        passwordHash: await hashPassword(password, { ln: 6, r: 8, p: 1 }),
        workspace: "default",
        now: Date.now(),
      },
      "postgres",
    );
    await pgTransaction(p, async (tx) => {
      for (const statement of adminSql.split(";\n")) await tx.query(statement);
    });
    const registered = await post("/auth/register", { username: `pg_viewer_${tag}`, password });
    expect(registered.status).toBe(201);
    const viewer = ((await registered.json()) as { user: { id: string; workspaces: string[] } }).user;
    expect(viewer.workspaces).toEqual(["default"]);

    const login = await post("/auth/login", { username: admin.username, password });
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as { access_token: string; refresh_token: string };
    const asAdmin = { Authorization: `Bearer ${tokens.access_token}` };
    const ws = `pg_accounts_${tag}`;
    expect((await post("/admin/workspaces", { id: ws }, asAdmin)).status).toBe(201);
    expect((await post(`/admin/workspaces/${ws}/members`, { user_id: viewer.id }, asAdmin)).status).toBe(201);
    const members = await call(`/admin/workspaces/${ws}/members`, {}, asAdmin);
    expect(await members.json()).toMatchObject({ members: [{ user_id: viewer.id }] });

    // /health gets no services: the principal and its membership come from Postgres all the same.
    const viewerLogin = await post("/auth/login", { username: `pg_viewer_${tag}`, password, workspace: ws });
    expect(viewerLogin.status).toBe(200);
    const asViewer = {
      Authorization: `Bearer ${((await viewerLogin.json()) as { access_token: string }).access_token}`,
    };
    const health = (workspace: string) =>
      call("/health", {}, { ...asViewer, "LIGHTRAG-WORKSPACE": workspace });
    expect((await health("default")).status).toBe(200);
    expect((await health(`not_mine_${tag}`)).status).toBe(403);

    const created = await post("/admin/api-keys", { name: "pg key", role: "viewer", workspace: ws }, asAdmin);
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; api_key: string };
    const me = await call("/auth/me", {}, { "X-API-Key": key.api_key });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ principal: { via: "api_key", workspace: ws, role: "viewer" } });
    expect((await call(`/admin/api-keys/${key.id}`, { method: "DELETE" }, asAdmin)).status).toBe(200);
    expect((await call("/auth/me", {}, { "X-API-Key": key.api_key })).status).toBe(401);

    const refreshed = await post("/auth/refresh", { refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    // The used token again: reuse, the family ends (the access token with it).
    expect((await post("/auth/refresh", { refresh_token: tokens.refresh_token })).status).toBe(401);

    expect((await call("/auth/me", {}, asAdmin)).status).toBe(401);

    // Every row is in Postgres, and D1 never saw them.
    const pgCount = async (sql: string, values: unknown[]) =>
      (await pgQuery<{ n: number }>(p, `SELECT count(*) AS n FROM ${sql}`, values))[0]?.n;
    const d1Count = (sql: string, ...values: unknown[]) =>
      env.DB.prepare(`SELECT count(*) AS n FROM ${sql}`)
        .bind(...values)
        .first<number>("n");
    const ids = [admin.id, viewer.id];
    expect(await pgCount("users WHERE id = ANY($1)", [ids])).toBe(2);
    expect(await pgCount("refresh_tokens WHERE user_id = $1", [admin.id])).toBe(2);
    expect(await pgCount("memberships WHERE workspace_id = $1", [ws])).toBe(1);
    expect(
      await pgCount("api_keys WHERE id = $1 AND revoked_at IS NOT NULL AND last_used_at IS NOT NULL", [
        key.id,
      ]),
    ).toBe(1);
    expect(
      await pgCount(
        "token_revocations WHERE subject IN (SELECT family_id FROM refresh_tokens WHERE user_id = $1)",
        [admin.id],
      ),
    ).toBe(1);
    expect(await d1Count("users WHERE id IN (?1, ?2)", ...ids)).toBe(0);
    expect(await d1Count("refresh_tokens WHERE user_id = ?1", admin.id)).toBe(0);
    expect(await d1Count("workspaces WHERE id = ?1", ws)).toBe(0);
    expect(await d1Count("api_keys WHERE id = ?1", key.id)).toBe(0);

    // Deleting the workspace takes its memberships, keys and row out of Postgres.
    const config = neonConfig();
    const deleted = await createServices(env, config, defaultFlags(config)).purgeWorkspace(ws);
    expect(deleted).toMatchObject({ memberships: 1, api_keys: 1, workspaces: 1 });
    expect(await pgCount("workspaces WHERE id = $1", [ws])).toBe(0);
  });

  it("health probes the selected Postgres and fails when it does not answer", async () => {
    const [check] = storageChecks(neonConfig());
    expect(check).toMatchObject({ name: "postgres_pgvector", critical: true });
    await expect(check?.run()).resolves.toBeUndefined();
    const [down] = storageChecks(
      neonConfig({ DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:9/postgres" }),
    );
    const [result] = await runChecks(down ? [down] : [], 5000);
    expect(result).toMatchObject({ name: "postgres_pgvector", status: "fail" });
    expect(storageChecks(parseConfig({}).config)).toEqual([]);
  });
});

describe("STORAGE_BACKEND=neon: the pool of each entry point", () => {
  const neonEnv = () => {
    const { databaseUrl, wsProxy } = pgEndpoint();
    // A copy of env: the providers are memoised per env object, and this file's env has D1's.
    return {
      ...env,
      STORAGE_BACKEND: "neon",
      VECTOR_BACKEND: "pgvector",
      DATABASE_URL: databaseUrl,
      PG_WS_PROXY: wsProxy,
    };
  };

  /**
   * Every Pool used or ended while `run` ran: how often it was ended and whether anything used
   * it (query, connect) after its end, which would throw "Cannot use a pool after calling end".
   */
  async function poolLifecycles(run: () => Promise<void>) {
    const spies = {
      query: vi.spyOn(Pool.prototype, "query"),
      connect: vi.spyOn(Pool.prototype, "connect"),
      end: vi.spyOn(Pool.prototype, "end"),
    };
    const pools = new Map<unknown, { uses: number[]; ends: number[] }>();
    const record = (
      spy: { mock: { contexts: unknown[]; invocationCallOrder: number[] } },
      kind: "uses" | "ends",
    ) =>
      spy.mock.contexts.forEach((pool, index) => {
        const entry = pools.get(pool) ?? { uses: [], ends: [] };
        entry[kind].push(spy.mock.invocationCallOrder[index] ?? 0);
        pools.set(pool, entry);
      });
    try {
      await run();
      record(spies.query, "uses");
      record(spies.connect, "uses");
      record(spies.end, "ends");
    } finally {
      // mockRestore also forgets the calls: read them first.
      for (const spy of Object.values(spies)) spy.mockRestore();
    }
    return [...pools.values()].map(({ uses, ends }) => ({
      used: uses.length > 0,
      ends: ends.length,
      usedAfterEnd: uses.some((use) => ends.some((end) => use > end)),
    }));
  }

  /** One request through the app, its body read to the end before its waitUntil tasks are awaited, as the runtime does. */
  async function request(path: string, init: RequestInit = {}, workspace = "pools") {
    const ctx = createExecutionContext();
    const res = await createApp().request(
      `http://pg.test${path}`,
      { ...init, headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace } },
      neonEnv(),
      ctx,
    );
    const text = await res.text();
    await waitOnExecutionContext(ctx);
    return { status: res.status, text };
  }

  const endedOnceAfterLastUse = { used: true, ends: 1, usedAfterEnd: false };

  it("a plain request ends its pool once, after its last query", async () => {
    const pools = await poolLifecycles(async () => {
      expect((await request("/documents/status_counts")).status).toBe(200);
    });
    expect(pools).toContainEqual(endedOnceAfterLastUse);
    for (const pool of pools) expect(pool).toMatchObject({ ends: 1, usedAfterEnd: false });
  });

  it("a streamed answer read to its end, and its audit row in waitUntil, come before the pool's end", async () => {
    const ws = `pool_stream_${Date.now()}`;
    const pools = await poolLifecycles(async () => {
      // With progress lines, retrieval runs after the handler returned, while the body streams;
      // the query's audit row is written in waitUntil.
      const res = await request(
        "/query/stream",
        {
          method: "POST",
          body: JSON.stringify({
            query: "pool lifecycle?",
            mode: "mix",
            stream: true,
            include_progress: true,
          }),
        },
        ws,
      );
      expect(res.status).toBe(200);
      expect(res.text).toContain('"response_time"');
      expect(res.text).not.toContain('"error"');
    });
    expect(pools).toContainEqual(endedOnceAfterLastUse);
    for (const pool of pools) expect(pool).toMatchObject({ ends: 1, usedAfterEnd: false });
    const rows = await pgQuery<{ n: number }>(
      pool(),
      "SELECT count(*) AS n FROM audit_events WHERE workspace = $1 AND event_action = 'query'",
      [ws],
    );
    expect(rows[0]?.n).toBe(1);
  });

  /** Reads the audit log, then hands an audit row to waitUntil: the pool is used after the work returned. */
  const auditProbe = (ws: string) => async (rt: Runtime) => {
    await rt.services.audit.list(ws, { limit: 1 });
    auditSystem(rt, { event_type: "system", event_action: "pool_probe", outcome: "success", workspace: ws });
  };
  const auditRows = async (ws: string) =>
    (
      await pgQuery<{ n: number }>(pool(), "SELECT count(*) AS n FROM audit_events WHERE workspace = $1", [
        ws,
      ])
    )[0]?.n;

  it("a cron run ends its pool once, after its waitUntil tasks", async () => {
    const ws = `pool_cron_${Date.now()}`;
    const scheduled = createScheduledHandler({ "7 7 * * *": { probe: auditProbe(ws) } });
    const pools = await poolLifecycles(async () => {
      const ctx = createExecutionContext();
      await scheduled(createScheduledController({ cron: "7 7 * * *" }), neonEnv(), ctx);
      await waitOnExecutionContext(ctx);
    });
    expect(pools).toContainEqual(endedOnceAfterLastUse);
    for (const pool of pools) expect(pool).toMatchObject({ ends: 1, usedAfterEnd: false });
    expect(await auditRows(ws)).toBe(1);
  });

  it("a queue batch ends its pool once, after its waitUntil tasks", async () => {
    const ws = `pool_batch_${Date.now()}`;
    const consume = createQueueConsumer<string>({
      main: { "test.audit": (_body, rt) => auditProbe(ws)(rt) },
      deadLetter: {},
    });
    const pools = await poolLifecycles(async () => {
      const batch = createMessageBatch("lightrag-edge-ingest-dev", [
        { id: "m1", timestamp: new Date(), attempts: 1, body: { type: "test.audit" } },
      ]);
      const ctx = createExecutionContext();
      await consume(batch, neonEnv(), ctx);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["m1"]);
    });
    expect(pools).toContainEqual(endedOnceAfterLastUse);
    for (const pool of pools) expect(pool).toMatchObject({ ends: 1, usedAfterEnd: false });
    expect(await auditRows(ws)).toBe(1);
  });
});
