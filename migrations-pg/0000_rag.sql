CREATE TABLE "chunk_extractions" (
	"workspace" text NOT NULL,
	"chunk_id" text NOT NULL,
	"doc_id" text NOT NULL,
	"file_path" text NOT NULL,
	"result" text NOT NULL,
	CONSTRAINT "chunk_extractions_workspace_chunk_id_pk" PRIMARY KEY("workspace","chunk_id")
);
--> statement-breakpoint
CREATE TABLE "chunks" (
	"workspace" text NOT NULL,
	"id" text NOT NULL,
	"doc_id" text NOT NULL,
	"chunk_order" integer NOT NULL,
	"tokens" integer NOT NULL,
	"content" text NOT NULL,
	"file_path" text NOT NULL,
	CONSTRAINT "chunks_workspace_id_pk" PRIMARY KEY("workspace","id")
);
--> statement-breakpoint
CREATE TABLE "document_contents" (
	"workspace" text NOT NULL,
	"doc_id" text NOT NULL,
	"part" integer NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "document_contents_workspace_doc_id_part_pk" PRIMARY KEY("workspace","doc_id","part")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"workspace" text NOT NULL,
	"id" text NOT NULL,
	"file_path" text NOT NULL,
	"content_hash" text NOT NULL,
	"content_summary" text NOT NULL,
	"content_length" integer NOT NULL,
	"status" text NOT NULL,
	"error_msg" text,
	"chunks_count" integer,
	"chunks_list" text DEFAULT '[]' NOT NULL,
	"track_id" text NOT NULL,
	"metadata" text DEFAULT '{}' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "documents_workspace_id_pk" PRIMARY KEY("workspace","id")
);
--> statement-breakpoint
CREATE TABLE "entities" (
	"workspace" text NOT NULL,
	"name" text NOT NULL,
	"entity_type" text NOT NULL,
	"description" text NOT NULL,
	"source_id" text NOT NULL,
	"file_path" text NOT NULL,
	"created_at" bigint NOT NULL,
	"vector_id" text DEFAULT '' NOT NULL,
	"line_tokens" integer,
	CONSTRAINT "entities_workspace_name_pk" PRIMARY KEY("workspace","name")
);
--> statement-breakpoint
CREATE TABLE "entity_sources" (
	"workspace" text NOT NULL,
	"name" text NOT NULL,
	"chunk_id" text NOT NULL,
	"doc_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"description" text NOT NULL,
	"file_path" text NOT NULL,
	CONSTRAINT "entity_sources_workspace_name_chunk_id_pk" PRIMARY KEY("workspace","name","chunk_id")
);
--> statement-breakpoint
CREATE TABLE "relation_sources" (
	"workspace" text NOT NULL,
	"src" text NOT NULL,
	"tgt" text NOT NULL,
	"chunk_id" text NOT NULL,
	"doc_id" text NOT NULL,
	"keywords" text NOT NULL,
	"description" text NOT NULL,
	"weight" double precision NOT NULL,
	"file_path" text NOT NULL,
	CONSTRAINT "relation_sources_workspace_src_tgt_chunk_id_pk" PRIMARY KEY("workspace","src","tgt","chunk_id")
);
--> statement-breakpoint
CREATE TABLE "relations" (
	"workspace" text NOT NULL,
	"src" text NOT NULL,
	"tgt" text NOT NULL,
	"keywords" text NOT NULL,
	"description" text NOT NULL,
	"weight" double precision NOT NULL,
	"source_id" text NOT NULL,
	"file_path" text NOT NULL,
	"created_at" bigint NOT NULL,
	"vector_id" text DEFAULT '' NOT NULL,
	"line_tokens" integer,
	CONSTRAINT "relations_workspace_src_tgt_pk" PRIMARY KEY("workspace","src","tgt")
);
--> statement-breakpoint
CREATE TABLE "vectors_chunks" (
	"workspace" text NOT NULL,
	"id" text NOT NULL,
	"dim" integer NOT NULL,
	"embedding" vector NOT NULL,
	"payload" text,
	CONSTRAINT "vectors_chunks_workspace_id_pk" PRIMARY KEY("workspace","id")
);
--> statement-breakpoint
CREATE TABLE "vectors_entities" (
	"workspace" text NOT NULL,
	"id" text NOT NULL,
	"dim" integer NOT NULL,
	"embedding" vector NOT NULL,
	"payload" text,
	CONSTRAINT "vectors_entities_workspace_id_pk" PRIMARY KEY("workspace","id")
);
--> statement-breakpoint
CREATE TABLE "vectors_relations" (
	"workspace" text NOT NULL,
	"id" text NOT NULL,
	"dim" integer NOT NULL,
	"embedding" vector NOT NULL,
	"payload" text,
	CONSTRAINT "vectors_relations_workspace_id_pk" PRIMARY KEY("workspace","id")
);
--> statement-breakpoint
CREATE INDEX "chunk_extractions_doc_idx" ON "chunk_extractions" USING btree ("workspace","doc_id");--> statement-breakpoint
CREATE INDEX "chunks_doc_idx" ON "chunks" USING btree ("workspace","doc_id");--> statement-breakpoint
CREATE INDEX "documents_status_idx" ON "documents" USING btree ("workspace","status","updated_at");--> statement-breakpoint
CREATE INDEX "documents_hash_idx" ON "documents" USING btree ("workspace","content_hash");--> statement-breakpoint
CREATE INDEX "documents_path_idx" ON "documents" USING btree ("workspace","file_path");--> statement-breakpoint
CREATE INDEX "documents_track_idx" ON "documents" USING btree ("workspace","track_id");--> statement-breakpoint
CREATE INDEX "entities_vector_idx" ON "entities" USING btree ("workspace","vector_id");--> statement-breakpoint
CREATE INDEX "entity_sources_doc_idx" ON "entity_sources" USING btree ("workspace","doc_id");--> statement-breakpoint
CREATE INDEX "relation_sources_doc_idx" ON "relation_sources" USING btree ("workspace","doc_id");--> statement-breakpoint
CREATE INDEX "relations_tgt_idx" ON "relations" USING btree ("workspace","tgt");--> statement-breakpoint
CREATE INDEX "relations_vector_idx" ON "relations" USING btree ("workspace","vector_id");--> statement-breakpoint
CREATE INDEX "vectors_chunks_hnsw_384" ON "vectors_chunks" USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dim = 384;--> statement-breakpoint
CREATE INDEX "vectors_entities_hnsw_384" ON "vectors_entities" USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dim = 384;--> statement-breakpoint
CREATE INDEX "vectors_relations_hnsw_384" ON "vectors_relations" USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dim = 384;