/**
 * LightRAG's graph-editing API (`graph_routes.py`): edit, create, merge and delete entities
 * and relations, with LightRAG's bodies and `{status, message, data}` answers. The routes are
 * thin: each edit runs in the workspace's coordinator, in line with document merges, and is
 * recorded there as a manual source that later merges and deletions respect
 * (`src/rag/graph-edit/`). Validation failures are 400 as in LightRAG, an edit while the
 * pipeline is busy 409, a missing entity or relation to delete 404.
 *
 * The request and response schemas are exported for the OpenAPI document.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { audit } from "../../audit";
import { MAX_NAME_LENGTH } from "../../rag/extraction/names";
import type { GraphEdit, GraphEditResult } from "../../rag/graph-edit/operations";
import { hasControlCharacters } from "../../rag/ids";
import { RagError } from "../../rag/types";
import type { EntityRecord, RelationRecord } from "../../storage/graph";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { readJsonBody } from "../json-body";
import { requestWorkspace } from "../workspace";

/** Longest description or keyword list an edit may set. */
const MAX_TEXT_CHARS = 64 * 1024;

/** A name is an identifier in the graph, the vectors and the graph index: no control characters. */
const entityName = z
  .string()
  .trim()
  .min(1, "entity name is required")
  .max(MAX_NAME_LENGTH)
  .refine((name) => !hasControlCharacters(name), "must not contain control characters");
const text = z.string().max(MAX_TEXT_CHARS);

/** Entity fields LightRAG accepts in `updated_data` / `entity_data` (`source_id` is derived here and ignored). */
const entityFields = z.object({
  entity_type: z
    .string()
    .trim()
    .max(MAX_NAME_LENGTH)
    .refine((type) => !hasControlCharacters(type), "must not contain control characters")
    .optional(),
  description: text.optional(),
  file_path: text.optional(),
  source_id: text.optional(),
});

const relationFields = z.object({
  description: text.optional(),
  keywords: text.optional(),
  // LightRAG's web UI edits properties as text: a numeric string is a weight too.
  weight: z
    .preprocess(
      (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
      z.number().finite().min(0),
    )
    .optional(),
  file_path: text.optional(),
  source_id: text.optional(),
});

export const entityEditRequestSchema = z.object({
  entity_name: entityName,
  updated_data: entityFields.extend({ entity_name: entityName.optional() }),
  allow_rename: z.boolean().default(false),
  allow_merge: z.boolean().default(false),
});

export const relationEditRequestSchema = z.object({
  source_id: entityName,
  target_id: entityName,
  updated_data: relationFields,
});

export const entityCreateRequestSchema = z.object({
  entity_name: entityName,
  entity_data: entityFields,
});

export const relationCreateRequestSchema = z.object({
  source_entity: entityName,
  target_entity: entityName,
  relation_data: relationFields,
});

export const entitiesMergeRequestSchema = z.object({
  entities_to_change: z.array(entityName).min(1).max(100),
  entity_to_change_into: entityName,
});

export const entityDeleteRequestSchema = z.object({ entity_name: entityName });

export const relationDeleteRequestSchema = z.object({ source_entity: entityName, target_entity: entityName });

/** An entity in LightRAG's edit answers. */
export const entityDataSchema = z.object({
  entity_name: z.string(),
  entity_type: z.string(),
  description: z.string(),
  source_id: z.string(),
  file_path: z.string(),
  created_at: z.number(),
});

/** A relation in LightRAG's edit answers. */
export const relationDataSchema = z.object({
  src_id: z.string(),
  tgt_id: z.string(),
  description: z.string(),
  keywords: z.string(),
  weight: z.number(),
  source_id: z.string(),
  file_path: z.string(),
  created_at: z.number(),
});

export const entityEditResponseSchema = z.object({
  status: z.literal("success"),
  message: z.string(),
  data: entityDataSchema,
  operation_summary: z.object({
    merged: z.boolean(),
    merge_status: z.enum(["success", "failed", "not_attempted"]),
    merge_error: z.string().nullable(),
    operation_status: z.enum(["success", "partial_success", "failure"]),
    target_entity: z.string().nullable(),
    final_entity: z.string(),
    renamed: z.boolean(),
  }),
});

export const entityResponseSchema = z.object({
  status: z.literal("success"),
  message: z.string(),
  data: entityDataSchema,
});

export const relationResponseSchema = z.object({
  status: z.literal("success"),
  message: z.string(),
  data: relationDataSchema,
});

/** LightRAG's `DeletionResult`. */
export const deletionResponseSchema = z.object({
  status: z.literal("success"),
  doc_id: z.literal(""),
  message: z.string(),
  status_code: z.literal(200),
  file_path: z.null(),
});

function entityData(entity: EntityRecord | undefined): z.infer<typeof entityDataSchema> {
  if (!entity) throw new AppError(500, "internal_error", "The edited entity was not written");
  return {
    entity_name: entity.name,
    entity_type: entity.entityType,
    description: entity.description,
    source_id: entity.sourceId,
    file_path: entity.filePath,
    created_at: entity.createdAt,
  };
}

function relationData(relation: RelationRecord | undefined): z.infer<typeof relationDataSchema> {
  if (!relation) throw new AppError(500, "internal_error", "The edited relation was not written");
  return {
    src_id: relation.src,
    tgt_id: relation.tgt,
    description: relation.description,
    keywords: relation.keywords,
    weight: relation.weight,
    source_id: relation.sourceId,
    file_path: relation.filePath,
    created_at: relation.createdAt,
  };
}

/** Entity fields of a request, without `undefined` keys (an absent field is left as it was). */
function entityEdits(data: z.infer<typeof entityFields>) {
  return {
    ...(data.entity_type !== undefined ? { entityType: data.entity_type } : {}),
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(data.file_path !== undefined ? { filePath: data.file_path } : {}),
  };
}

function relationEdits(data: z.infer<typeof relationFields>) {
  return {
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(data.keywords !== undefined ? { keywords: data.keywords } : {}),
    ...(data.weight !== undefined ? { weight: data.weight } : {}),
    ...(data.file_path !== undefined ? { filePath: data.file_path } : {}),
  };
}

/** The names an edit is about, for its audit event. */
function editSubject(edit: GraphEdit): Record<string, unknown> {
  switch (edit.op) {
    case "create_entity":
    case "delete_entity":
      return { op: edit.op, entity: edit.name };
    case "edit_entity":
      return {
        op: edit.op,
        entity: edit.name,
        fields: Object.keys(edit.fields),
        new_name: edit.newName ?? null,
      };
    case "create_relation":
    case "edit_relation":
    case "delete_relation":
      return { op: edit.op, source: edit.source, target: edit.target };
    case "merge_entities":
      return { op: edit.op, entities: edit.sources, target: edit.target };
  }
}

/** Runs `edit` in the coordinator and audits it; failures become LightRAG's statuses. */
async function runEdit(c: Context<AppEnv>, action: string, edit: GraphEdit): Promise<GraphEditResult> {
  const workspace = requestWorkspace(c);
  const outcome = await c.get("services").coordinator(workspace).editGraph(workspace, edit);
  audit(c, {
    event_type: "data_access",
    event_action: action,
    outcome: outcome.ok ? "success" : "failure",
    // Which edit on what, not the texts set (descriptions can be long and are content, not identifiers).
    additional_data: { ...editSubject(edit), ...(outcome.ok ? {} : { reason: outcome.kind }) },
  });
  if (!outcome.ok) {
    if (outcome.kind === "busy") throw new AppError(409, "conflict", outcome.message);
    // The error handler maps the engine's kinds (bad_input 400, not_found 404) in one place.
    throw new RagError(outcome.kind, outcome.message);
  }
  return outcome.result;
}

export const graphEditRoutes = new Hono<AppEnv>();

graphEditRoutes.post("/graph/entity/edit", async (c) => {
  const body = await readJsonBody(c, entityEditRequestSchema);
  const newName = body.updated_data.entity_name;
  const result = await runEdit(c, "graph_entity_edit", {
    op: "edit_entity",
    name: body.entity_name,
    fields: entityEdits(body.updated_data),
    ...(newName !== undefined ? { newName } : {}),
    allowRename: body.allow_rename,
    allowMerge: body.allow_merge,
  });
  const data = entityData(result.entity);
  const merged = result.merged ?? false;
  return c.json({
    status: "success" as const,
    message: merged
      ? `Entity '${body.entity_name}' merged into '${data.entity_name}' successfully`
      : "Entity updated successfully",
    data,
    operation_summary: {
      merged,
      merge_status: merged ? ("success" as const) : ("not_attempted" as const),
      merge_error: null,
      operation_status: "success" as const,
      target_entity: result.renamed ? data.entity_name : null,
      final_entity: data.entity_name,
      renamed: result.renamed ?? false,
    },
  });
});

graphEditRoutes.post("/graph/relation/edit", async (c) => {
  const body = await readJsonBody(c, relationEditRequestSchema);
  const result = await runEdit(c, "graph_relation_edit", {
    op: "edit_relation",
    source: body.source_id,
    target: body.target_id,
    fields: relationEdits(body.updated_data),
  });
  return c.json({
    status: "success" as const,
    message: "Relation updated successfully",
    data: relationData(result.relation),
  });
});

graphEditRoutes.post("/graph/entity/create", async (c) => {
  const body = await readJsonBody(c, entityCreateRequestSchema);
  const result = await runEdit(c, "graph_entity_create", {
    op: "create_entity",
    name: body.entity_name,
    fields: entityEdits(body.entity_data),
  });
  return c.json({
    status: "success" as const,
    message: `Entity '${body.entity_name}' created successfully`,
    data: entityData(result.entity),
  });
});

graphEditRoutes.post("/graph/relation/create", async (c) => {
  const body = await readJsonBody(c, relationCreateRequestSchema);
  const result = await runEdit(c, "graph_relation_create", {
    op: "create_relation",
    source: body.source_entity,
    target: body.target_entity,
    fields: relationEdits(body.relation_data),
  });
  return c.json({
    status: "success" as const,
    message: `Relation created successfully between '${body.source_entity}' and '${body.target_entity}'`,
    data: relationData(result.relation),
  });
});

graphEditRoutes.post("/graph/entities/merge", async (c) => {
  const body = await readJsonBody(c, entitiesMergeRequestSchema);
  const result = await runEdit(c, "graph_entities_merge", {
    op: "merge_entities",
    sources: body.entities_to_change,
    target: body.entity_to_change_into,
  });
  return c.json({
    status: "success" as const,
    message: `Successfully merged ${body.entities_to_change.length} entities into '${body.entity_to_change_into}'`,
    data: entityData(result.entity),
  });
});

/** LightRAG 1.5.7 path and its 1.4.16 predecessor under /documents; same body, same answer. */
for (const path of ["/graph/entity/delete", "/documents/delete_entity"]) {
  graphEditRoutes.delete(path, async (c) => {
    const body = await readJsonBody(c, entityDeleteRequestSchema);
    await runEdit(c, "graph_entity_delete", { op: "delete_entity", name: body.entity_name });
    return c.json({
      status: "success" as const,
      doc_id: "" as const,
      message: `Entity '${body.entity_name}' and its relationships have been deleted.`,
      status_code: 200 as const,
      file_path: null,
    });
  });
}

for (const path of ["/graph/relation/delete", "/documents/delete_relation"]) {
  graphEditRoutes.delete(path, async (c) => {
    const body = await readJsonBody(c, relationDeleteRequestSchema);
    await runEdit(c, "graph_relation_delete", {
      op: "delete_relation",
      source: body.source_entity,
      target: body.target_entity,
    });
    return c.json({
      status: "success" as const,
      doc_id: "" as const,
      message: `Relation from '${body.source_entity}' to '${body.target_entity}' has been deleted.`,
      status_code: 200 as const,
      file_path: null,
    });
  });
}
