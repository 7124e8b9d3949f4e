CREATE TABLE `chunk_extractions` (
	`workspace` text NOT NULL,
	`chunk_id` text NOT NULL,
	`doc_id` text NOT NULL,
	`file_path` text NOT NULL,
	`result` text NOT NULL,
	PRIMARY KEY(`workspace`, `chunk_id`)
);
--> statement-breakpoint
CREATE INDEX `chunk_extractions_doc_idx` ON `chunk_extractions` (`workspace`,`doc_id`);--> statement-breakpoint
CREATE TABLE `chunks` (
	`workspace` text NOT NULL,
	`id` text NOT NULL,
	`doc_id` text NOT NULL,
	`chunk_order` integer NOT NULL,
	`tokens` integer NOT NULL,
	`content` text NOT NULL,
	`file_path` text NOT NULL,
	PRIMARY KEY(`workspace`, `id`)
);
--> statement-breakpoint
CREATE INDEX `chunks_doc_idx` ON `chunks` (`workspace`,`doc_id`);--> statement-breakpoint
CREATE TABLE `document_contents` (
	`workspace` text NOT NULL,
	`doc_id` text NOT NULL,
	`part` integer NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`workspace`, `doc_id`, `part`)
);
--> statement-breakpoint
CREATE TABLE `documents` (
	`workspace` text NOT NULL,
	`id` text NOT NULL,
	`file_path` text NOT NULL,
	`content_hash` text NOT NULL,
	`content_summary` text NOT NULL,
	`content_length` integer NOT NULL,
	`status` text NOT NULL,
	`error_msg` text,
	`chunks_count` integer,
	`chunks_list` text DEFAULT '[]' NOT NULL,
	`track_id` text NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace`, `id`)
);
--> statement-breakpoint
CREATE INDEX `documents_status_idx` ON `documents` (`workspace`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `documents_hash_idx` ON `documents` (`workspace`,`content_hash`);--> statement-breakpoint
CREATE INDEX `documents_path_idx` ON `documents` (`workspace`,`file_path`);--> statement-breakpoint
CREATE INDEX `documents_track_idx` ON `documents` (`workspace`,`track_id`);--> statement-breakpoint
CREATE TABLE `entities` (
	`workspace` text NOT NULL,
	`name` text NOT NULL,
	`entity_type` text NOT NULL,
	`description` text NOT NULL,
	`source_id` text NOT NULL,
	`file_path` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`workspace`, `name`)
);
--> statement-breakpoint
CREATE TABLE `entity_sources` (
	`workspace` text NOT NULL,
	`name` text NOT NULL,
	`chunk_id` text NOT NULL,
	`doc_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`description` text NOT NULL,
	`file_path` text NOT NULL,
	PRIMARY KEY(`workspace`, `name`, `chunk_id`)
);
--> statement-breakpoint
CREATE INDEX `entity_sources_doc_idx` ON `entity_sources` (`workspace`,`doc_id`);--> statement-breakpoint
CREATE TABLE `relation_sources` (
	`workspace` text NOT NULL,
	`src` text NOT NULL,
	`tgt` text NOT NULL,
	`chunk_id` text NOT NULL,
	`doc_id` text NOT NULL,
	`keywords` text NOT NULL,
	`description` text NOT NULL,
	`weight` real NOT NULL,
	`file_path` text NOT NULL,
	PRIMARY KEY(`workspace`, `src`, `tgt`, `chunk_id`)
);
--> statement-breakpoint
CREATE INDEX `relation_sources_doc_idx` ON `relation_sources` (`workspace`,`doc_id`);--> statement-breakpoint
CREATE TABLE `relations` (
	`workspace` text NOT NULL,
	`src` text NOT NULL,
	`tgt` text NOT NULL,
	`keywords` text NOT NULL,
	`description` text NOT NULL,
	`weight` real NOT NULL,
	`source_id` text NOT NULL,
	`file_path` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`workspace`, `src`, `tgt`)
);
--> statement-breakpoint
CREATE INDEX `relations_tgt_idx` ON `relations` (`workspace`,`tgt`);