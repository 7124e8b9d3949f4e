/**
 * `GET /admin/llm/usage`: token accounting of the caller's workspace per day, role, provider
 * and model, with totals. `GET /admin/llm/status`: the configured chains, circuit states and
 * the LLM queue of this isolate (deployment-wide: people with the administrator role only).
 * Administrators only; an administrator API key sees the usage of its own workspace.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ResilientLlmClient } from "../../providers/chain";
import { chainSpecs, ROLES } from "../../providers/settings";
import type { UsageRow } from "../../storage/llm-stores";
import { requireAdministrator, requireWorkspaceAdministrator } from "../admin-access";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";

const day = z.iso.date();

export const usageQuery = z
  .object({
    from: day.optional(),
    to: day.optional(),
    role: z.enum(["extract", "keyword", "query", "summary", "embedding"]).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: "from must not be after to",
    path: ["from"],
  });

function totals(rows: UsageRow[]) {
  const sum = { prompt_tokens: 0, completion_tokens: 0, calls: 0, cached_calls: 0, errors: 0 };
  for (const row of rows) {
    sum.prompt_tokens += row.prompt_tokens;
    sum.completion_tokens += row.completion_tokens;
    sum.calls += row.calls;
    sum.cached_calls += row.cached_calls;
    sum.errors += row.errors;
  }
  return sum;
}

/** Scheme, host and path only: a URL may carry credentials in its user part or query. */
function publicHost(host: string | undefined): string | null {
  if (!host) return null;
  try {
    const url = new URL(host);
    return `${url.origin}${url.pathname}`;
  } catch {
    return null;
  }
}

export const adminLlmRoutes = new Hono<AppEnv>();

adminLlmRoutes.get("/admin/llm/usage", async (c) => {
  const workspace = requireWorkspaceAdministrator(c, "llm_usage");
  const parsed = usageQuery.safeParse(c.req.query());
  if (!parsed.success) {
    throw new AppError(422, "validation_error", "Invalid usage query", {
      details: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    });
  }
  const usage = await c.get("services").usage.list({ ...parsed.data, workspace });
  return c.json({ workspace, usage, totals: totals(usage) });
});

adminLlmRoutes.get("/admin/llm/status", (c) => {
  requireAdministrator(c, "llm_status");
  const config = c.get("config");
  const { llm } = c.get("services").providers;
  const live = llm instanceof ResilientLlmClient ? llm.status() : undefined;
  const roles = Object.fromEntries(
    ROLES.map((role) => [
      role,
      chainSpecs(config, role).map((spec, index) => ({
        binding: spec.binding,
        model: spec.model,
        host: publicHost(spec.host),
        timeout_ms: spec.timeoutMs,
        circuit: live?.chains[role]?.[index]?.circuit ?? "closed",
      })),
    ]),
  );
  return c.json({
    roles,
    queue: live?.queue ?? null,
    cache: {
      enable_llm_cache: config.ENABLE_LLM_CACHE,
      enable_llm_cache_for_extract: config.ENABLE_LLM_CACHE_FOR_EXTRACT,
    },
    embedding: {
      binding: config.EMBEDDING_BINDING,
      model: config.EMBEDDING_MODEL,
      dim: config.EMBEDDING_DIM,
    },
  });
});
