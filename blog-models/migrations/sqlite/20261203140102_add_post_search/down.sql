-- 20261203140102_add_post_search: down
-- Generated from the models for SQLite. Steps:
--   1. drop index `posts_title_content_fts` on `posts`

-- drop index `posts_title_content_fts` on `posts`
DROP TRIGGER IF EXISTS "posts_title_content_fts_ai";
DROP TRIGGER IF EXISTS "posts_title_content_fts_ad";
DROP TRIGGER IF EXISTS "posts_title_content_fts_au";
DROP TABLE IF EXISTS "posts_title_content_fts";
