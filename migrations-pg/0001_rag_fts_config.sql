-- Text search configuration of the lexical (BM25-style) index, used by the generated `tsv`
-- columns of 0002_rag_fts: English Snowball stemming and stop words as `english`, with
-- diacritics folded first by `unaccent` ("Zoë" finds "Zoe"), as D1's FTS5 tokenizer
-- (`porter unicode61 remove_diacritics 2`, migrations/0007_rag_fts.sql) does. `unaccent`
-- ships with Postgres' contrib and is available on Neon; tools/pg-local loads it into PGlite.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION rag_english (COPY = english);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION rag_english
	ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
--> statement-breakpoint
-- The OR query of a user text (src/storage/neon/lexical.ts): its first `max_lexemes` distinct
-- lexemes under `rag_english` (so query and index split words alike), each quoted for the
-- tsquery parser (quotes and backslashes doubled) and joined with `|`; NULL without a lexeme.
-- IMMUTABLE (as `to_tsvector(regconfig, text)` is): with the text bound, the planner folds the
-- call into a constant and estimates the match from the GIN statistics, so a rare word is
-- looked up by the index instead of a scan of the workspace.
CREATE FUNCTION rag_or_query(query text, max_lexemes integer) RETURNS tsquery
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$
	SELECT string_agg('''' || replace(replace(w.lexeme, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery
	FROM (SELECT lexeme FROM unnest(to_tsvector('rag_english'::regconfig, query))
		ORDER BY positions[1], lexeme LIMIT max_lexemes) AS w
	$$;
