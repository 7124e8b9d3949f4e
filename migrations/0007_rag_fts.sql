-- Lexical (BM25) index of chunks, entities and relations: SQLite FTS5, maintained by triggers
-- on the base tables, so every path that writes them (ingestion, reprocessing, deletion,
-- graph edits, workspace purge, backup restore) keeps it consistent without knowing of it.
--
-- `rag_fts_keys` gives every indexed row a stable integer rowid (FTS5 needs one; the base
-- tables' own rowids change on INSERT OR REPLACE and may change on VACUUM). The FTS5 tables
-- are contentless with `contentless_delete=1` (SQLite 3.43+): the text is stored once, in
-- the base table, and rows can still be deleted by rowid.
--
-- Tokenizer: `porter unicode61 remove_diacritics 2` — Unicode word splitting, case and
-- diacritics folded ("Zoë" finds "Zoe"), numbers kept as tokens, English Porter stemming as
-- Lucene/Anserini's BM25 defaults do.
--
-- Trigger bodies use no conflict clause of their own: an outer INSERT OR REPLACE would
-- impose its policy on them (SQLite's rule for trigger programs).
CREATE TABLE `rag_fts_keys` (
	`id` integer PRIMARY KEY,
	`workspace` text NOT NULL,
	`kind` text NOT NULL,
	`k1` text NOT NULL,
	`k2` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rag_fts_keys_key_idx` ON `rag_fts_keys` (`workspace`,`kind`,`k1`,`k2`);
--> statement-breakpoint
CREATE VIRTUAL TABLE `chunks_fts` USING fts5(content, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `entities_fts` USING fts5(name, description, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `relations_fts` USING fts5(src, tgt, keywords, description, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_insert` AFTER INSERT ON `chunks` BEGIN
	INSERT INTO rag_fts_keys (workspace, kind, k1) SELECT new.workspace, 'chunk', new.id
		WHERE NOT EXISTS (SELECT 1 FROM rag_fts_keys WHERE workspace = new.workspace AND kind = 'chunk' AND k1 = new.id AND k2 = '');
	DELETE FROM chunks_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = new.workspace AND kind = 'chunk' AND k1 = new.id AND k2 = '');
	INSERT INTO chunks_fts (rowid, content) SELECT id, new.content FROM rag_fts_keys
		WHERE workspace = new.workspace AND kind = 'chunk' AND k1 = new.id AND k2 = '';
END;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_update` AFTER UPDATE OF workspace, id, content ON `chunks` BEGIN
	DELETE FROM chunks_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'chunk' AND k1 = old.id AND k2 = '');
	DELETE FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'chunk' AND k1 = old.id AND k2 = '';
	INSERT INTO rag_fts_keys (workspace, kind, k1) VALUES (new.workspace, 'chunk', new.id);
	INSERT INTO chunks_fts (rowid, content) VALUES (last_insert_rowid(), new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_delete` AFTER DELETE ON `chunks` BEGIN
	DELETE FROM chunks_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'chunk' AND k1 = old.id AND k2 = '');
	DELETE FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'chunk' AND k1 = old.id AND k2 = '';
END;
--> statement-breakpoint
CREATE TRIGGER `entities_fts_insert` AFTER INSERT ON `entities` BEGIN
	INSERT INTO rag_fts_keys (workspace, kind, k1) SELECT new.workspace, 'entity', new.name
		WHERE NOT EXISTS (SELECT 1 FROM rag_fts_keys WHERE workspace = new.workspace AND kind = 'entity' AND k1 = new.name AND k2 = '');
	DELETE FROM entities_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = new.workspace AND kind = 'entity' AND k1 = new.name AND k2 = '');
	INSERT INTO entities_fts (rowid, name, description) SELECT id, new.name, new.description FROM rag_fts_keys
		WHERE workspace = new.workspace AND kind = 'entity' AND k1 = new.name AND k2 = '';
END;
--> statement-breakpoint
CREATE TRIGGER `entities_fts_update` AFTER UPDATE OF workspace, name, description ON `entities`
	WHEN old.workspace IS NOT new.workspace OR old.name IS NOT new.name OR old.description IS NOT new.description BEGIN
	DELETE FROM entities_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'entity' AND k1 = old.name AND k2 = '');
	DELETE FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'entity' AND k1 = old.name AND k2 = '';
	INSERT INTO rag_fts_keys (workspace, kind, k1) VALUES (new.workspace, 'entity', new.name);
	INSERT INTO entities_fts (rowid, name, description) VALUES (last_insert_rowid(), new.name, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `entities_fts_delete` AFTER DELETE ON `entities` BEGIN
	DELETE FROM entities_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'entity' AND k1 = old.name AND k2 = '');
	DELETE FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'entity' AND k1 = old.name AND k2 = '';
END;
--> statement-breakpoint
CREATE TRIGGER `relations_fts_insert` AFTER INSERT ON `relations` BEGIN
	INSERT INTO rag_fts_keys (workspace, kind, k1, k2) SELECT new.workspace, 'relation', new.src, new.tgt
		WHERE NOT EXISTS (SELECT 1 FROM rag_fts_keys WHERE workspace = new.workspace AND kind = 'relation' AND k1 = new.src AND k2 = new.tgt);
	DELETE FROM relations_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = new.workspace AND kind = 'relation' AND k1 = new.src AND k2 = new.tgt);
	INSERT INTO relations_fts (rowid, src, tgt, keywords, description) SELECT id, new.src, new.tgt, new.keywords, new.description FROM rag_fts_keys
		WHERE workspace = new.workspace AND kind = 'relation' AND k1 = new.src AND k2 = new.tgt;
END;
--> statement-breakpoint
CREATE TRIGGER `relations_fts_update` AFTER UPDATE OF workspace, src, tgt, keywords, description ON `relations`
	WHEN old.workspace IS NOT new.workspace OR old.src IS NOT new.src OR old.tgt IS NOT new.tgt
		OR old.keywords IS NOT new.keywords OR old.description IS NOT new.description BEGIN
	DELETE FROM relations_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'relation' AND k1 = old.src AND k2 = old.tgt);
	DELETE FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'relation' AND k1 = old.src AND k2 = old.tgt;
	INSERT INTO rag_fts_keys (workspace, kind, k1, k2) VALUES (new.workspace, 'relation', new.src, new.tgt);
	INSERT INTO relations_fts (rowid, src, tgt, keywords, description) VALUES (last_insert_rowid(), new.src, new.tgt, new.keywords, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `relations_fts_delete` AFTER DELETE ON `relations` BEGIN
	DELETE FROM relations_fts WHERE rowid = (SELECT id FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'relation' AND k1 = old.src AND k2 = old.tgt);
	DELETE FROM rag_fts_keys WHERE workspace = old.workspace AND kind = 'relation' AND k1 = old.src AND k2 = old.tgt;
END;
--> statement-breakpoint
-- Existing rows: keys first, then the index from them.
INSERT INTO rag_fts_keys (workspace, kind, k1) SELECT workspace, 'chunk', id FROM chunks;
--> statement-breakpoint
INSERT INTO rag_fts_keys (workspace, kind, k1) SELECT workspace, 'entity', name FROM entities;
--> statement-breakpoint
INSERT INTO rag_fts_keys (workspace, kind, k1, k2) SELECT workspace, 'relation', src, tgt FROM relations;
--> statement-breakpoint
INSERT INTO chunks_fts (rowid, content) SELECT k.id, c.content FROM chunks c
	JOIN rag_fts_keys k ON k.workspace = c.workspace AND k.kind = 'chunk' AND k.k1 = c.id AND k.k2 = '';
--> statement-breakpoint
INSERT INTO entities_fts (rowid, name, description) SELECT k.id, e.name, e.description FROM entities e
	JOIN rag_fts_keys k ON k.workspace = e.workspace AND k.kind = 'entity' AND k.k1 = e.name AND k.k2 = '';
--> statement-breakpoint
INSERT INTO relations_fts (rowid, src, tgt, keywords, description) SELECT k.id, r.src, r.tgt, r.keywords, r.description FROM relations r
	JOIN rag_fts_keys k ON k.workspace = r.workspace AND k.kind = 'relation' AND k.k1 = r.src AND k.k2 = r.tgt;
