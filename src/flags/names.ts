/**
 * The runtime flags: the seed's feature switches, whose defaults come from the env config and
 * which administrators can override at runtime (`PUT /admin/flags`).
 */
import { z } from "zod";
import type { Config } from "../config";
import { WORKSPACE_PATTERN } from "../config/server";

export const FLAG_NAMES = [
  "READ_ONLY_MODE",
  "DISABLE_DOCUMENT_UPLOAD",
  "ENABLE_QUERIES",
  "ENABLE_DOCUMENT_PROCESSING",
  "ENHANCED_PROCESSING",
  "MCP_SERVER_ENABLED",
  "AUDIT_LOGGING_ENABLED",
] as const;

export type FlagName = (typeof FLAG_NAMES)[number];
export type Flags = Record<FlagName, boolean>;

/** Overrides set at runtime; a missing name means "use the env default". */
export type FlagOverrides = Partial<Flags>;

/** Why a single workspace is read-only (a restore into it, or an operator's choice). */
export interface WorkspaceLock {
  reason: string;
  since: string;
  by: string;
}

/** What the flags Durable Object stores. */
export interface FlagsState {
  overrides: FlagOverrides;
  /** Workspaces that refuse writes regardless of READ_ONLY_MODE. */
  workspaceLocks: Record<string, WorkspaceLock>;
  updatedAt: string | null;
  updatedBy: string | null;
}

export const EMPTY_FLAGS_STATE: FlagsState = {
  overrides: {},
  workspaceLocks: {},
  updatedAt: null,
  updatedBy: null,
};

/** The env defaults of every flag. */
export function defaultFlags(config: Config): Flags {
  const flags = {} as Flags;
  for (const name of FLAG_NAMES) flags[name] = config[name];
  return flags;
}

/** Env defaults with the runtime overrides applied. */
export function effectiveFlags(config: Config, overrides: FlagOverrides): Flags {
  const flags = defaultFlags(config);
  for (const name of FLAG_NAMES) {
    const value = overrides[name];
    if (typeof value === "boolean") flags[name] = value;
  }
  return flags;
}

const flagPatch = z.object(
  Object.fromEntries(FLAG_NAMES.map((name) => [name, z.boolean().nullable().optional()])) as Record<
    FlagName,
    z.ZodOptional<z.ZodNullable<z.ZodBoolean>>
  >,
);

/**
 * Body of `PUT /admin/flags`: flag → true/false (override) or null (back to the env default);
 * `workspace_read_only` → true/false locks or unlocks single workspaces.
 *
 * @example
 * flagsUpdateSchema.parse({ READ_ONLY_MODE: true, ENABLE_QUERIES: null, workspace_read_only: { acme: false } });
 */
export const flagsUpdateSchema = flagPatch
  .extend({
    workspace_read_only: z
      .record(z.string().regex(WORKSPACE_PATTERN, "workspace names are letters, digits, _"), z.boolean())
      .optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, "name at least one flag or workspace_read_only");

export type FlagsUpdate = z.infer<typeof flagsUpdateSchema>;
