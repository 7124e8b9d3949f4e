/** Response schemas of the sign-in routes and of the administration of users, workspaces and keys. */
import { z } from "zod";
import { roleSchema } from "../../../auth/roles";
import { isoTime } from "./common";

export const publicUserSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  email: z.string().nullable(),
  role: roleSchema,
  disabled: z.boolean(),
  workspaces: z.array(z.string()),
  created_at: isoTime,
  last_login_at: isoTime.nullable(),
});

export const userAnswer = z.strictObject({ user: publicUserSchema });

/** OAuth2-style token answer of `/auth/login`, `/auth/refresh`, `/auth/password`. */
export const tokenAnswerSchema = z.strictObject({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int(),
  refresh_token: z.string(),
  refresh_expires_in: z.number().int(),
  workspace: z.string(),
  user: publicUserSchema,
});

const about = {
  core_version: z.string(),
  api_version: z.string(),
  webui_title: z.string(),
  webui_description: z.string(),
};

/** `GET /auth-status` (LightRAG): a guest token in open mode. */
export const authStatusSchema = z.union([
  z.strictObject({
    auth_configured: z.literal(false),
    access_token: z.string(),
    token_type: z.literal("bearer"),
    auth_mode: z.literal("disabled"),
    message: z.string(),
    ...about,
  }),
  z.strictObject({ auth_configured: z.literal(true), auth_mode: z.literal("enabled"), ...about }),
]);

/** `POST /login` (LightRAG's OAuth2 password form). */
export const lightragLoginSchema = z.union([
  z.strictObject({
    access_token: z.string(),
    token_type: z.literal("bearer"),
    auth_mode: z.literal("disabled"),
    message: z.string(),
    ...about,
  }),
  z.strictObject({
    access_token: z.string(),
    token_type: z.literal("bearer"),
    auth_mode: z.literal("enabled"),
    ...about,
    expires_in: z.number().int(),
    refresh_token: z.string(),
    refresh_expires_in: z.number().int(),
    workspace: z.string(),
  }),
]);

export const jwksSchema = z.strictObject({ keys: z.array(z.looseObject({ kty: z.string() })) });

const principalSchema = z
  .looseObject({ via: z.string(), role: roleSchema, workspace: z.string() })
  .describe("The caller as the service sees it");

export const meSchema = z.strictObject({
  user: publicUserSchema.nullable(),
  principal: principalSchema.nullable(),
});

export const userListSchema = z.strictObject({
  users: z.array(publicUserSchema),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const userActionSchema = <S extends string>(status: S) =>
  z.strictObject({ status: z.literal(status), user_id: z.string() });

const workspaceView = z.strictObject({ id: z.string(), display_name: z.string(), created_at: isoTime });
export const workspaceListSchema = z.strictObject({ workspaces: z.array(workspaceView) });
export const workspaceCreatedSchema = z.strictObject({
  workspace: z.strictObject({ id: z.string(), display_name: z.string() }),
});
export const workspaceMembersSchema = z.strictObject({
  workspace: z.string(),
  members: z.array(z.strictObject({ user_id: z.string(), username: z.string() })),
});
export const memberAddedSchema = z.strictObject({
  workspace: z.string(),
  user_id: z.string(),
  added: z.boolean(),
});
export const memberRemovedSchema = z.strictObject({
  workspace: z.string(),
  user_id: z.string(),
  removed: z.literal(true),
});

export const publicApiKeySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: roleSchema,
  workspace: z.string(),
  created_by: z.string().nullable(),
  created_at: isoTime.nullable(),
  expires_at: isoTime.nullable(),
  last_used_at: isoTime.nullable(),
  revoked_at: isoTime.nullable(),
});
export const apiKeyListSchema = z.strictObject({ api_keys: z.array(publicApiKeySchema) });
export const apiKeyCreatedSchema = publicApiKeySchema.extend({
  api_key: z.string().describe("The key itself, shown once"),
});
