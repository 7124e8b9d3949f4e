/**
 * `GET /admin/audit`: the audit table of the caller's workspace, newest first, filtered by time
 * range, event type, user and outcome, paginated with an opaque cursor. Administrators only
 * (an administrator API key: its own workspace).
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditEventType,
  type AuditOutcome,
} from "../../audit/record";
import { requireWorkspaceAdministrator } from "../admin-access";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";

export const MAX_AUDIT_PAGE = 500;

/** A time as ISO 8601 or milliseconds since the epoch. */
const instant = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
]);

const cursor = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const decoded = decodeCursor(value);
    if (!decoded) ctx.addIssue({ code: "custom", message: "not a cursor from a previous page" });
    return decoded ?? { timestamp: 0, id: "" };
  });

export const query = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    event_type: z.enum(AUDIT_EVENT_TYPES as [AuditEventType, ...AuditEventType[]]).optional(),
    user_id: z.string().min(1).max(128).optional(),
    outcome: z.enum(AUDIT_OUTCOMES as [AuditOutcome, ...AuditOutcome[]]).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(100),
    cursor: cursor.optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: "from must not be after to",
    path: ["from"],
  });

export const adminAuditRoutes = new Hono<AppEnv>();

adminAuditRoutes.get("/admin/audit", async (c) => {
  // An administrator API key reads its own workspace's trail; people read the one they act in.
  const workspace = requireWorkspaceAdministrator(c, "audit");
  const parsed = query.safeParse(c.req.query());
  if (!parsed.success) {
    throw new AppError(422, "validation_error", "Invalid audit query", {
      details: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    });
  }
  const { cursor: after, ...filters } = parsed.data;
  const { events, more } = await c.get("services").audit.list(workspace, { ...filters, after });
  const last = events.at(-1);
  return c.json({
    events,
    next_cursor: more && last ? encodeCursor(Date.parse(last.timestamp), last.id) : null,
  });
});

function encodeCursor(timestamp: number, id: string): string {
  return btoa(`${timestamp}:${id}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(value: string): { timestamp: number; id: string } | null {
  try {
    const text = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
    const match = /^(\d{1,15}):([A-Za-z0-9-]{1,64})$/.exec(text);
    return match ? { timestamp: Number(match[1]), id: match[2] ?? "" } : null;
  } catch {
    return null;
  }
}
