CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`timestamp` integer NOT NULL,
	`event_type` text NOT NULL,
	`event_action` text NOT NULL,
	`outcome` text NOT NULL,
	`user_id` text,
	`ip_address` text,
	`user_agent` text,
	`session_id` text,
	`request_id` text,
	`workspace` text NOT NULL,
	`additional_data` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_workspace_time_idx` ON `audit_events` (`workspace`,`timestamp`);--> statement-breakpoint
CREATE INDEX `audit_events_workspace_type_time_idx` ON `audit_events` (`workspace`,`event_type`,`timestamp`);--> statement-breakpoint
CREATE INDEX `audit_events_workspace_user_time_idx` ON `audit_events` (`workspace`,`user_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `audit_events_time_idx` ON `audit_events` (`timestamp`);--> statement-breakpoint
CREATE TRIGGER `audit_events_append_only` BEFORE UPDATE ON `audit_events` BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
