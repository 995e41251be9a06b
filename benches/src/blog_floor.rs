//! Hand-written sqlx for the seed's `DatabaseService` workloads: the best SQL we know for each
//! operation on the blog schema, returning the same values (`blog_models`' output structs) so the
//! results can be compared with the service's.
//!
//! | operation | PostgreSQL | MySQL/MariaDB, SQLite |
//! |---|---|---|
//! | user with stats | one statement: user ⟕ settings, five correlated `COUNT`s | same |
//! | posts page (`LIMIT` in the SQL text) | one statement: posts ⋈ author ⟕ category, two `COUNT`s, the tags as four `array_agg` columns of a `LATERAL` subquery | the page's ids first ("deferred join"), then author, category and `COUNT`s for those rows; SQLite: the tags as a `json_group_array` column; MySQL: the 21st row's `created_at` looked up first so the page is an index range, and the tags by `IN` list (one connection) |
//! | … with cursor | `created_at <= (cursor's) AND (created_at < (cursor's) OR id <= cursor)`: an index range | same |
//! | … with search | `ILIKE` with one bound pattern | `LOWER(col) LIKE` (MySQL: `_bin` collation), `LIKE … ESCAPE` (SQLite) |
//! | full-text search | the GIN index's weighted `tsvector` `@@ websearch_to_tsquery`, `ts_rank_cd` order, one statement | the ten best ids first (MySQL: `MATCH … AGAINST` in boolean mode; SQLite: the FTS5 table `MATCH`, `bm25`), then their cards |
//! | popular tags | the service's own SQL (it is hand-written already) | same |
//! | create post with tags | one statement: `WITH` two `INSERT`s, `SELECT` author ⟕ category ⟕ tags (atomic without `BEGIN`/`COMMIT`) | transaction: `INSERT` post, `INSERT` tags (one multi-row statement), one `SELECT` author ⟕ category ⟕ tags |
//! | 100 notifications | `INSERT … SELECT FROM UNNEST(six arrays) ON CONFLICT DO NOTHING` | one multi-row `INSERT IGNORE` / `INSERT … ON CONFLICT DO NOTHING` |
//!
//! Values the application already knows are not read back (the new post's columns; a new post has no
//! comments or likes); ids are cuid2, generated client-side as the ORM does.

use std::collections::HashMap;

use blog_models::service::{
    AuthorCard, CategoryChip, NotificationInput, PopularTag, PostCard, PostCounts, PostInput,
    TagChip, UserCounts, UserWithStats, generate_slug,
};
use blog_models::{NotificationType, Role, Theme, UserSettings};
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::mysql::MySqlRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{MySql, QueryBuilder, Row, Sqlite};

use crate::blog::PAGE_SIZE;
use crate::floor::Db;

/// The timestamp text the ORM stores in SQLite's TEXT columns.
const SQLITE_DATETIME: &str = "%Y-%m-%d %H:%M:%S%.6f";

fn decode_err(what: &str, v: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what} {v:?}").into())
}

fn role(s: &str) -> sqlx::Result<Role> {
    match s {
        "USER" => Ok(Role::User),
        "MODERATOR" => Ok(Role::Moderator),
        "ADMIN" => Ok(Role::Admin),
        _ => Err(decode_err("role", s)),
    }
}

fn theme(s: &str) -> sqlx::Result<Theme> {
    match s {
        "LIGHT" => Ok(Theme::Light),
        "DARK" => Ok(Theme::Dark),
        "SYSTEM" => Ok(Theme::System),
        _ => Err(decode_err("theme", s)),
    }
}

fn kind(k: NotificationType) -> &'static str {
    match k {
        NotificationType::Like => "LIKE",
        NotificationType::Comment => "COMMENT",
        NotificationType::Follow => "FOLLOW",
        NotificationType::Mention => "MENTION",
        NotificationType::System => "SYSTEM",
    }
}

/// The seed's `fullName`: the name, else the username, else "Anonymous" (empty counts as missing).
fn full_name(name: &Option<String>, username: &Option<String>) -> String {
    [name.as_deref(), username.as_deref()]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty())
        .unwrap_or("Anonymous")
        .to_owned()
}

fn is_recent(created_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    created_at > now - chrono::Duration::days(7)
}

/// `%text%` for `LIKE`, with `\`, `%` and `_` escaped by `\`.
fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

// ------------------------------------------------------------------------------------------------
// User with stats
// ------------------------------------------------------------------------------------------------

macro_rules! user_stats_sql {
    ($role:literal, $theme:literal, $ph:literal) => {
        concat!(
            "SELECT u.id, u.email, u.username, u.name, u.bio, u.image, u.verified, u.role",
            $role,
            ", u.created_at, u.updated_at, u.last_login, \
             s.id, s.profile_private, s.email_notifications, s.push_notifications, s.theme",
            $theme,
            ", s.language, s.timezone, \
             (SELECT COUNT(*) FROM posts x WHERE x.author_id = u.id AND x.published), \
             (SELECT COUNT(*) FROM follows x WHERE x.following_id = u.id), \
             (SELECT COUNT(*) FROM follows x WHERE x.follower_id = u.id), \
             (SELECT COUNT(*) FROM comments x WHERE x.author_id = u.id), \
             (SELECT COUNT(*) FROM likes x WHERE x.user_id = u.id) \
             FROM users u LEFT JOIN user_settings s ON s.user_id = u.id WHERE u.id = ",
            $ph
        )
    };
}

macro_rules! user_stats_row {
    ($r:expr) => {{
        let r = $r;
        let id: String = r.try_get(0)?;
        let name: Option<String> = r.try_get(3)?;
        let username: Option<String> = r.try_get(2)?;
        let settings = match r.try_get::<Option<String>, _>(11)? {
            None => None,
            Some(sid) => Some(UserSettings {
                id: sid,
                user_id: id.clone(),
                profile_private: r.try_get(12)?,
                email_notifications: r.try_get(13)?,
                push_notifications: r.try_get(14)?,
                theme: theme(r.try_get(15)?)?,
                language: r.try_get(16)?,
                timezone: r.try_get(17)?,
                user: Default::default(),
            }),
        };
        UserWithStats {
            email: r.try_get(1)?,
            bio: r.try_get(4)?,
            image: r.try_get(5)?,
            verified: r.try_get(6)?,
            role: role(r.try_get(7)?)?,
            created_at: r.try_get(8)?,
            updated_at: r.try_get(9)?,
            last_login: r.try_get(10)?,
            full_name: full_name(&name, &username),
            settings,
            counts: UserCounts {
                published_posts: r.try_get(18)?,
                followers: r.try_get(19)?,
                following: r.try_get(20)?,
                comments: r.try_get(21)?,
                likes: r.try_get(22)?,
            },
            id,
            name,
            username,
        }
    }};
}

/// The seed's `getUserWithStats`: one statement.
pub async fn user_with_stats(db: &Db, user_id: &str) -> sqlx::Result<Option<UserWithStats>> {
    match db {
        Db::Postgres(p) => {
            sqlx::query(user_stats_sql!("::text", "::text", "$1"))
                .bind(user_id)
                .try_map(|r: PgRow| Ok(user_stats_row!(&r)))
                .fetch_optional(p)
                .await
        }
        Db::MySql(p) => {
            sqlx::query(user_stats_sql!("", "", "?"))
                .bind(user_id)
                .try_map(|r: MySqlRow| Ok(user_stats_row!(&r)))
                .fetch_optional(p)
                .await
        }
        Db::Sqlite(p) => {
            sqlx::query(user_stats_sql!("", "", "?"))
                .bind(user_id)
                .try_map(|r: SqliteRow| Ok(user_stats_row!(&r)))
                .fetch_optional(p)
                .await
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Posts page
// ------------------------------------------------------------------------------------------------

/// Columns 0..23 of a post card row: the post (0..15), its author (15..18), its category (18..21),
/// its comment and like counts (21, 22).
macro_rules! card_cols {
    () => {
        "SELECT p.id, p.title, p.content, p.excerpt, p.published, p.featured, p.view_count, p.slug, \
         p.meta_title, p.meta_description, p.created_at, p.updated_at, p.published_at, p.author_id, \
         p.category_id, u.name, u.username, u.image, c.name, c.slug, c.color, \
         (SELECT COUNT(*) FROM comments x WHERE x.post_id = p.id), \
         (SELECT COUNT(*) FROM likes x WHERE x.post_id = p.id)"
    };
}

macro_rules! card_from {
    () => {
        " FROM posts p JOIN users u ON u.id = p.author_id LEFT JOIN categories c ON c.id = p.category_id"
    };
}

/// PostgreSQL: the tags as columns 23..27 (ids, names, slugs, colours, each ordered by name).
macro_rules! pg_tags {
    () => {
        ", tg.ids, tg.names, tg.slugs, tg.colors"
    };
}

macro_rules! pg_tags_from {
    () => {
        " CROSS JOIN LATERAL (SELECT array_agg(t.id ORDER BY t.name) AS ids, \
         array_agg(t.name ORDER BY t.name) AS names, array_agg(t.slug ORDER BY t.name) AS slugs, \
         array_agg(t.color ORDER BY t.name) AS colors \
         FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id) tg"
    };
}

/// From the cursor (inclusive) in `created_at DESC, id DESC` order, on the posts aliased `$t`;
/// `created_at <= (cursor's)` makes it a range of the `(published, created_at)` index. An unknown
/// cursor matches nothing.
macro_rules! cursor_where {
    ($t:literal, $a:literal, $b:literal, $c:literal) => {
        concat!(
            " AND ",
            $t,
            ".created_at <= (SELECT created_at FROM posts WHERE id = ",
            $a,
            ") AND (",
            $t,
            ".created_at < (SELECT created_at FROM posts WHERE id = ",
            $b,
            ") OR ",
            $t,
            ".id <= ",
            $c,
            ")"
        )
    };
}

/// The page size is a constant of the application, so it is part of the SQL text: with a bound
/// `LIMIT`, PostgreSQL plans the statement again on every execution (a custom plan), which costs
/// about as much as executing it.
macro_rules! page_order {
    () => {
        " ORDER BY p.created_at DESC, p.id DESC LIMIT 21"
    };
}
const _: () = assert!(PAGE_SIZE == 20, "the page SQL reads PAGE_SIZE + 1 rows");

const PG_PAGE: &str = concat!(
    card_cols!(),
    pg_tags!(),
    card_from!(),
    pg_tags_from!(),
    " WHERE p.published = $1",
    page_order!()
);
const PG_PAGE_CURSOR: &str = concat!(
    card_cols!(),
    pg_tags!(),
    card_from!(),
    pg_tags_from!(),
    " WHERE p.published = $1",
    cursor_where!("p", "$2", "$2", "$2"),
    page_order!()
);
const PG_PAGE_SEARCH: &str = concat!(
    card_cols!(),
    pg_tags!(),
    card_from!(),
    pg_tags_from!(),
    " WHERE p.published = $1 AND (p.title ILIKE $2 OR p.content ILIKE $2 OR p.excerpt ILIKE $2)",
    page_order!()
);

/// SQLite: the tags as column 23, a JSON array of `[id, name, slug, color]` ordered by name (one
/// statement: every statement is a hand-off to the connection's worker thread).
macro_rules! sqlite_tags {
    () => {
        ", (SELECT json_group_array(json_array(t.id, t.name, t.slug, t.color) ORDER BY t.name) \
         FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id)"
    };
}

/// MySQL and SQLite: a "deferred join" — the page's ids first (an index range on `posts` alone),
/// then the joins and the correlated counts for those 21 rows only. (Joined directly, SQLite 3.51
/// starts from `users` and sorts every published post; MariaDB computes the counts of every row it
/// sorts.) `?` placeholders are bound in text order.
macro_rules! deferred {
    ($extra:expr; $($cond:expr),+) => {
        concat!(
            card_cols!(),
            $extra,
            " FROM (SELECT q.id FROM posts q WHERE ",
            $($cond,)+
            " ORDER BY q.created_at DESC, q.id DESC LIMIT 21) pg JOIN posts p ON p.id = pg.id \
             JOIN users u ON u.id = p.author_id LEFT JOIN categories c ON c.id = p.category_id \
             ORDER BY p.created_at DESC, p.id DESC"
        )
    };
}

const SQLITE_PAGE: &str = deferred!(sqlite_tags!(); "q.published = ?");
const SQLITE_PAGE_CURSOR: &str =
    deferred!(sqlite_tags!(); "q.published = ?", cursor_where!("q", "?", "?", "?"));
const SQLITE_PAGE_SEARCH: &str = deferred!(sqlite_tags!();
    "q.published = ? AND (q.title LIKE ? ESCAPE '\\' OR q.content LIKE ? ESCAPE '\\' OR q.excerpt LIKE ? ESCAPE '\\')"
);

/// (With the tie-break `id ASC`, MariaDB could not read the order from the `(published, created_at)`
/// index and sorted every candidate row.) The page first looks up the `created_at` of its 21st row
/// (`ORDER BY created_at DESC` alone is an index scan that stops there), and the page query is
/// then a short index range (`created_at >= ?`) sorted in memory.
const MYSQL_BOUND: &str =
    "SELECT created_at FROM posts WHERE published = ? ORDER BY created_at DESC LIMIT 1 OFFSET 20";
const MYSQL_BOUND_CURSOR: &str = concat!(
    "SELECT created_at FROM posts q WHERE q.published = ?",
    cursor_where!("q", "?", "?", "?"),
    " ORDER BY q.created_at DESC LIMIT 1 OFFSET 20"
);
const MYSQL_PAGE: &str = deferred!(""; "q.published = ? AND q.created_at >= ?");
const MYSQL_PAGE_CURSOR: &str =
    deferred!(""; "q.published = ? AND q.created_at >= ?", cursor_where!("q", "?", "?", "?"));
const MYSQL_PAGE_SEARCH: &str = deferred!("";
    "q.published = ? AND (LOWER(q.title) LIKE ? OR LOWER(q.content) LIKE ? OR LOWER(q.excerpt) LIKE ?)"
);

/// The lower bound when the page has fewer than 21 rows: MySQL's smallest `DATETIME`.
fn mysql_min_datetime() -> DateTime<Utc> {
    DateTime::from_timestamp(-30_610_224_000, 0).expect("1000-01-01 is a valid timestamp")
}

macro_rules! card_row {
    ($r:expr, $now:expr) => {{
        let r = $r;
        let created_at: DateTime<Utc> = r.try_get(10)?;
        let author_id: String = r.try_get(13)?;
        let category_id: Option<String> = r.try_get(14)?;
        let name: Option<String> = r.try_get(15)?;
        let username: Option<String> = r.try_get(16)?;
        let category = match (r.try_get::<Option<String>, _>(18)?, &category_id) {
            (Some(cname), Some(cid)) => Some(CategoryChip {
                id: cid.clone(),
                name: cname,
                slug: r.try_get(19)?,
                color: r.try_get(20)?,
            }),
            _ => None,
        };
        PostCard {
            id: r.try_get(0)?,
            title: r.try_get(1)?,
            content: r.try_get(2)?,
            excerpt: r.try_get(3)?,
            published: r.try_get(4)?,
            featured: r.try_get(5)?,
            view_count: r.try_get(6)?,
            slug: r.try_get(7)?,
            meta_title: r.try_get(8)?,
            meta_description: r.try_get(9)?,
            created_at,
            updated_at: r.try_get(11)?,
            published_at: r.try_get(12)?,
            is_recent: is_recent(created_at, $now),
            author: AuthorCard {
                id: author_id.clone(),
                full_name: full_name(&name, &username),
                name,
                username,
                image: r.try_get(17)?,
            },
            author_id,
            category_id,
            category,
            tags: Vec::new(),
            counts: PostCounts {
                comments: r.try_get(21)?,
                likes: r.try_get(22)?,
            },
        }
    }};
}

fn pg_card(r: &PgRow, now: DateTime<Utc>) -> sqlx::Result<PostCard> {
    let mut card = card_row!(r, now);
    if let Some(ids) = r.try_get::<Option<Vec<String>>, _>(23)? {
        let names: Vec<String> = r.try_get(24)?;
        let slugs: Vec<String> = r.try_get(25)?;
        let colors: Vec<Option<String>> = r.try_get(26)?;
        card.tags = ids
            .into_iter()
            .zip(names)
            .zip(slugs)
            .zip(colors)
            .map(|(((id, name), slug), color)| TagChip {
                id,
                name,
                slug,
                color,
            })
            .collect();
    }
    Ok(card)
}

fn sqlite_card(r: &SqliteRow, now: DateTime<Utc>) -> sqlx::Result<PostCard> {
    let mut card = card_row!(r, now);
    let tags: Vec<(String, String, String, Option<String>)> =
        serde_json::from_str(r.try_get(23)?).map_err(|e| sqlx::Error::Decode(e.into()))?;
    card.tags = tags
        .into_iter()
        .map(|(id, name, slug, color)| TagChip {
            id,
            name,
            slug,
            color,
        })
        .collect();
    Ok(card)
}

/// A page of `limit` cards: reads `limit + 1` rows to know whether a next page exists.
fn split_page(mut cards: Vec<PostCard>, limit: usize) -> (Vec<PostCard>, Option<String>) {
    let next = if cards.len() > limit {
        cards.pop().map(|c| c.id)
    } else {
        None
    };
    (cards, next)
}

/// The page's tags by post, ordered by name (MySQL, SQLite).
macro_rules! attach_tags {
    ($db:ty, $conn:expr, $cards:expr) => {{
        if !$cards.is_empty() {
            let mut q = QueryBuilder::<$db>::new(
                "SELECT pt.post_id, t.id, t.name, t.slug, t.color FROM post_tags pt \
                 JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id IN (",
            );
            let mut sep = q.separated(", ");
            for c in $cards.iter() {
                sep.push_bind(c.id.as_str());
            }
            q.push(") ORDER BY t.name");
            let rows: Vec<(String, String, String, String, Option<String>)> =
                q.build_query_as().fetch_all($conn).await?;
            let mut by_post: HashMap<String, Vec<TagChip>> = HashMap::with_capacity($cards.len());
            for (post_id, id, name, slug, color) in rows {
                by_post.entry(post_id).or_default().push(TagChip {
                    id,
                    name,
                    slug,
                    color,
                });
            }
            for c in $cards.iter_mut() {
                c.tags = by_post.remove(&c.id).unwrap_or_default();
            }
        }
    }};
}

/// The seed's `getPostsPaginated` for published posts: [`PAGE_SIZE`] cards newest first (ties by
/// id), from `cursor` (inclusive) when given, matching `search` in title, content or excerpt (any
/// case) when given. Returns the cards and the next page's cursor.
pub async fn posts_page(
    db: &Db,
    cursor: Option<&str>,
    search: Option<&str>,
) -> sqlx::Result<(Vec<PostCard>, Option<String>)> {
    let now = Utc::now();
    let limit = PAGE_SIZE as usize;
    match db {
        Db::Postgres(p) => {
            let map = move |r: PgRow| pg_card(&r, now);
            let cards = match (cursor, search) {
                (Some(c), _) => {
                    sqlx::query(PG_PAGE_CURSOR)
                        .bind(true)
                        .bind(c)
                        .try_map(map)
                        .fetch_all(p)
                        .await?
                }
                (None, Some(s)) => {
                    sqlx::query(PG_PAGE_SEARCH)
                        .bind(true)
                        .bind(contains_pattern(s))
                        .try_map(map)
                        .fetch_all(p)
                        .await?
                }
                (None, None) => {
                    sqlx::query(PG_PAGE)
                        .bind(true)
                        .try_map(map)
                        .fetch_all(p)
                        .await?
                }
            };
            Ok(split_page(cards, limit))
        }
        Db::MySql(p) => {
            let mut conn = p.acquire().await?;
            let map = move |r: MySqlRow| Ok(card_row!(&r, now));
            let cards = match (cursor, search) {
                (Some(c), _) => {
                    let bound: Option<DateTime<Utc>> = sqlx::query_scalar(MYSQL_BOUND_CURSOR)
                        .bind(true)
                        .bind(c)
                        .bind(c)
                        .bind(c)
                        .fetch_optional(&mut *conn)
                        .await?;
                    sqlx::query(MYSQL_PAGE_CURSOR)
                        .bind(true)
                        .bind(bound.unwrap_or_else(mysql_min_datetime))
                        .bind(c)
                        .bind(c)
                        .bind(c)
                        .try_map(map)
                        .fetch_all(&mut *conn)
                        .await?
                }
                (None, Some(s)) => {
                    let pat = contains_pattern(&s.to_lowercase());
                    sqlx::query(MYSQL_PAGE_SEARCH)
                        .bind(true)
                        .bind(&pat)
                        .bind(&pat)
                        .bind(&pat)
                        .try_map(map)
                        .fetch_all(&mut *conn)
                        .await?
                }
                (None, None) => {
                    let bound: Option<DateTime<Utc>> = sqlx::query_scalar(MYSQL_BOUND)
                        .bind(true)
                        .fetch_optional(&mut *conn)
                        .await?;
                    sqlx::query(MYSQL_PAGE)
                        .bind(true)
                        .bind(bound.unwrap_or_else(mysql_min_datetime))
                        .try_map(map)
                        .fetch_all(&mut *conn)
                        .await?
                }
            };
            let (mut cards, next) = split_page(cards, limit);
            attach_tags!(MySql, &mut *conn, cards);
            Ok((cards, next))
        }
        Db::Sqlite(p) => {
            let map = move |r: SqliteRow| sqlite_card(&r, now);
            let cards = match (cursor, search) {
                (Some(c), _) => {
                    sqlx::query(SQLITE_PAGE_CURSOR)
                        .bind(true)
                        .bind(c)
                        .bind(c)
                        .bind(c)
                        .try_map(map)
                        .fetch_all(p)
                        .await?
                }
                (None, Some(s)) => {
                    let pat = contains_pattern(s);
                    sqlx::query(SQLITE_PAGE_SEARCH)
                        .bind(true)
                        .bind(&pat)
                        .bind(&pat)
                        .bind(&pat)
                        .try_map(map)
                        .fetch_all(p)
                        .await?
                }
                (None, None) => {
                    sqlx::query(SQLITE_PAGE)
                        .bind(true)
                        .try_map(map)
                        .fetch_all(p)
                        .await?
                }
            };
            Ok(split_page(cards, limit))
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Full-text search
// ------------------------------------------------------------------------------------------------

/// The posts' weighted English `tsvector` (the expression their GIN index is built on).
macro_rules! pg_vector {
    () => {
        "(setweight(to_tsvector('english', COALESCE(p.title, '')), 'A') || \
         setweight(to_tsvector('english', COALESCE(p.content, '')), 'D'))"
    };
}

const PG_SEARCH: &str = concat!(
    card_cols!(),
    pg_tags!(),
    card_from!(),
    pg_tags_from!(),
    " WHERE p.published = $1 AND ",
    pg_vector!(),
    " @@ websearch_to_tsquery('english', $2) ORDER BY ts_rank_cd(",
    pg_vector!(),
    ", websearch_to_tsquery('english', $2)) DESC, p.created_at DESC, p.id ASC LIMIT 10"
);

/// The ten best matches from the FTS5 table (`bm25`, title weighted 1.0 and content 0.1), then
/// their cards.
const SQLITE_SEARCH: &str = concat!(
    card_cols!(),
    sqlite_tags!(),
    " FROM (SELECT q.id, q.created_at, bm25(posts_title_content_fts, 1.0, 0.1) AS r \
     FROM posts_title_content_fts JOIN posts q ON q.rowid = posts_title_content_fts.rowid \
     WHERE posts_title_content_fts MATCH ? AND q.published = ? \
     ORDER BY r, q.created_at DESC, q.id ASC LIMIT 10) pg JOIN posts p ON p.id = pg.id \
     JOIN users u ON u.id = p.author_id LEFT JOIN categories c ON c.id = p.category_id \
     ORDER BY pg.r, p.created_at DESC, p.id ASC"
);

/// The ten best matches by the `FULLTEXT` index's score, then their cards.
const MYSQL_SEARCH: &str = concat!(
    card_cols!(),
    " FROM (SELECT q.id, q.created_at, \
     MATCH (q.posts_title_content_fts_1, q.posts_title_content_fts_2) AGAINST (? IN BOOLEAN MODE) AS r \
     FROM posts q WHERE q.published = ? AND \
     MATCH (q.posts_title_content_fts_1, q.posts_title_content_fts_2) AGAINST (? IN BOOLEAN MODE) \
     ORDER BY r DESC, q.created_at DESC, q.id ASC LIMIT 10) pg JOIN posts p ON p.id = pg.id \
     JOIN users u ON u.id = p.author_id LEFT JOIN categories c ON c.id = p.category_id \
     ORDER BY pg.r DESC, p.created_at DESC, p.id ASC"
);

/// The seed's `searchPosts`: the ten published posts matching every word of `words` (plain
/// words), best first (ties newest first, then by id), through the posts' full-text index.
pub async fn search_posts(db: &Db, words: &str) -> sqlx::Result<Vec<PostCard>> {
    let now = Utc::now();
    match db {
        Db::Postgres(p) => {
            sqlx::query(PG_SEARCH)
                .bind(true)
                .bind(words)
                .try_map(move |r: PgRow| pg_card(&r, now))
                .fetch_all(p)
                .await
        }
        Db::MySql(p) => {
            let mut conn = p.acquire().await?;
            let boolean: Vec<String> = words.split_whitespace().map(|w| format!("+{w}")).collect();
            let boolean = boolean.join(" ");
            let mut cards = sqlx::query(MYSQL_SEARCH)
                .bind(&boolean)
                .bind(true)
                .bind(&boolean)
                .try_map(move |r: MySqlRow| Ok(card_row!(&r, now)))
                .fetch_all(&mut *conn)
                .await?;
            attach_tags!(MySql, &mut *conn, cards);
            Ok(cards)
        }
        Db::Sqlite(p) => {
            let quoted: Vec<String> = words
                .split_whitespace()
                .map(|w| format!("\"{w}\""))
                .collect();
            sqlx::query(SQLITE_SEARCH)
                .bind(quoted.join(" AND "))
                .bind(true)
                .try_map(move |r: SqliteRow| sqlite_card(&r, now))
                .fetch_all(p)
                .await
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Popular tags
// ------------------------------------------------------------------------------------------------

macro_rules! popular_sql {
    ($p1:literal, $p2:literal) => {
        concat!(
            "SELECT t.id, t.name, t.slug, COUNT(*) AS post_count FROM tags t \
             JOIN post_tags pt ON pt.tag_id = t.id JOIN posts p ON p.id = pt.post_id \
             WHERE p.published = ",
            $p1,
            " GROUP BY t.id, t.name, t.slug ORDER BY post_count DESC, t.name ASC LIMIT ",
            $p2
        )
    };
}

/// The seed's `getPopularTags`.
pub async fn popular_tags(db: &Db, limit: i64) -> sqlx::Result<Vec<PopularTag>> {
    let rows: Vec<(String, String, String, i64)> = match db {
        Db::Postgres(p) => {
            sqlx::query_as(popular_sql!("$1", "$2"))
                .bind(true)
                .bind(limit)
                .fetch_all(p)
                .await?
        }
        Db::MySql(p) => {
            sqlx::query_as(popular_sql!("?", "?"))
                .bind(true)
                .bind(limit)
                .fetch_all(p)
                .await?
        }
        Db::Sqlite(p) => {
            sqlx::query_as(popular_sql!("?", "?"))
                .bind(true)
                .bind(limit)
                .fetch_all(p)
                .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|(id, name, slug, post_count)| PopularTag {
            id,
            name,
            slug,
            post_count,
        })
        .collect())
}

// ------------------------------------------------------------------------------------------------
// Create post with tags
// ------------------------------------------------------------------------------------------------

/// PostgreSQL: both inserts and the read of author, category and tags in one (atomic) statement.
const PG_CREATE_POST: &str = "WITH np AS (\
       INSERT INTO posts (id, title, content, excerpt, published, featured, view_count, slug, \
       created_at, updated_at, author_id, category_id) \
       VALUES ($1, $2, $3, $4, false, false, 0, $5, $6, $6, $7, $8)), \
     npt AS (INSERT INTO post_tags (post_id, tag_id) SELECT $1, unnest($9::text[])) \
     SELECT u.name, u.username, u.image, c.name, c.slug, c.color, t.id, t.name, t.slug, t.color \
     FROM users u LEFT JOIN categories c ON c.id = $8 LEFT JOIN tags t ON t.id = ANY($9) \
     WHERE u.id = $7 ORDER BY t.name";

/// MySQL, SQLite: what the card needs of author, category and tags, one row per tag.
macro_rules! card_parts_query {
    ($db:ty, $input:expr, $tags:expr) => {{
        let mut q = QueryBuilder::<$db>::new(
            "SELECT u.name, u.username, u.image, c.name, c.slug, c.color, t.id, t.name, t.slug, t.color \
             FROM users u LEFT JOIN categories c ON c.id = ",
        );
        q.push_bind($input.category_id.as_deref());
        q.push(" LEFT JOIN tags t ON t.id IN (");
        let mut sep = q.separated(", ");
        if $tags.is_empty() {
            sep.push("NULL");
        }
        for t in $tags {
            sep.push_bind(t.as_str());
        }
        q.push(") WHERE u.id = ");
        q.push_bind($input.author_id.as_str());
        q.push(" ORDER BY t.name");
        q
    }};
}

type CardParts = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

macro_rules! post_tags_insert {
    ($db:ty, $id:expr, $tags:expr) => {{
        let mut q = QueryBuilder::<$db>::new("INSERT INTO post_tags (post_id, tag_id) ");
        q.push_values($tags, |mut b, t| {
            b.push_bind($id.as_str()).push_bind(t.as_str());
        });
        q
    }};
}

const INSERT_POST: &str = "INSERT INTO posts (id, title, content, excerpt, published, featured, view_count, slug, \
     created_at, updated_at, author_id, category_id) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)";

/// The card of the new post from what the application sent and the rows read back.
fn new_card(
    id: String,
    input: PostInput,
    slug: String,
    at: DateTime<Utc>,
    rows: Vec<CardParts>,
) -> sqlx::Result<PostCard> {
    let mut rows = rows.into_iter();
    let first = rows.next().ok_or(sqlx::Error::RowNotFound)?;
    let (name, username, image, cname, cslug, ccolor, t_id, t_name, t_slug, t_color) = first;
    let mut tags = Vec::new();
    let mut push =
        |id: Option<String>, name: Option<String>, slug: Option<String>, color: Option<String>| {
            if let (Some(id), Some(name), Some(slug)) = (id, name, slug) {
                tags.push(TagChip {
                    id,
                    name,
                    slug,
                    color,
                });
            }
        };
    push(t_id, t_name, t_slug, t_color);
    for (.., id, name, slug, color) in rows {
        push(id, name, slug, color);
    }
    let category = match (&input.category_id, cname, cslug) {
        (Some(id), Some(name), Some(slug)) => Some(CategoryChip {
            id: id.clone(),
            name,
            slug,
            color: ccolor,
        }),
        _ => None,
    };
    Ok(PostCard {
        id,
        title: input.title,
        content: input.content,
        excerpt: input.excerpt,
        published: false,
        featured: false,
        view_count: 0,
        slug,
        meta_title: None,
        meta_description: None,
        created_at: at,
        updated_at: at,
        published_at: None,
        is_recent: true,
        author: AuthorCard {
            id: input.author_id.clone(),
            full_name: full_name(&name, &username),
            name,
            username,
            image,
        },
        author_id: input.author_id,
        category_id: input.category_id,
        category,
        tags,
        counts: PostCounts::default(),
    })
}

/// The seed's `createPostWithTags`: the post and its tags atomically, returned as a card.
pub async fn create_post_with_tags(
    db: &Db,
    input: PostInput,
    tag_ids: &[String],
) -> sqlx::Result<PostCard> {
    let id = cuid2::create_id();
    let slug = generate_slug(&input.title);
    let at = Utc::now().trunc_subsecs(6);
    let rows: Vec<CardParts> = match db {
        Db::Postgres(p) => {
            sqlx::query_as(PG_CREATE_POST)
                .bind(&id)
                .bind(&input.title)
                .bind(&input.content)
                .bind(&input.excerpt)
                .bind(&slug)
                .bind(at)
                .bind(&input.author_id)
                .bind(&input.category_id)
                .bind(tag_ids)
                .fetch_all(p)
                .await?
        }
        Db::MySql(p) => {
            let mut tx = p.begin().await?;
            sqlx::query(INSERT_POST)
                .bind(&id)
                .bind(&input.title)
                .bind(&input.content)
                .bind(&input.excerpt)
                .bind(false)
                .bind(false)
                .bind(&slug)
                .bind(at)
                .bind(at)
                .bind(&input.author_id)
                .bind(&input.category_id)
                .execute(&mut *tx)
                .await?;
            if !tag_ids.is_empty() {
                post_tags_insert!(MySql, id, tag_ids)
                    .build()
                    .execute(&mut *tx)
                    .await?;
            }
            let rows = card_parts_query!(MySql, input, tag_ids)
                .build_query_as()
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows
        }
        Db::Sqlite(p) => {
            let text = at.format(SQLITE_DATETIME).to_string();
            let mut tx = p.begin().await?;
            sqlx::query(INSERT_POST)
                .bind(&id)
                .bind(&input.title)
                .bind(&input.content)
                .bind(&input.excerpt)
                .bind(false)
                .bind(false)
                .bind(&slug)
                .bind(&text)
                .bind(&text)
                .bind(&input.author_id)
                .bind(&input.category_id)
                .execute(&mut *tx)
                .await?;
            if !tag_ids.is_empty() {
                post_tags_insert!(Sqlite, id, tag_ids)
                    .build()
                    .execute(&mut *tx)
                    .await?;
            }
            let rows = card_parts_query!(Sqlite, input, tag_ids)
                .build_query_as()
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows
        }
    };
    new_card(id, input, slug, at, rows)
}

// ------------------------------------------------------------------------------------------------
// Batch of notifications
// ------------------------------------------------------------------------------------------------

const PG_NOTIFY: &str = "INSERT INTO notifications (id, type, title, message, recipient_id, sender_id, created_at) \
     SELECT n.id, n.type::notification_type, n.title, n.message, n.recipient_id, n.sender_id, $7 \
     FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) \
       AS n(id, type, title, message, recipient_id, sender_id) \
     ON CONFLICT DO NOTHING";

macro_rules! notify_values {
    ($db:ty, $head:literal, $tail:literal, $rows:expr, $at:expr) => {{
        let mut q = QueryBuilder::<$db>::new($head);
        q.push_values($rows, |mut b, n| {
            b.push_bind(n.id.unwrap_or_else(cuid2::create_id))
                .push_bind(kind(n.kind))
                .push_bind(n.title)
                .push_bind(n.message)
                .push_bind(n.recipient_id)
                .push_bind(n.sender_id)
                .push_bind($at.clone());
        });
        q.push($tail);
        q
    }};
}

/// The seed's `batchCreateNotifications`: one statement, rows whose id exists already skipped.
pub async fn batch_create_notifications(
    db: &Db,
    rows: Vec<NotificationInput>,
) -> sqlx::Result<u64> {
    let at = Utc::now().trunc_subsecs(6);
    Ok(match db {
        Db::Postgres(p) => {
            let n = rows.len();
            let (mut ids, mut kinds, mut titles, mut messages, mut recipients, mut senders) = (
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
            );
            for r in rows {
                ids.push(r.id.unwrap_or_else(cuid2::create_id));
                kinds.push(kind(r.kind));
                titles.push(r.title);
                messages.push(r.message);
                recipients.push(r.recipient_id);
                senders.push(r.sender_id);
            }
            sqlx::query(PG_NOTIFY)
                .bind(ids)
                .bind(kinds)
                .bind(titles)
                .bind(messages)
                .bind(recipients)
                .bind(senders)
                .bind(at)
                .execute(p)
                .await?
                .rows_affected()
        }
        Db::MySql(p) => notify_values!(
            MySql,
            "INSERT IGNORE INTO notifications (id, type, title, message, recipient_id, sender_id, created_at) ",
            "",
            rows,
            at
        )
        .build()
        .execute(p)
        .await?
        .rows_affected(),
        Db::Sqlite(p) => {
            let at = at.format(SQLITE_DATETIME).to_string();
            notify_values!(
                Sqlite,
                "INSERT INTO notifications (id, type, title, message, recipient_id, sender_id, created_at) ",
                " ON CONFLICT DO NOTHING",
                rows,
                at
            )
            .build()
            .execute(p)
            .await?
            .rows_affected()
        }
    })
}
