-- 20261203140102_add_post_search: up
-- Generated from the models for SQLite. Steps:
--   1. create full-text index `posts_title_content_fts` on `posts` (title, content)

-- create full-text index `posts_title_content_fts` on `posts` (title, content)
DROP TRIGGER IF EXISTS "posts_title_content_fts_ai";
DROP TRIGGER IF EXISTS "posts_title_content_fts_ad";
DROP TRIGGER IF EXISTS "posts_title_content_fts_au";
DROP TABLE IF EXISTS "posts_title_content_fts";
CREATE VIRTUAL TABLE "posts_title_content_fts" USING fts5("title", "content", content='posts', content_rowid='rowid', tokenize='porter unicode61');
CREATE TRIGGER "posts_title_content_fts_ai" AFTER INSERT ON "posts" BEGIN INSERT INTO "posts_title_content_fts"(rowid, "title", "content") VALUES (new.rowid, new."title", new."content"); END;
CREATE TRIGGER "posts_title_content_fts_ad" AFTER DELETE ON "posts" BEGIN INSERT INTO "posts_title_content_fts"("posts_title_content_fts", rowid, "title", "content") VALUES ('delete', old.rowid, old."title", old."content"); END;
CREATE TRIGGER "posts_title_content_fts_au" AFTER UPDATE ON "posts" WHEN old.rowid IS NOT new.rowid OR old."title" IS NOT new."title" OR old."content" IS NOT new."content" BEGIN INSERT INTO "posts_title_content_fts"("posts_title_content_fts", rowid, "title", "content") VALUES ('delete', old.rowid, old."title", old."content"); INSERT INTO "posts_title_content_fts"(rowid, "title", "content") VALUES (new.rowid, new."title", new."content"); END;
INSERT INTO "posts_title_content_fts"("posts_title_content_fts") VALUES ('rebuild');
