-- 20261203140102_add_post_search: down
-- Generated from the models for MySQL/MariaDB. Steps:
--   1. drop index `posts_title_content_fts` on `posts`

-- drop index `posts_title_content_fts` on `posts`
ALTER TABLE `posts` DROP INDEX `posts_title_content_fts`, DROP COLUMN `posts_title_content_fts_1`, DROP COLUMN `posts_title_content_fts_2`;
