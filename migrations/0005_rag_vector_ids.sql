ALTER TABLE `entities` ADD `vector_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `entities_vector_idx` ON `entities` (`workspace`,`vector_id`);--> statement-breakpoint
ALTER TABLE `relations` ADD `vector_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `relations_vector_idx` ON `relations` (`workspace`,`vector_id`);