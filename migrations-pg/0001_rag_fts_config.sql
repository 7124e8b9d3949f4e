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
