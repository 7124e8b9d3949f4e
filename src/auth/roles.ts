/**
 * Roles and what each may do. Internally `viewer < user < admin` (the Principal contract); on
 * the wire `editor` and `administrator` are accepted as the issue's names for `user` and `admin`.
 *
 * | role   | may                                                                 |
 * | ------ | ------------------------------------------------------------------- |
 * | viewer | read and query its workspaces                                       |
 * | user   | + ingest, delete and edit documents and the graph in its workspaces |
 * | admin  | everything, in every workspace, including /admin/*                  |
 */
import { z } from "zod";
import type { Role } from "./principal";

const RANK: Record<Role, number> = { viewer: 1, user: 2, admin: 3 };

const ALIASES: Record<string, Role> = {
  viewer: "viewer",
  reader: "viewer",
  user: "user",
  editor: "user",
  admin: "admin",
  administrator: "admin",
};

/** A role field of a request body: any spelling above, normalised to the internal name. */
export const roleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => value in ALIASES, "must be viewer, editor (user) or administrator (admin)")
  .transform((value) => ALIASES[value] as Role);

/** True when `role` carries at least the rights of `needed`. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
