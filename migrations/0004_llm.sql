CREATE TABLE `llm_cache` (
	`workspace` text NOT NULL,
	`id` text NOT NULL,
	`cache_type` text NOT NULL,
	`mode` text NOT NULL,
	`return_value` text NOT NULL,
	`original_prompt` text NOT NULL,
	`chunk_id` text,
	`query_param` text,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace`, `id`)
);
--> statement-breakpoint
CREATE INDEX `llm_cache_workspace_type_idx` ON `llm_cache` (`workspace`,`cache_type`);--> statement-breakpoint
CREATE INDEX `llm_cache_workspace_chunk_idx` ON `llm_cache` (`workspace`,`chunk_id`);--> statement-breakpoint
CREATE TABLE `llm_usage` (
	`workspace` text NOT NULL,
	`day` text NOT NULL,
	`role` text NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	`cached_calls` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`workspace`, `day`, `role`, `provider`, `model`)
);
--> statement-breakpoint
CREATE INDEX `llm_usage_day_idx` ON `llm_usage` (`day`);