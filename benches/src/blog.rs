//! The seed's workload: `blog_models::DatabaseService` on a scaled seed data set, against hand-written
//! sqlx ([`crate::blog_floor`]) returning the same values.
//!
//! The data set is `blog_models::seed` at [`seed_size`] (1 001 users, 10 000 posts, 32 000 comments,
//! 40 000 likes, 44 000 notifications), created once per backend in its own database
//! (`orm_bench_blog`; a separate SQLite file), since the blog's `users`/`posts`/`comments` tables
//! are not the classic benchmark's. The two write workloads delete what they created after every
//! round (untimed), so the data set does not drift.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

use blog_models::seed::{SeedSize, category_id, post_id, tag_id, user_id};
use blog_models::service::{
    DatabaseService, NotificationInput, PopularTag, PostCard, PostFilters, PostInput, PostPage,
    UserWithStats, generate_slug,
};
use blog_models::{NotificationType, UserSettings};
use orm_runtime::{Client, Strategy};

use crate::data::{AnyResult, Fp};
use crate::{Backend, Imp, blog_floor, floor, ours};

/// ≥ 1 000 users, 10 000 posts, 30 000 comments: 1 000 regular users (and the admin) with 10 posts
/// each, 8 000 of them published; 2 comments with 1 reply each per published post (32 000); the
/// seed's timeline (from 2024-01-01).
pub fn seed_size() -> SeedSize {
    SeedSize {
        users: 1000,
        posts_per_user: 10,
        comments_per_post: 2,
        replies_per_comment: 1,
        likes_per_post: 3,
        follows_per_user: 3,
        ..SeedSize::default()
    }
}

/// Posts per page.
pub const PAGE_SIZE: u32 = 20;
/// The user `user_with_stats` reads.
const STATS_USER: usize = 42;
/// The cursor of the cursor page: a post in the middle of the timeline.
const CURSOR_POST: usize = 5001;
/// The search text of the search page (matches posts 42, 420–429 and 4200–4299).
const SEARCH: &str = "post 42";
/// `search_posts` (full-text, by relevance): a selective query (post 42 alone on PostgreSQL and
/// SQLite; MySQL/MariaDB index no word shorter than 3 characters, so every post with `post`) and
/// a broad one (every published post).
const FULLTEXT: &str = "post 42";
const FULLTEXT_BROAD: &str = "detailed information";
/// Results of `search_posts`.
const SEARCH_LIMIT: u32 = 10;
/// Rows of `popular_tags`.
const POPULAR_TAGS: u32 = 10;
/// Notifications per batch.
pub const NOTIFICATIONS: usize = 100;

/// One operation of the seed's `DatabaseService`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SeedOp {
    UserStats,
    Page,
    PageCursor,
    PageSearch,
    FullText,
    FullTextBroad,
    PopularTags,
    CreatePost,
    Notifications,
}

impl SeedOp {
    pub const ALL: [SeedOp; 9] = [
        SeedOp::UserStats,
        SeedOp::Page,
        SeedOp::PageCursor,
        SeedOp::PageSearch,
        SeedOp::FullText,
        SeedOp::FullTextBroad,
        SeedOp::PopularTags,
        SeedOp::CreatePost,
        SeedOp::Notifications,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SeedOp::UserStats => "seed_user_stats",
            SeedOp::Page => "seed_posts_page",
            SeedOp::PageCursor => "seed_posts_cursor",
            SeedOp::PageSearch => "seed_posts_search",
            SeedOp::FullText => "seed_search_posts",
            SeedOp::FullTextBroad => "seed_search_posts_broad",
            SeedOp::PopularTags => "seed_popular_tags",
            SeedOp::CreatePost => "seed_create_post",
            SeedOp::Notifications => "seed_notifications",
        }
    }

    pub fn title(self) -> String {
        match self {
            SeedOp::UserStats => "user with stats".into(),
            SeedOp::Page => format!("posts page ({PAGE_SIZE})"),
            SeedOp::PageCursor => format!("posts page ({PAGE_SIZE}) with cursor"),
            SeedOp::PageSearch => format!("posts page ({PAGE_SIZE}) with search"),
            SeedOp::FullText => format!("full-text search ({SEARCH_LIMIT}, by relevance)"),
            SeedOp::FullTextBroad => {
                format!("full-text search ({SEARCH_LIMIT}, by relevance), every post matching")
            }
            SeedOp::PopularTags => "popular tags".into(),
            SeedOp::CreatePost => "create post with tags (transaction)".into(),
            SeedOp::Notifications => format!("create {NOTIFICATIONS} notifications"),
        }
    }

    /// Whether the operation loads relations (so the load strategy matters).
    pub fn loads_relations(self) -> bool {
        !matches!(self, SeedOp::PopularTags | SeedOp::Notifications)
    }

    /// Prisma 7's median on PostgreSQL on this machine class, in ms (reference numbers from the
    /// project's brief; not measured by this harness).
    pub fn prisma_p50_ms(self) -> Option<f64> {
        match self {
            SeedOp::UserStats => Some(7.8),
            SeedOp::Page => Some(11.5),
            SeedOp::PageCursor => Some(62.0),
            SeedOp::CreatePost => Some(2.7),
            SeedOp::Notifications => Some(11.7),
            _ => None,
        }
    }
}

/// The blog database's pools and services.
pub struct BlogCtx {
    /// What the seed data set holds, for the report.
    pub data_set: String,
    floor: floor::Db,
    /// `DatabaseService::new`: the backend's default strategy (operations without relations).
    service: DatabaseService,
    query: DatabaseService,
    join: DatabaseService,
    seq: AtomicUsize,
}

/// Creates the blog database afresh, pushes `blog_models::schema()` and seeds it at [`seed_size`].
pub async fn setup(
    backend: Backend,
    postgres_url: &str,
    mysql_url: &str,
    pool: u32,
) -> AnyResult<BlogCtx> {
    const DB: &str = "orm_bench_blog";
    let url = match backend {
        Backend::Postgres => {
            let server = sqlx::PgPool::connect(postgres_url).await?;
            sqlx::raw_sql("DROP DATABASE IF EXISTS orm_bench_blog WITH (FORCE)")
                .execute(&server)
                .await?;
            sqlx::raw_sql("CREATE DATABASE orm_bench_blog")
                .execute(&server)
                .await?;
            server.close().await;
            crate::with_db(postgres_url, DB)
        }
        Backend::MySql => {
            let server = sqlx::MySqlPool::connect(mysql_url).await?;
            sqlx::raw_sql("DROP DATABASE IF EXISTS orm_bench_blog; CREATE DATABASE orm_bench_blog")
                .execute(&server)
                .await?;
            server.close().await;
            crate::with_db(mysql_url, DB)
        }
        Backend::Sqlite => {
            let path = std::env::temp_dir().join("orm_bench_blog.sqlite");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            format!("sqlite://{}?mode=rwc", path.display())
        }
    };
    let ours: Client = ours::connect(&url, pool).await?;
    blog_models::schema().push(&ours).await?;
    let started = std::time::Instant::now();
    let s = blog_models::seed::seed(&ours, seed_size()).await?;
    let data_set = format!(
        "{} users, {} posts ({} published, {} post–tag links), {} comments, {} likes, {} follows, {} notifications",
        s.users,
        s.posts,
        s.published_posts,
        s.post_tags,
        s.comments,
        s.likes,
        s.follows,
        s.notifications
    );
    eprintln!(
        "-- seed data set: {data_set} (inserted in {:.1?})",
        started.elapsed()
    );
    let floor = floor::connect(&url, pool).await?;
    let analyze = match backend {
        Backend::Postgres => "ANALYZE",
        Backend::MySql => {
            "ANALYZE TABLE users, user_settings, posts, categories, tags, post_tags, comments, likes, follows, notifications"
        }
        Backend::Sqlite => "ANALYZE",
    };
    exec(&floor, analyze).await?;
    Ok(BlogCtx {
        data_set,
        floor,
        service: DatabaseService::new(ours.clone()),
        query: DatabaseService::new(ours.clone()).with_strategy(Strategy::Query),
        join: DatabaseService::new(ours).with_strategy(Strategy::Join),
        seq: AtomicUsize::new(0),
    })
}

async fn exec(db: &floor::Db, sql: &'static str) -> AnyResult<()> {
    match db {
        floor::Db::Postgres(p) => drop(sqlx::raw_sql(sql).execute(p).await?),
        floor::Db::MySql(p) => drop(sqlx::raw_sql(sql).execute(p).await?),
        floor::Db::Sqlite(p) => drop(sqlx::raw_sql(sql).execute(p).await?),
    }
    Ok(())
}

// Inputs, identical for every implementation.

const NOTIFICATION_TITLE: &str = "Scheduled maintenance";

fn post_input(seq: usize) -> PostInput {
    PostInput {
        title: format!("Bench post {seq}"),
        content: "A post written by the benchmark: created with its tags in one transaction, read back as a \
                  card, deleted after the round."
            .into(),
        excerpt: Some("Written by the benchmark".into()),
        author_id: user_id(7),
        category_id: Some(category_id("design")),
    }
}

fn post_tags() -> Vec<String> {
    ["react", "prisma", "docker"]
        .into_iter()
        .map(tag_id)
        .collect()
}

/// A broadcast from the admin to users 1..=100.
fn notifications() -> Vec<NotificationInput> {
    (1..=NOTIFICATIONS)
        .map(|i| NotificationInput {
            id: None,
            recipient_id: user_id(i),
            sender_id: Some(user_id(0)),
            kind: NotificationType::System,
            title: NOTIFICATION_TITLE.into(),
            message: "The blog is read-only on Sunday from 02:00 to 03:00 UTC.".into(),
        })
        .collect()
}

impl BlogCtx {
    pub async fn run(&self, imp: Imp, op: SeedOp) -> AnyResult<Fp> {
        let service = match imp {
            Imp::Sqlx => return self.floor(op).await,
            Imp::Ours => &self.service,
            Imp::OursIncludeQuery => &self.query,
            Imp::OursIncludeJoin => &self.join,
            _ => return Err(format!("{} has no seed workload", imp.name()).into()),
        };
        Ok(match op {
            SeedOp::UserStats => fp_user(&service.user_with_stats(&user_id(STATS_USER)).await?),
            SeedOp::Page => fp_page(
                &service
                    .posts_paginated(None, PAGE_SIZE, &PostFilters::default())
                    .await?,
            ),
            SeedOp::PageCursor => {
                let cursor = post_id(CURSOR_POST);
                fp_page(
                    &service
                        .posts_paginated(Some(&cursor), PAGE_SIZE, &PostFilters::default())
                        .await?,
                )
            }
            SeedOp::PageSearch => {
                let filters = PostFilters {
                    search: Some(SEARCH.into()),
                    ..PostFilters::default()
                };
                fp_page(&service.posts_paginated(None, PAGE_SIZE, &filters).await?)
            }
            SeedOp::FullText => fp_cards(&service.search_posts(FULLTEXT, SEARCH_LIMIT).await?),
            SeedOp::FullTextBroad => {
                fp_cards(&service.search_posts(FULLTEXT_BROAD, SEARCH_LIMIT).await?)
            }
            SeedOp::PopularTags => fp_tags(&service.popular_tags(POPULAR_TAGS).await?),
            SeedOp::CreatePost => {
                let seq = self.seq.fetch_add(1, Ordering::Relaxed);
                fp_new_post(
                    &service
                        .create_post_with_tags(post_input(seq), &post_tags())
                        .await?,
                )
            }
            SeedOp::Notifications => {
                Fp::rows(service.batch_create_notifications(notifications()).await?)
            }
        })
    }

    async fn floor(&self, op: SeedOp) -> AnyResult<Fp> {
        let db = &self.floor;
        let page = |cards, next: Option<String>| PostPage {
            posts: cards,
            has_next_page: next.is_some(),
            next_cursor: next,
        };
        Ok(match op {
            SeedOp::UserStats => {
                fp_user(&blog_floor::user_with_stats(db, &user_id(STATS_USER)).await?)
            }
            SeedOp::Page => {
                let (cards, next) = blog_floor::posts_page(db, None, None).await?;
                fp_page(&page(cards, next))
            }
            SeedOp::PageCursor => {
                let cursor = post_id(CURSOR_POST);
                let (cards, next) = blog_floor::posts_page(db, Some(&cursor), None).await?;
                fp_page(&page(cards, next))
            }
            SeedOp::PageSearch => {
                let (cards, next) = blog_floor::posts_page(db, None, Some(SEARCH)).await?;
                fp_page(&page(cards, next))
            }
            SeedOp::FullText => fp_cards(&blog_floor::search_posts(db, FULLTEXT).await?),
            SeedOp::FullTextBroad => fp_cards(&blog_floor::search_posts(db, FULLTEXT_BROAD).await?),
            SeedOp::PopularTags => {
                fp_tags(&blog_floor::popular_tags(db, POPULAR_TAGS.into()).await?)
            }
            SeedOp::CreatePost => {
                let seq = self.seq.fetch_add(1, Ordering::Relaxed);
                fp_new_post(
                    &blog_floor::create_post_with_tags(db, post_input(seq), &post_tags()).await?,
                )
            }
            SeedOp::Notifications => {
                Fp::rows(blog_floor::batch_create_notifications(db, notifications()).await?)
            }
        })
    }

    /// Deletes what the write workloads created (untimed, after every round).
    pub async fn cleanup(&self, op: SeedOp) -> AnyResult<()> {
        match op {
            SeedOp::CreatePost => {
                exec(
                    &self.floor,
                    "DELETE FROM post_tags WHERE post_id IN (SELECT id FROM posts WHERE slug LIKE 'bench-post-%'); \
                     DELETE FROM posts WHERE slug LIKE 'bench-post-%'",
                )
                .await
            }
            SeedOp::Notifications => {
                exec(
                    &self.floor,
                    "DELETE FROM notifications WHERE sender_id = 'user_0000' AND title = 'Scheduled maintenance'",
                )
                .await
            }
            _ => Ok(()),
        }
    }
}

// Fingerprints: a hash over every returned value, in order (page order is part of the result).

fn fp_of(rows: usize, f: impl FnOnce(&mut DefaultHasher)) -> Fp {
    let mut h = DefaultHasher::new();
    f(&mut h);
    Fp {
        users: rows as u64,
        sum: h.finish() as i64,
        ..Fp::default()
    }
}

fn hash_settings(h: &mut DefaultHasher, s: &UserSettings) {
    (
        &s.id,
        &s.user_id,
        s.profile_private,
        s.email_notifications,
        s.push_notifications,
    )
        .hash(h);
    (s.theme as u8, &s.language, &s.timezone).hash(h);
}

fn fp_user(u: &Option<UserWithStats>) -> Fp {
    fp_of(u.is_some() as usize, |h| {
        if let Some(u) = u {
            (
                &u.id,
                &u.email,
                &u.username,
                &u.name,
                &u.bio,
                &u.image,
                u.verified,
                u.role as u8,
            )
                .hash(h);
            (u.created_at, u.updated_at, u.last_login, &u.full_name).hash(h);
            let c = &u.counts;
            (
                c.published_posts,
                c.followers,
                c.following,
                c.comments,
                c.likes,
            )
                .hash(h);
            u.settings.is_some().hash(h);
            if let Some(s) = &u.settings {
                hash_settings(h, s);
            }
        }
    })
}

/// Every value of a card; for a card of a post created during the run, the generated values (id,
/// title and slug with the sequence number, timestamps) are checked for consistency instead.
fn hash_card(h: &mut DefaultHasher, c: &PostCard, created: bool) {
    if created {
        (
            !c.id.is_empty(),
            c.title.starts_with("Bench post "),
            c.slug == generate_slug(&c.title),
        )
            .hash(h);
        (c.created_at == c.updated_at).hash(h);
    } else {
        (&c.id, &c.title, &c.slug, c.created_at, c.updated_at).hash(h);
    }
    (
        &c.content,
        &c.excerpt,
        c.published,
        c.featured,
        c.view_count,
        &c.meta_title,
        &c.meta_description,
    )
        .hash(h);
    (c.published_at, &c.author_id, &c.category_id, c.is_recent).hash(h);
    let a = &c.author;
    (&a.id, &a.name, &a.username, &a.image, &a.full_name).hash(h);
    c.category
        .as_ref()
        .map(|k| (&k.id, &k.name, &k.slug, &k.color))
        .hash(h);
    c.tags.len().hash(h);
    for t in &c.tags {
        (&t.id, &t.name, &t.slug, &t.color).hash(h);
    }
    (c.counts.comments, c.counts.likes).hash(h);
}

fn fp_page(p: &PostPage) -> Fp {
    fp_of(p.posts.len(), |h| {
        for c in &p.posts {
            hash_card(h, c, false);
        }
        (&p.next_cursor, p.has_next_page).hash(h);
    })
}

fn fp_cards(cards: &[PostCard]) -> Fp {
    fp_of(cards.len(), |h| {
        for c in cards {
            hash_card(h, c, false);
        }
    })
}

fn fp_new_post(c: &PostCard) -> Fp {
    fp_of(1, |h| hash_card(h, c, true))
}

fn fp_tags(tags: &[PopularTag]) -> Fp {
    fp_of(tags.len(), |h| {
        for t in tags {
            (&t.id, &t.name, &t.slug, t.post_count).hash(h);
        }
    })
}
