/** zod shapes of the auth request bodies; passwords are checked against the policy separately. */
import { z } from "zod";
import { WORKSPACE_PATTERN } from "../config/server";
import { roleSchema } from "./roles";

export const usernameSchema = z
  .string()
  .trim()
  .min(3, "must be at least 3 characters")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9._@-]+$/, "letters, digits, '.', '_', '@' and '-' only");

/** Any string at login (the policy applies when a password is set, not when it is tried). */
export const passwordInput = z.string().min(1, "is required").max(1024, "is too long");

export const workspaceSchema = z
  .string()
  .trim()
  .regex(WORKSPACE_PATTERN, "letters, digits and underscores only, at most 64");

export const registerBody = z.object({
  username: usernameSchema,
  password: passwordInput,
  email: z.email().max(254).optional(),
  role: roleSchema.optional(),
  workspaces: z.array(workspaceSchema).min(1).max(50).optional(),
});

export const loginBody = z.object({
  username: z.string().trim().min(1).max(256),
  password: passwordInput,
  workspace: workspaceSchema.optional(),
});

export const refreshBody = z.object({ refresh_token: z.string().min(1).max(512) });

export const passwordChangeBody = z.object({
  current_password: passwordInput,
  new_password: passwordInput,
});

/** LightRAG's OAuth2 password form (`grant_type` and `scope` are accepted and ignored). */
export const loginForm = z.object({
  username: z.string().trim().min(1).max(256),
  password: passwordInput,
  grant_type: z.string().optional(),
  scope: z.string().optional(),
});
