/**
 * Response schemas of the probes and of the operators' routes (flags, backups, audit, LLM
 * status). Nested records whose shape belongs to another module (a backup manifest, an audit
 * event) are documented by their stable keys and stay open to new ones.
 */
import { z } from "zod";
import { FLAG_NAMES } from "../../../flags/names";
import { manifestSchema, verificationSchema } from "../../../pipeline/backup/manifest";
import { restoreStateSchema } from "../../../pipeline/backup/restore";
import { isoTime } from "./common";

const checkSchema = z.strictObject({
  name: z.string(),
  status: z.string(),
  critical: z.boolean(),
  latency_ms: z.number(),
  message: z.string().optional(),
});

export const liveSchema = z.strictObject({ status: z.literal("ok"), version: z.string() });
export const readySchema = z.strictObject({
  status: z.enum(["ready", "not_ready"]),
  checks: z.array(checkSchema),
});

/** The deep `/health`, with LightRAG's fields; `flags` and `configuration` for authenticated callers or in open mode. */
export const healthSchema = z.strictObject({
  status: z.enum(["healthy", "unhealthy"]),
  auth_mode: z.enum(["enabled", "disabled"]),
  core_version: z.string(),
  api_version: z.string(),
  webui_available: z.boolean(),
  webui_title: z.string(),
  webui_description: z.string(),
  pipeline_busy: z.boolean().optional(),
  pipeline_active: z.boolean().optional(),
  version: z.string(),
  environment: z.string(),
  workspace: z.string().optional(),
  dependencies: z.array(checkSchema),
  flags: z.record(z.string(), z.boolean()).optional(),
  configuration: z.record(z.string(), z.unknown()).optional(),
  // LightRAG's deployment fields, with the configuration block (open mode or signed-in callers).
  working_directory: z.string().optional(),
  input_directory: z.string().optional(),
  server_mode: z.string().optional(),
  workers: z.number().int().optional(),
});

const flagName = z.enum(FLAG_NAMES);

export const flagsViewSchema = z.strictObject({
  flags: z.record(flagName, z.boolean()),
  defaults: z.record(flagName, z.boolean()),
  overrides: z.partialRecord(flagName, z.boolean()),
  read_only_workspaces: z.record(
    z.string(),
    z.strictObject({ reason: z.string(), since: isoTime, by: z.string() }),
  ),
  updated_at: isoTime.nullable(),
  updated_by: z.string().nullable(),
  cache_seconds: z.number(),
});

export const auditPageSchema = z.strictObject({
  events: z.array(z.looseObject({ id: z.string(), timestamp: isoTime, event_type: z.string() })),
  next_cursor: z.string().nullable(),
});

const usageRow = z.strictObject({
  workspace: z.string(),
  day: z.string(),
  role: z.string(),
  provider: z.string(),
  model: z.string(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  calls: z.number(),
  cached_calls: z.number(),
  errors: z.number(),
});
export const llmUsageSchema = z.strictObject({
  workspace: z.string(),
  usage: z.array(usageRow),
  totals: z.strictObject({
    prompt_tokens: z.number(),
    completion_tokens: z.number(),
    calls: z.number(),
    cached_calls: z.number(),
    errors: z.number(),
  }),
});
export const llmStatusSchema = z.strictObject({
  roles: z.record(
    z.string(),
    z.array(
      z.strictObject({
        binding: z.string(),
        model: z.string(),
        host: z.string().nullable(),
        timeout_ms: z.number(),
        circuit: z.string(),
      }),
    ),
  ),
  queue: z.unknown(),
  cache: z.strictObject({ enable_llm_cache: z.boolean(), enable_llm_cache_for_extract: z.boolean() }),
  embedding: z.strictObject({ binding: z.string(), model: z.string(), dim: z.number() }),
});

/** One backup of the list: its state, and the manifest's summary when it is complete and readable. */
const backupSummary = z.strictObject({
  id: z.string(),
  status: z.enum(["incomplete", "failed", "invalid", "unverified", "verified", "corrupt"]),
  /** Why a `failed` backup failed (it never got its manifest within BACKUP_STALL_TIMEOUT). */
  error: z.string().optional(),
  verification: verificationSchema.nullable(),
  trigger: z.enum(["scheduled", "manual"]).optional(),
  created_at: z.string().optional(),
  completed_at: z.string().optional(),
  schema_version: z.number().int().optional(),
  workspaces: z.array(z.string()).optional(),
  files: z.number().int().optional(),
  bytes: z.number().int().optional(),
});
export const backupListSchema = z.strictObject({ backups: z.array(backupSummary) });
export const backupQueuedSchema = z.strictObject({ id: z.string(), status: z.literal("queued") });
export const backupDetailSchema = z.strictObject({
  manifest: manifestSchema,
  verification: verificationSchema.nullable(),
});
export const backupVerificationSchema = verificationSchema;
export { restoreStateSchema };
export const workspaceDeletedSchema = z.strictObject({
  status: z.literal("deleted"),
  workspace: z.string(),
  deleted: z.record(z.string(), z.number().int()),
});
