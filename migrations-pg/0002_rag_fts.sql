ALTER TABLE "chunks" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('rag_english'::regconfig, content)) STORED;--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('rag_english'::regconfig, name) || to_tsvector('rag_english'::regconfig, description)) STORED;--> statement-breakpoint
ALTER TABLE "relations" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('rag_english'::regconfig, src) || to_tsvector('rag_english'::regconfig, tgt) || to_tsvector('rag_english'::regconfig, keywords) || to_tsvector('rag_english'::regconfig, description)) STORED;--> statement-breakpoint
CREATE INDEX "chunks_tsv_idx" ON "chunks" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "entities_tsv_idx" ON "entities" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "relations_tsv_idx" ON "relations" USING gin ("tsv");