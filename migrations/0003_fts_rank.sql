-- Let FTS5 rank inside the index: with `rank` configured as weighted bm25 (title 10, features 3,
-- description 1), `ORDER BY rank LIMIT n` is evaluated by FTS5 itself, ~4x cheaper than ordering a join on
-- bm25() for frequent terms.
INSERT INTO products_fts(products_fts, rank) VALUES ('rank', 'bm25(10.0, 3.0, 1.0)');
