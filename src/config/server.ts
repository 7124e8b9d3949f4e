/** Core server settings: environment, logging, feature switches, HTTP limits, storage choice. */
import { z } from "zod";
import { bool, csvList, optionalText, positiveInt } from "./fields";

const MiB = 1024 * 1024;

const logLevel = z
  .string()
  .trim()
  .toUpperCase()
  .transform((value) => (value === "WARN" ? "WARNING" : value))
  .pipe(z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]))
  .default("INFO");

const origins = csvList("*")
  .refine((list) => list.length > 0, "must name at least one origin or *")
  .refine(
    (list) => list.every((origin) => origin === "*" || /^https?:\/\/[^/\s]+$/.test(origin)),
    "each origin must be * or scheme://host[:port] without a path",
  );

/** Workspace names are used in storage keys and Durable Object names. */
export const WORKSPACE_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

export const serverFields = {
  NODE_ENV: z.enum(["development", "staging", "production"]).default("development"),
  DEBUG: bool(false),
  LOG_LEVEL: logLevel,
  AUTH_ENABLED: bool(true),
  RATE_LIMIT_ENABLED: bool(true),
  AUDIT_LOGGING_ENABLED: bool(true),
  READ_ONLY_MODE: bool(false),
  DISABLE_DOCUMENT_UPLOAD: bool(false),
  ENABLE_QUERIES: bool(true),
  ENABLE_DOCUMENT_PROCESSING: bool(true),
  ENHANCED_PROCESSING: bool(true),
  MCP_SERVER_ENABLED: bool(false),
  JWT_SECRET_KEY: optionalText,
  CORS_ORIGINS: origins,
  MAX_REQUEST_BODY_BYTES: positiveInt(1 * MiB),
  MAX_TEXT_BODY_BYTES: positiveInt(50 * MiB),
  MAX_UPLOAD_SIZE: positiveInt(100 * MiB),
  /** Text one upload may yield (PDF, DOCX, HTML, text); also bounds how far an archive may inflate. */
  MAX_EXTRACTED_TEXT_BYTES: positiveInt(10 * MiB),
  WORKSPACE: z
    .string()
    .trim()
    .regex(WORKSPACE_PATTERN, "letters, digits and underscores only, at most 64")
    .default("default"),
  TRUSTED_PROXY: bool(false),
  // Backends this version implements. The planned ones are refused by name, so a config asking
  // for them fails at start-up instead of silently running on D1 and the local index.
  STORAGE_BACKEND: z
    .enum(["d1", "neon"])
    .default("d1")
    .refine((value) => value === "d1", "only d1 is implemented in this version (neon is planned)"),
  VECTOR_BACKEND: z
    .enum(["local", "vectorize", "pgvector"])
    .default("local")
    .refine(
      (value) => value === "local",
      "only local (the VectorIndex Durable Objects) is implemented in this version (vectorize and pgvector are planned)",
    ),
  WEBUI_TITLE: z.string().default("lightrag-edge"),
  WEBUI_DESCRIPTION: z.string().default("Graph RAG on the edge"),
};
