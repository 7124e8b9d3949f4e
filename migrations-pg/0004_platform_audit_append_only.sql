-- The audit log is append-only, as on D1 (migrations/0003_audit.sql's trigger): an UPDATE of a
-- row is refused; rows are only inserted and deleted by the retention cron.
CREATE FUNCTION audit_events_append_only() RETURNS trigger
	LANGUAGE plpgsql
	AS $$
	BEGIN
		RAISE EXCEPTION 'audit_events is append-only';
	END
	$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
	FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
