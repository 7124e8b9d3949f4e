/** LLM and embedding provider settings, with LightRAG's variable names. */
import { z } from "zod";
import { optionalText, positiveInt } from "./fields";

export const llmFields = {
  LLM_BINDING: z.string().trim().min(1).default("local"),
  LLM_MODEL: z.string().trim().min(1).default("local-extractor"),
  LLM_BINDING_HOST: optionalText,
  EMBEDDING_BINDING: z.string().trim().min(1).default("local"),
  EMBEDDING_MODEL: z.string().trim().min(1).default("local-hash"),
  EMBEDDING_BINDING_HOST: optionalText,
  EMBEDDING_DIM: positiveInt(384),
  LLM_MAX_ASYNC: positiveInt(4),
  MAX_PARALLEL_INSERT: positiveInt(2),
};
