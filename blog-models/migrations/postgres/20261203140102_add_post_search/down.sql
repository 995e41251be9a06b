-- 20261203140102_add_post_search: down
-- Generated from the models for PostgreSQL. Steps:
--   1. drop index `posts_title_content_fts` on `posts`

-- drop index `posts_title_content_fts` on `posts`
DROP INDEX "posts_title_content_fts";
