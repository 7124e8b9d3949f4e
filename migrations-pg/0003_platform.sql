CREATE TABLE "audit_events" (
	"id" text PRIMARY KEY NOT NULL,
	"timestamp" bigint NOT NULL,
	"event_type" text NOT NULL,
	"event_action" text NOT NULL,
	"outcome" text NOT NULL,
	"user_id" text,
	"ip_address" text,
	"user_agent" text,
	"session_id" text,
	"request_id" text,
	"workspace" text NOT NULL,
	"additional_data" text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "llm_cache" (
	"workspace" text NOT NULL,
	"id" text NOT NULL,
	"cache_type" text NOT NULL,
	"mode" text NOT NULL,
	"return_value" text NOT NULL,
	"original_prompt" text NOT NULL,
	"chunk_id" text,
	"query_param" text,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "llm_cache_workspace_id_pk" PRIMARY KEY("workspace","id")
);
--> statement-breakpoint
CREATE TABLE "llm_usage" (
	"workspace" text NOT NULL,
	"day" text NOT NULL,
	"role" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"cached_calls" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "llm_usage_workspace_day_role_provider_model_pk" PRIMARY KEY("workspace","day","role","provider","model")
);
--> statement-breakpoint
CREATE INDEX "audit_events_workspace_time_idx" ON "audit_events" USING btree ("workspace","timestamp");--> statement-breakpoint
CREATE INDEX "audit_events_workspace_type_time_idx" ON "audit_events" USING btree ("workspace","event_type","timestamp");--> statement-breakpoint
CREATE INDEX "audit_events_workspace_user_time_idx" ON "audit_events" USING btree ("workspace","user_id","timestamp");--> statement-breakpoint
CREATE INDEX "audit_events_time_idx" ON "audit_events" USING btree ("timestamp");--> statement-breakpoint
CREATE INDEX "llm_cache_workspace_type_idx" ON "llm_cache" USING btree ("workspace","cache_type");--> statement-breakpoint
CREATE INDEX "llm_cache_workspace_chunk_idx" ON "llm_cache" USING btree ("workspace","chunk_id");--> statement-breakpoint
CREATE INDEX "llm_usage_day_idx" ON "llm_usage" USING btree ("day");