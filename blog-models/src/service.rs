//! The blog's application layer: the seed's `DatabaseService` (user stats, cursor-paginated post
//! lists, batch notifications, popular tags, creating a post with its tags in a transaction, search)
//! and its extensions (computed fields, auto-included post relations, slow-operation logging),
//! written with the typed relation API.
//!
//! ```no_run
//! use blog_models::service::{DatabaseService, PostFilters};
//! use orm_runtime::prelude::*;
//!
//! # async fn run() -> orm_runtime::Result<()> {
//! let db = Client::connect("sqlite::memory:").await?;
//! blog_models::schema().push(&db).await?;
//! let service = DatabaseService::new(db.clone());
//!
//! // First page of published posts, then the next one.
//! let page = service.posts_paginated(None, 20, &PostFilters::default()).await?;
//! if let Some(cursor) = page.next_cursor.as_deref() {
//!     let next = service.posts_paginated(Some(cursor), 20, &PostFilters::default()).await?;
//!     assert!(!next.posts.is_empty());
//! }
//!
//! // The same service inside a transaction: every read and write joins it.
//! db.transaction(|tx| async move {
//!     let in_tx = service.on(&tx);
//!     let _hits = in_tx.search_posts("rust", 10).await?;
//!     Ok::<_, Error>(())
//! })
//! .await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use orm_runtime::client::Executor;
use orm_runtime::hooks::{Hook, OperationReport};
use orm_runtime::prelude::*;
use orm_runtime::query::{FindMany, FindManySelect, Scope, Snippet};
use serde::Serialize;

use crate::models::{
    Category, Comment, Follow, NewFollow, NewNotification, NewPost, NewPostTag, Notification,
    NotificationType, Post, PostTag, Role, Tag, User, UserSettings,
};

/// The most posts one page of [`DatabaseService::posts_paginated`] returns.
pub const MAX_PAGE_SIZE: u32 = 100;

/// How long an operation may take before [`SlowOperationLog::default`] logs it: one second, as in
/// the seed's query logger.
pub const DEFAULT_SLOW_THRESHOLD: Duration = Duration::from_secs(1);

/// The seed's `$extends({ query: { $allOperations } })` logger as a client hook: every model
/// operation slower than the threshold is a `tracing` warning naming it (`Post.find_many`), with
/// its duration, statement count and rows.
///
/// ```no_run
/// # async fn f() -> orm_runtime::Result<()> {
/// use std::time::Duration;
/// let db = orm_runtime::ClientOptions::new("sqlite::memory:")
///     .hook(blog_models::SlowOperationLog::new(Duration::from_millis(200)))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SlowOperationLog {
    threshold: Duration,
}

impl SlowOperationLog {
    /// Logs operations that take `threshold` or longer.
    pub fn new(threshold: Duration) -> Self {
        SlowOperationLog { threshold }
    }
}

impl Default for SlowOperationLog {
    /// [`DEFAULT_SLOW_THRESHOLD`].
    fn default() -> Self {
        SlowOperationLog::new(DEFAULT_SLOW_THRESHOLD)
    }
}

impl Hook for SlowOperationLog {
    fn after(&self, report: &OperationReport<'_>) {
        if report.duration >= self.threshold {
            tracing::warn!(
                operation = %report.operation,
                elapsed_ms = report.duration.as_millis() as u64,
                statements = report.statements.len(),
                rows = report.rows(),
                "slow query detected: {} took {:?}",
                report.operation,
                report.duration
            );
        }
    }
}

/// Opens the blog's client at `url` with the seed's slow-operation logger
/// ([`SlowOperationLog::default`]) and its post-read extension ([`post_reads`]) registered.
pub async fn connect(url: &str) -> Result<Client, Error> {
    ClientOptions::new(url)
        .hook(SlowOperationLog::default())
        .scope(post_reads())
        .connect()
        .await
}

/// The seed's `query.post.findMany` extension as a [`Scope`]: every post read through the client
/// includes the author and counts the comments and likes (`Post::find_many().unscoped()` reads
/// the post alone).
pub fn post_reads() -> Scope<Post> {
    Scope::new().shape(|q| {
        q.include(Post::AUTHOR)
            .with_count(Post::COMMENTS)
            .with_count(Post::LIKES)
    })
}

// ---------------------------------------------------------------------------------------------
// Where the service runs
// ---------------------------------------------------------------------------------------------

/// Where a [`DatabaseService`] runs: a [`Client`], a [`Transaction`], or a reference to either.
///
/// Reads and writes run on [`executor`](Database::executor); operations that need several
/// statements to apply atomically open [`transaction`](Database::transaction), which is a real
/// transaction on a client and a savepoint inside a transaction.
pub trait Database: Send + Sync {
    /// The executor queries run on.
    type Executor: Executor;

    /// The executor queries run on.
    fn executor(&self) -> &Self::Executor;

    /// Runs `f` atomically: commits (or releases the savepoint) when it returns `Ok`, rolls back
    /// when it returns `Err`, panics or is cancelled.
    fn transaction<F, Fut, T, E>(&self, f: F) -> impl Future<Output = Result<T, E>> + Send
    where
        F: FnOnce(Transaction) -> Fut + Send,
        Fut: Future<Output = Result<T, E>> + Send,
        T: Send,
        E: From<Error> + Send;
}

impl Database for Client {
    type Executor = Client;

    fn executor(&self) -> &Client {
        self
    }

    fn transaction<F, Fut, T, E>(&self, f: F) -> impl Future<Output = Result<T, E>> + Send
    where
        F: FnOnce(Transaction) -> Fut + Send,
        Fut: Future<Output = Result<T, E>> + Send,
        T: Send,
        E: From<Error> + Send,
    {
        Client::transaction(self, f)
    }
}

impl Database for Transaction {
    type Executor = Transaction;

    fn executor(&self) -> &Transaction {
        self
    }

    fn transaction<F, Fut, T, E>(&self, f: F) -> impl Future<Output = Result<T, E>> + Send
    where
        F: FnOnce(Transaction) -> Fut + Send,
        Fut: Future<Output = Result<T, E>> + Send,
        T: Send,
        E: From<Error> + Send,
    {
        Transaction::transaction(self, f)
    }
}

impl<D: Database + ?Sized> Database for &D {
    type Executor = D::Executor;

    fn executor(&self) -> &D::Executor {
        (**self).executor()
    }

    fn transaction<F, Fut, T, E>(&self, f: F) -> impl Future<Output = Result<T, E>> + Send
    where
        F: FnOnce(Transaction) -> Fut + Send,
        Fut: Future<Output = Result<T, E>> + Send,
        T: Send,
        E: From<Error> + Send,
    {
        (**self).transaction(f)
    }
}

// ---------------------------------------------------------------------------------------------
// Computed fields (the seed's `$extends({ result: ... })`)
// ---------------------------------------------------------------------------------------------

impl User {
    /// The seed's computed `fullName`: the name, else the username, else `"Anonymous"` (empty
    /// strings count as missing, as with JavaScript's `||`).
    pub fn full_name(&self) -> &str {
        display_name(self.name.as_deref(), self.username.as_deref())
    }
}

impl Post {
    /// The seed's computed `isRecent`: created less than seven days ago.
    pub fn is_recent(&self) -> bool {
        self.is_recent_at(Utc::now())
    }

    /// Whether the post was created less than seven days before `now`.
    pub fn is_recent_at(&self, now: DateTime<Utc>) -> bool {
        recent_at(&self.created_at, now)
    }
}

/// The seed's `fullName` rule: the name, else the username, else `"Anonymous"`.
fn display_name<'a>(name: Option<&'a str>, username: Option<&'a str>) -> &'a str {
    [name, username]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty())
        .unwrap_or("Anonymous")
}

/// [`User::full_name`] as a select computes it.
fn full_name(name: &Option<String>, username: &Option<String>) -> String {
    display_name(name.as_deref(), username.as_deref()).to_owned()
}

/// The seed's `isRecent` rule: created less than seven days before `now`.
fn recent_at(created_at: &DateTime<Utc>, now: DateTime<Utc>) -> bool {
    *created_at > now - chrono::Duration::days(7)
}

/// [`Post::is_recent`] as a select computes it.
fn is_recent(created_at: &DateTime<Utc>) -> bool {
    recent_at(created_at, Utc::now())
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// Optional filters of [`DatabaseService::posts_paginated`]. The default lists published posts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostFilters {
    /// Only posts by this user.
    pub author_id: Option<String>,
    /// Only posts in this category.
    pub category_id: Option<String>,
    /// Published (`true`, the default) or draft (`false`) posts.
    pub published: Option<bool>,
    /// Only posts whose title, content or excerpt contains this text, in any case.
    pub search: Option<String>,
}

/// A post to create with [`DatabaseService::create_post_with_tags`]; its slug is generated from the
/// title with [`generate_slug`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostInput {
    /// The title.
    pub title: String,
    /// The body.
    pub content: String,
    /// A short summary.
    pub excerpt: Option<String>,
    /// The author's user id.
    pub author_id: String,
    /// The category's id.
    pub category_id: Option<String>,
}

/// A notification for [`DatabaseService::batch_create_notifications`].
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationInput {
    /// An explicit id, to make a batch idempotent: a row whose id exists already is skipped.
    /// `None` generates a fresh one.
    pub id: Option<String>,
    /// Who receives it.
    pub recipient_id: String,
    /// Who caused it, if anyone.
    pub sender_id: Option<String>,
    /// What it is about.
    pub kind: NotificationType,
    /// The headline.
    pub title: String,
    /// The text.
    pub message: String,
}

impl NotificationInput {
    /// A notification with a generated id and no sender.
    pub fn new(
        recipient_id: impl Into<String>,
        kind: NotificationType,
        title: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        NotificationInput {
            id: None,
            recipient_id: recipient_id.into(),
            sender_id: None,
            kind,
            title: title.into(),
            message: message.into(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

/// A user's public card, as post lists show authors (the seed's
/// `author: { select: { id, name, username, image } }`, plus the computed full name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Select)]
#[orm(model = User)]
pub struct AuthorCard {
    /// The user's id.
    pub id: String,
    /// The display name.
    pub name: Option<String>,
    /// The handle.
    pub username: Option<String>,
    /// The avatar URL.
    pub image: Option<String>,
    /// [`User::full_name`].
    #[orm(computed(with = full_name, needs = [name, username]))]
    pub full_name: String,
}

/// A category as post lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Select)]
#[orm(model = Category)]
pub struct CategoryChip {
    /// The category's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its URL slug.
    pub slug: String,
    /// Its colour.
    pub color: Option<String>,
}

/// A tag as post lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Select)]
#[orm(model = Tag)]
pub struct TagChip {
    /// The tag's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its URL slug.
    pub slug: String,
    /// Its colour.
    pub color: Option<String>,
}

/// A post's relation counts (the seed's `_count: { select: { comments, likes } }`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PostCounts {
    /// Comments on the post, replies included.
    pub comments: i64,
    /// Likes of the post.
    pub likes: i64,
}

impl PostCounts {
    fn of(comments: i64, likes: i64) -> PostCounts {
        PostCounts { comments, likes }
    }
}

// TODO(orm): `HasMany` serializes only its rows (a `with_count` count is dropped) and unloaded
// relations serialize as `null`, so a model read with includes and counts cannot be returned as
// JSON as is; these view structs carry the shape instead (and `UserSettings` still shows
// `"user": null`).
/// A search result: what a results list shows of a post, how well it matched, and its title and
/// content around the matches (HTML: the text escaped, each match in `<mark>`; `null` on
/// MySQL/MariaDB, which have no snippets). Read by [`DatabaseService::search_hits`].
#[derive(Debug, Clone, PartialEq, Serialize, Select)]
#[orm(model = Post)]
pub struct SearchHit {
    /// The post's id.
    pub id: String,
    /// The title.
    pub title: String,
    /// Its URL slug.
    pub slug: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The author.
    #[orm(relation)]
    pub author: AuthorCard,
    /// How well it matches the search (higher is better).
    #[orm(relevance = TITLE_CONTENT_FTS)]
    pub score: f64,
    /// The title, matches marked.
    #[orm(snippet = title)]
    #[serde(serialize_with = "snippet_html")]
    pub title_html: Option<Snippet>,
    /// The content around the matches, matches marked.
    #[orm(snippet = content)]
    #[serde(serialize_with = "snippet_html")]
    pub excerpt_html: Option<Snippet>,
}

/// A snippet as HTML (escaped, matches in `<mark>`), `null` when there is none.
fn snippet_html<S: serde::Serializer>(s: &Option<Snippet>, out: S) -> Result<S::Ok, S::Error> {
    match s {
        Some(s) => out.serialize_str(&s.to_html()),
        None => out.serialize_none(),
    }
}

/// A post with what every list shows of it: every column, the computed `is_recent`, the author's
/// card, the category, the tags (by name) and the comment and like counts: a typed select of
/// [`Post`], read by [`DatabaseService::cards`].
#[derive(Debug, Clone, PartialEq, Serialize, Select)]
#[orm(model = Post)]
pub struct PostCard {
    /// The post's id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The body.
    pub content: String,
    /// A short summary.
    pub excerpt: Option<String>,
    /// Whether it is published.
    pub published: bool,
    /// Whether it is featured.
    pub featured: bool,
    /// How often it was viewed.
    pub view_count: i32,
    /// Its URL slug.
    pub slug: String,
    /// The SEO title.
    pub meta_title: Option<String>,
    /// The SEO description.
    pub meta_description: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// The author's user id.
    pub author_id: String,
    /// The category's id.
    pub category_id: Option<String>,
    /// [`Post::is_recent`].
    #[orm(computed(with = is_recent, needs = [created_at]))]
    pub is_recent: bool,
    /// The author.
    #[orm(relation)]
    pub author: AuthorCard,
    /// The category.
    #[orm(relation)]
    pub category: Option<CategoryChip>,
    /// The tags, ordered by name.
    #[orm(relation(through = PostTag::TAG, order_by = PostTag::TAG.field(Tag::NAME).asc()))]
    pub tags: Vec<TagChip>,
    /// Comment and like counts.
    #[orm(computed(with = PostCounts::of, needs = [count(comments), count(likes)]))]
    pub counts: PostCounts,
}

/// A reply as a comment thread shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Select)]
#[orm(model = Comment)]
pub struct ReplyCard {
    /// The reply's id.
    pub id: String,
    /// Its text.
    pub content: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Who wrote it.
    #[orm(relation)]
    pub author: AuthorCard,
}

/// A top-level comment of a post with its replies, oldest first: a row of
/// [`DatabaseService::comments_with_replies`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Select)]
#[orm(model = Comment)]
pub struct CommentThread {
    /// The comment's id.
    pub id: String,
    /// Its text.
    pub content: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Who wrote it.
    #[orm(relation)]
    pub author: AuthorCard,
    /// The replies, oldest first.
    #[orm(relation(order_by = Comment::CREATED_AT.asc()))]
    pub replies: Vec<ReplyCard>,
}

/// One page of [`DatabaseService::posts_paginated`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostPage {
    /// The posts, newest first.
    pub posts: Vec<PostCard>,
    /// The cursor of the next page: the id of its first post.
    pub next_cursor: Option<String>,
    /// Whether there is a next page (`next_cursor.is_some()`).
    pub has_next_page: bool,
}

/// A user's relation counts (the seed's `_count` in `getUserWithStats`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UserCounts {
    /// Published posts (drafts are not counted).
    pub published_posts: i64,
    /// Users following this user.
    pub followers: i64,
    /// Users this user follows.
    pub following: i64,
    /// Comments written.
    pub comments: i64,
    /// Likes given.
    pub likes: i64,
}

/// A user with settings and activity counts, from [`DatabaseService::user_with_stats`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserWithStats {
    /// The user's id.
    pub id: String,
    /// The e-mail address.
    pub email: String,
    /// The handle.
    pub username: Option<String>,
    /// The display name.
    pub name: Option<String>,
    /// The biography.
    pub bio: Option<String>,
    /// The avatar URL.
    pub image: Option<String>,
    /// Whether the e-mail address is verified.
    pub verified: bool,
    /// The role.
    pub role: Role,
    /// When the user signed up.
    pub created_at: DateTime<Utc>,
    /// When the user was last changed.
    pub updated_at: DateTime<Utc>,
    /// The last login.
    pub last_login: Option<DateTime<Utc>>,
    /// [`User::full_name`].
    pub full_name: String,
    /// The user's settings, if any.
    pub settings: Option<UserSettings>,
    /// Activity counts.
    pub counts: UserCounts,
}

/// A row of [`DatabaseService::popular_tags`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct PopularTag {
    /// The tag's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its URL slug.
    pub slug: String,
    /// How many published posts carry it.
    pub post_count: i64,
}

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

/// The seed's `DatabaseService`: the blog's queries, typed, on a [`Client`] (the default) or
/// inside a [`Transaction`] (see [`on`](DatabaseService::on)).
///
/// The seed's `$allOperations` slow-query logger is a client hook, [`SlowOperationLog`]
/// ([`connect`] registers it); individual statements are also logged by the client past
/// `ClientOptions::slow_statement_threshold`.
#[derive(Debug, Clone)]
pub struct DatabaseService<D = Client> {
    db: D,
    strategy: Option<Strategy>,
}

impl<D: Database> DatabaseService<D> {
    /// A service on `db`, loading relations with the default [`Strategy`].
    pub fn new(db: D) -> Self {
        DatabaseService { db, strategy: None }
    }

    /// Loads included relations with `strategy` instead of the default.
    pub fn with_strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = Some(strategy);
        self
    }

    /// The same service (same strategy) on another executor, typically a transaction:
    /// `service.on(&tx)`.
    pub fn on<D2: Database>(&self, db: D2) -> DatabaseService<D2> {
        DatabaseService {
            db,
            strategy: self.strategy,
        }
    }

    /// Where the service runs.
    pub fn db(&self) -> &D {
        &self.db
    }

    /// How the service loads included relations: the backend's default
    /// ([`Strategy::default_for`]) unless set with [`with_strategy`](Self::with_strategy).
    pub fn strategy(&self) -> Strategy {
        self.strategy
            .unwrap_or_else(|| Strategy::default_for(self.db.executor().dialect()))
    }

    /// The query every post read of the service starts from: the seed's `query.post.findMany`
    /// extension, which auto-includes the author and the comment and like counts — here also the
    /// category and the tags (by name), so that every read returns the same [`PostCard`].
    ///
    /// With [`Strategy::Query`] a read costs at most 5 statements whatever the number of posts
    /// (posts with counts, authors, categories, post-tags, tags — a level with nothing to load is
    /// skipped); with [`Strategy::Join`], 1. (A client from [`connect`] also shapes every plain
    /// `Post::find_many()` with the seed's smaller extension, [`post_reads`].)
    pub fn post_cards(&self) -> FindMany<Post> {
        Post::find_many()
            .include(Post::AUTHOR)
            .include(Post::CATEGORY)
            .include(
                Post::TAGS
                    .include(PostTag::TAG)
                    .order_by(PostTag::TAG.field(Tag::NAME).asc()),
            )
            .with_count(Post::COMMENTS)
            .with_count(Post::LIKES)
            .strategy(self.strategy())
    }

    /// `query` read as [`PostCard`]s, with the service's load strategy: the same statements as
    /// [`post_cards`](DatabaseService::post_cards).
    // TODO(orm): a select still reads every column of each model it names (the author's e-mail
    // included) before keeping its fields.
    pub fn cards(&self, query: FindMany<Post>) -> FindManySelect<PostCard> {
        query.strategy(self.strategy()).select::<PostCard>()
    }

    /// The seed's `getUserWithStats`: the user with their settings and five counts (published
    /// posts, followers, following, comments, likes), or `None` when there is no such user.
    ///
    /// One statement for the user and the counts, plus one for the settings with
    /// [`Strategy::Query`].
    pub async fn user_with_stats(&self, user_id: &str) -> Result<Option<UserWithStats>, Error> {
        let user = User::find_unique(User::ID.eq(user_id))
            .include(User::SETTINGS)
            .with_count(User::POSTS.filter(Post::PUBLISHED.eq(true)))
            .with_count(User::FOLLOWERS)
            .with_count(User::FOLLOWING)
            .with_count(User::COMMENTS)
            .with_count(User::LIKES)
            .strategy(self.strategy())
            .exec(self.db.executor())
            .await?;
        Ok(user.map(|u| {
            let counts = UserCounts {
                published_posts: u.posts.count().unwrap_or(0),
                followers: u.followers.count().unwrap_or(0),
                following: u.following.count().unwrap_or(0),
                comments: u.comments.count().unwrap_or(0),
                likes: u.likes.count().unwrap_or(0),
            };
            let full_name = u.full_name().to_owned();
            UserWithStats {
                full_name,
                settings: u.settings.into_inner(),
                counts,
                id: u.id,
                email: u.email,
                username: u.username,
                name: u.name,
                bio: u.bio,
                image: u.image,
                verified: u.verified,
                role: u.role,
                created_at: u.created_at,
                updated_at: u.updated_at,
                last_login: u.last_login,
            }
        }))
    }

    /// The seed's `getPostsPaginated`: posts newest first (ties broken by id, descending), `limit` per page
    /// (clamped to `1..=`[`MAX_PAGE_SIZE`]), starting at `cursor` (the `next_cursor` of the
    /// previous page; `None` for the first page; an unknown cursor gives an empty page).
    ///
    /// Filters: published (default) or drafts, by author, by category, and an insensitive
    /// search in the title, content and excerpt. Reads `limit + 1` posts to know whether a next
    /// page exists; the statement count does not depend on the page size (see
    /// [`post_cards`](DatabaseService::post_cards)).
    pub async fn posts_paginated(
        &self,
        cursor: Option<&str>,
        limit: u32,
        filters: &PostFilters,
    ) -> Result<PostPage, Error> {
        let limit = limit.clamp(1, MAX_PAGE_SIZE) as usize;
        let filter = Post::PUBLISHED.eq(filters.published.unwrap_or(true))
            & filters.author_id.as_deref().map(|a| Post::AUTHOR_ID.eq(a))
            & filters
                .category_id
                .as_deref()
                .map(|c| Post::CATEGORY_ID.eq(c))
            & filters.search.as_deref().map(|q| {
                (Post::TITLE.contains(q) | Post::CONTENT.contains(q) | Post::EXCERPT.contains(q))
                    .insensitive()
            });
        let mut posts = self
            .cards(
                Post::find_many()
                    .filter(filter)
                    .order_by(Post::CREATED_AT.desc())
                    .cursor(cursor.map(|c| Post::ID.eq(c)))
                    .take(limit as u64 + 1),
            )
            .exec(self.db.executor())
            .await?;
        let next_cursor = if posts.len() > limit {
            posts.pop().map(|p| p.id)
        } else {
            None
        };
        Ok(PostPage {
            posts,
            has_next_page: next_cursor.is_some(),
            next_cursor,
        })
    }

    /// The seed's `batchCreateNotifications`: inserts the notifications in as few statements as the
    /// backend allows, skipping any whose id exists already; returns how many were inserted.
    ///
    /// Only the id is unique, so duplicates arise when a batch is retried with explicit ids
    /// ([`NotificationInput::id`]). On MySQL/MariaDB skipping uses `INSERT IGNORE`, which also
    /// skips rows with a missing recipient instead of failing.
    // TODO(orm): `skip_duplicates` on MySQL/MariaDB is `INSERT IGNORE`, which also turns foreign-key
    // and conversion errors into warnings; only unique conflicts should be skipped, as with
    // `ON CONFLICT DO NOTHING` on PostgreSQL and SQLite.
    pub async fn batch_create_notifications(
        &self,
        notifications: impl IntoIterator<Item = NotificationInput>,
    ) -> Result<u64, Error> {
        let rows: Vec<NewNotification> = notifications
            .into_iter()
            .map(|n| NewNotification {
                id: n.id,
                kind: n.kind,
                title: n.title,
                message: n.message,
                read: None,
                created_at: None,
                recipient_id: n.recipient_id,
                sender_id: n.sender_id,
                metadata: None,
            })
            .collect();
        Notification::create_many(rows)
            .skip_duplicates()
            .exec(self.db.executor())
            .await
    }

    /// The seed's `getPopularTags`: tags by the number of published posts carrying them, most
    /// first (ties by name), at most `limit`. Tags on no published post are left out.
    ///
    /// Typed, in one statement: the count of each tag's posts through the `post_tags` join model,
    /// filtered to published posts, is selected and ordered by.
    /// [`popular_tags_raw`](Self::popular_tags_raw) is the same query in raw SQL.
    pub async fn popular_tags(&self, limit: u32) -> Result<Vec<PopularTag>, Error> {
        let published = || Tag::POSTS.filter(PostTag::POST.is(Post::PUBLISHED.eq(true)));
        // Most used first, so the tags on no published post come last: they are left out
        // after the page is read rather than by a second count in the filter.
        let tags = Tag::find_many()
            .with_count(published())
            .order_by(published().count().desc())
            .order_by(Tag::NAME.asc())
            .take(u64::from(limit))
            .exec(self.db.executor())
            .await?;
        Ok(tags
            .into_iter()
            .filter(|t| t.posts.count().unwrap_or(0) > 0)
            .map(|t| PopularTag {
                post_count: t.posts.count().unwrap_or(0),
                id: t.id,
                name: t.name,
                slug: t.slug,
            })
            .collect())
    }

    /// [`popular_tags`](Self::popular_tags) in raw SQL through `sql!` (values bound, never
    /// spliced), portable to PostgreSQL, MySQL/MariaDB and SQLite: `COUNT` is a 64-bit integer
    /// everywhere, so it needs no cast, and the boolean is a bound parameter rather than a literal.
    pub async fn popular_tags_raw(&self, limit: u32) -> Result<Vec<PopularTag>, Error> {
        let limit = i64::from(limit);
        sql!(
            "SELECT t.id AS id, t.name AS name, t.slug AS slug, COUNT(pt.post_id) AS post_count
             FROM tags t
             JOIN post_tags pt ON t.id = pt.tag_id
             JOIN posts p ON pt.post_id = p.id
             WHERE p.published = {true}
             GROUP BY t.id, t.name, t.slug
             ORDER BY post_count DESC, t.name ASC
             LIMIT {limit}"
        )
        .fetch_all(self.db.executor())
        .await
    }

    /// The seed's `createPostWithTags`: creates the post (slug from [`generate_slug`]) and links
    /// its tags in one transaction (a savepoint when the service runs inside a transaction), and
    /// returns it with its author, category and tags. Any failure — an unknown tag id (a
    /// [`Error::ForeignKeyViolation`]), a slug already taken ([`Error::UniqueViolation`]) — undoes
    /// the post as well.
    pub async fn create_post_with_tags(
        &self,
        input: PostInput,
        tag_ids: &[String],
    ) -> Result<PostCard, Error> {
        let tag_ids = tag_ids.to_vec();
        let strategy = self.strategy();
        self.db
            .transaction(|tx| async move {
                let slug = generate_slug(&input.title);
                let post = Post::create(NewPost {
                    title: input.title,
                    content: input.content,
                    excerpt: input.excerpt,
                    slug,
                    author_id: input.author_id,
                    category_id: input.category_id,
                    ..Default::default()
                })
                .exec(&tx)
                .await?;
                PostTag::create_many(tag_ids.into_iter().map(|tag_id| NewPostTag {
                    post_id: post.id.clone(),
                    tag_id,
                }))
                .exec(&tx)
                .await?;
                Post::find_unique(Post::ID.eq(&post.id))
                    .strategy(strategy)
                    .select::<PostCard>()
                    .exec(&tx)
                    .await?
                    .ok_or(Error::NotFound { model: "Post" })
            })
            .await
    }

    /// `follower_id` follows `following_id`. Following oneself is [`Error::InvalidValue`] on
    /// `following_id`; following twice is the unique key's [`Error::UniqueViolation`]; an unknown
    /// user is a [`Error::ForeignKeyViolation`].
    pub async fn follow(&self, follower_id: &str, following_id: &str) -> Result<Follow, Error> {
        if follower_id == following_id {
            return Err(Error::InvalidValue {
                model: Some("Follow"),
                field: Some("following_id".into()),
                value: None,
                reason: "a user cannot follow themselves".into(),
                source: None,
            });
        }
        Follow::create(NewFollow {
            follower_id: follower_id.to_owned(),
            following_id: following_id.to_owned(),
            ..Default::default()
        })
        .exec(self.db.executor())
        .await
    }

    /// `follower_id` stops following `following_id`; `false` when they did not follow.
    pub async fn unfollow(&self, follower_id: &str, following_id: &str) -> Result<bool, Error> {
        let n = Follow::delete_many()
            .filter(Follow::FOLLOWER_ID.eq(follower_id) & Follow::FOLLOWING_ID.eq(following_id))
            .exec(self.db.executor())
            .await?;
        Ok(n > 0)
    }

    /// A post's top-level comments, oldest first (at most `limit`), each with its replies.
    pub async fn comments_with_replies(
        &self,
        post_id: &str,
        limit: u32,
    ) -> Result<Vec<CommentThread>, Error> {
        Comment::find_many()
            .filter(Comment::POST_ID.eq(post_id) & Comment::PARENT_ID.eq(None::<String>))
            .order_by(Comment::CREATED_AT.asc())
            .take(u64::from(limit))
            .select::<CommentThread>()
            .exec(self.db.executor())
            .await
    }

    /// The seed's `searchPosts`: published posts matching `query` in their title or content,
    /// best match first (a title match weighs most; equal scores newest first, then by id), at
    /// most `limit`, as cards (author, comment and like counts).
    ///
    /// `query` is a user's search string in the web-search syntax of
    /// [`TextQuery`](orm_runtime::query::TextQuery) — words, `"phrases"`, `OR`, `-exclusions`,
    /// English stemming where the backend has it — read through the posts' full-text index on
    /// every backend. Any string is valid; one with nothing to find returns no post.
    pub async fn search_posts(&self, query: &str, limit: u32) -> Result<Vec<PostCard>, Error> {
        let query = orm_runtime::query::TextQuery::parse(query);
        self.cards(
            Post::find_many()
                .filter(Post::PUBLISHED.eq(true) & Post::TITLE_CONTENT_FTS.matches(&query))
                .order_by(Post::TITLE_CONTENT_FTS.relevance(&query).desc())
                .order_by(Post::CREATED_AT.desc())
                .order_by(Post::ID.asc())
                .take(u64::from(limit)),
        )
        .exec(self.db.executor())
        .await
    }

    /// [`search_posts`](Self::search_posts) as search results: the same posts in the same
    /// order, each with its score and its title and content around the matches, the author
    /// loaded with the service's strategy. One statement with `Strategy::Join`.
    pub async fn search_hits(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>, Error> {
        let query = orm_runtime::query::TextQuery::parse(query);
        let mut hits = Post::find_many()
            .filter(Post::PUBLISHED.eq(true) & Post::TITLE_CONTENT_FTS.matches(&query))
            .order_by(Post::TITLE_CONTENT_FTS.relevance(&query).desc())
            .order_by(Post::CREATED_AT.desc())
            .order_by(Post::ID.asc())
            .take(u64::from(limit))
            .select::<SearchHit>();
        if let Some(st) = self.strategy {
            hits = hits.strategy(st);
        }
        hits.exec(self.db.executor()).await
    }
}

/// The seed's `generateSlug`: the title in lower case, every run of characters other than ASCII
/// letters and digits replaced by one `-`, without leading or trailing `-`.
///
/// ```
/// use blog_models::service::generate_slug;
/// assert_eq!(generate_slug("Hello, World!"), "hello-world");
/// assert_eq!(generate_slug("  Rust 2024 -- Édition  "), "rust-2024-dition");
/// ```
pub fn generate_slug(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    let mut gap = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if gap && !slug.is_empty() {
                slug.push('-');
            }
            gap = false;
            slug.push(c);
        } else {
            gap = true;
        }
    }
    slug
}
