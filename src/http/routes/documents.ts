/** LightRAG's `/documents/*` API (§1.4), one module per concern, mounted together. */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { documentAdminRoutes } from "./documents-admin";
import { documentInsertRoutes } from "./documents-insert";
import { documentReadRoutes } from "./documents-read";
import { documentScanRoutes } from "./documents-scan";

export const documentRoutes = new Hono<AppEnv>();
documentRoutes.route("/", documentInsertRoutes);
documentRoutes.route("/", documentReadRoutes);
documentRoutes.route("/", documentAdminRoutes);
documentRoutes.route("/", documentScanRoutes);
