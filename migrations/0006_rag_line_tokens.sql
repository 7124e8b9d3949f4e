ALTER TABLE `entities` ADD `line_tokens` integer;--> statement-breakpoint
ALTER TABLE `relations` ADD `line_tokens` integer;