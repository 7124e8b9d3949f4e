/** `POST /documents/text`, `/documents/texts`, `/documents/upload`, `GET /documents/supported_file_types`. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { audit } from "../../audit";
import { requestWaitUntil } from "../../observability/request-context";
import { enqueueIngest } from "../../pipeline/ingest-messages";
import { type IncomingDocument, registerDocuments } from "../../rag/documents";
import { hasControlCharacters } from "../../rag/ids";
import { extensionOf, parseUpload, SUPPORTED_EXTENSIONS } from "../../rag/parsers/index";
import { extractionLimits } from "../../rag/parsers/limits";
import { loadTokenizer } from "../../rag/tokenizer";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { readJsonBody } from "../json-body";
import { requestWorkspace } from "../workspace";
import { requestServices, requireProcessing } from "./documents-wire";

const text = z.string().refine((value) => value.trim().length > 0, "must not be empty");

/** A document's source name; control characters (NUL, newline, ESC, …) are refused, never kept. */
const NO_CONTROL = "must not contain control characters";
const fileSource = z
  .string()
  .max(1024)
  .refine((value) => !hasControlCharacters(value), NO_CONTROL);

/** LightRAG's `TextChunkingConfig` (extra fields forbidden); only `fixed_token` is implemented. */
const chunking = z
  .object({
    strategy: z
      .enum(["fixed_token", "recursive_character", "semantic_vector", "paragraph_semantic"])
      .default("fixed_token"),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .optional();

/** LightRAG's `InsertTextRequest` (`POST /documents/text`, the MCP `insert_text` tool). */
export const insertTextSchema = z.object({
  text,
  // v1.4 clients send no file_source; it then defaults to unknown_source.
  file_source: fileSource.nullish(),
  chunking,
});

/** LightRAG's `InsertTextsRequest` (`POST /documents/texts`). */
export const insertTextsSchema = z
  .object({
    texts: z.array(text).min(1),
    file_sources: z.array(fileSource).nullish(),
    chunking,
  })
  .refine((body) => !body.file_sources || body.file_sources.length === body.texts.length, {
    message: "file_sources must have one entry per text",
    path: ["file_sources"],
  });

export const RECEIVED = "Text successfully received. Processing will continue in background.";

/** LightRAG's `InsertResponse`. */
export interface InsertResponse {
  status: "success" | "duplicated";
  message: string;
  track_id: string;
}

/**
 * Registers documents, queues them for ingestion and audits the upload: what every insert route
 * and the MCP `insert_text` tool share.
 *
 * @example
 * await acceptDocuments(c, [{ text: "Ada founded Acme.", source: "acme.md" }], "insert", RECEIVED);
 */
export async function acceptDocuments(
  c: Context<AppEnv>,
  items: IncomingDocument[],
  prefix: "insert" | "upload",
  message: string,
): Promise<InsertResponse> {
  await requireProcessing(c);
  const workspace = requestWorkspace(c);
  // Build the tokenizer while the message waits for its queue batch (same isolate locally).
  requestWaitUntil(c)(loadTokenizer().then(() => undefined));
  // A RagError (empty text, repeated source, same name) is answered by the error handler.
  const { accepted, duplicates, trackId } = await registerDocuments(
    requestServices(c).stores,
    workspace,
    items,
    prefix,
  );
  await enqueueIngest(
    c.env,
    workspace,
    accepted.map((doc) => doc.id),
  );
  audit(c, {
    event_type: "data_access",
    event_action: "document_upload",
    outcome: "success",
    additional_data: { track_id: trackId, documents: accepted.length, duplicates: duplicates.length },
  });
  if (accepted.length === 0) {
    const names = duplicates.map((doc) => doc.filePath).join(", ");
    return {
      status: "duplicated",
      message: `Identical content already exists: ${names}`,
      track_id: duplicates[0]?.trackId ?? trackId,
    };
  }
  const note = duplicates.length > 0 ? ` ${duplicates.length} duplicate(s) skipped.` : "";
  return { status: "success", message: `${message}${note}`, track_id: trackId };
}

export const documentInsertRoutes = new Hono<AppEnv>();

documentInsertRoutes.post("/documents/text", async (c) => {
  const body = await readJsonBody(c, insertTextSchema);
  return c.json(
    await acceptDocuments(c, [{ text: body.text, source: body.file_source }], "insert", RECEIVED),
  );
});

documentInsertRoutes.post("/documents/texts", async (c) => {
  const body = await readJsonBody(c, insertTextsSchema);
  const limit = c.get("config").MAX_TEXTS_PER_REQUEST;
  if (limit > 0 && body.texts.length > limit) {
    throw new AppError(
      413,
      "payload_too_large",
      `At most ${limit} texts per request (MAX_TEXTS_PER_REQUEST)`,
      {
        details: { max_texts: limit },
      },
    );
  }
  const items = body.texts.map((value, i) => ({ text: value, source: body.file_sources?.[i] }));
  return c.json(await acceptDocuments(c, items, "insert", RECEIVED));
});

documentInsertRoutes.post("/documents/upload", async (c) => {
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch {
    throw new AppError(400, "bad_request", "The body is not valid multipart/form-data");
  }
  const field: unknown = form.get("file");
  const file = typeof field === "object" && field !== null && "arrayBuffer" in field ? (field as File) : null;
  if (!file)
    throw new AppError(422, "validation_error", "Missing multipart field: file", {
      details: [{ field: "file", message: "required" }],
    });
  if (hasControlCharacters(file.name))
    throw new AppError(422, "validation_error", `The file name ${NO_CONTROL}`, {
      details: [{ field: "file", message: `file name ${NO_CONTROL}` }],
    });
  const maxBytes = c.get("config").MAX_UPLOAD_SIZE;
  if (file.size > maxBytes) {
    throw new AppError(413, "payload_too_large", `File exceeds ${maxBytes} bytes`, {
      details: { max_bytes: maxBytes },
    });
  }
  if (!SUPPORTED_EXTENSIONS.includes(extensionOf(file.name))) {
    throw new AppError(
      400,
      "bad_request",
      `Unsupported file type; supported: ${SUPPORTED_EXTENSIONS.join(" ")}`,
      {
        details: { supported_extensions: SUPPORTED_EXTENSIONS },
      },
    );
  }
  const config = c.get("config");
  // An upload never yields more text than /documents/text accepts in its body.
  const limits = extractionLimits(Math.min(config.MAX_EXTRACTED_TEXT_BYTES, config.MAX_TEXT_BODY_BYTES));
  // A RagError (too_large, bad_input) is answered by the error handler.
  const content = await parseUpload(file.name, new Uint8Array(await file.arrayBuffer()), limits);
  if (content.trim() === "") throw new AppError(400, "bad_request", `${file.name} contains no text`);
  return c.json(
    await acceptDocuments(
      c,
      [{ text: content, source: file.name }],
      "upload",
      `File '${file.name}' uploaded successfully. Processing will continue in background.`,
    ),
  );
});

documentInsertRoutes.get("/documents/supported_file_types", (c) => {
  c.header("Vary", "LIGHTRAG-WORKSPACE");
  return c.json({ supported_extensions: SUPPORTED_EXTENSIONS, engines: { native: SUPPORTED_EXTENSIONS } });
});
