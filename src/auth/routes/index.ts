/** Every route module of the auth domain, mounted at the root by `src/app.ts`. */
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env";
import { adminApiKeyRoutes } from "./admin-api-keys";
import { adminUserRoutes } from "./admin-users";
import { adminWorkspaceRoutes } from "./admin-workspaces";
import { authRoutes } from "./auth";
import { lightragAuthRoutes } from "./lightrag";

export const authDomainRoutes = new Hono<AppEnv>();
authDomainRoutes.route("/", authRoutes);
authDomainRoutes.route("/", lightragAuthRoutes);
authDomainRoutes.route("/", adminUserRoutes);
authDomainRoutes.route("/", adminWorkspaceRoutes);
authDomainRoutes.route("/", adminApiKeyRoutes);
