-- 20261203140102_add_post_search: up
-- Generated from the models for PostgreSQL. Steps:
--   1. create full-text index `posts_title_content_fts` on `posts` (title, content)

-- create full-text index `posts_title_content_fts` on `posts` (title, content)
CREATE INDEX "posts_title_content_fts" ON "posts" USING GIN ((setweight(to_tsvector('english', COALESCE("title", '')), 'A') || setweight(to_tsvector('english', COALESCE("content", '')), 'D')));
