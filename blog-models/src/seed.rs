//! Seeding: a deterministic blog data set of any size, inserted in bulk — the seed's
//! `prisma/seed.ts`, without its randomness.
//!
//! [`seed`] empties every table ([`reset`]), then inserts, in one transaction and with one
//! multi-row `INSERT` per table (chunked under the backend's bind limit):
//!
//! | what | how many | shape |
//! |---|---|---|
//! | users | `1 + users` | [`user_id`]`(0)` is `admin@example.com` (role `ADMIN`, verified, dark theme); user `i` (1-based) is `user{i}@example.com` / `user{i}`, named `User {i}` except every 5th (no name, so [`User::full_name`](crate::User::full_name) falls back to the username), verified unless `i % 3 == 0`, user 1 is a `MODERATOR` |
//! | settings | one per user | theme `LIGHT`/`DARK`/`SYSTEM` by `i % 3`, e-mail notifications when `i` is odd |
//! | categories | 4 | [`CATEGORIES`]: Technology, Programming (child of Technology), Design, Business |
//! | tags | 10 | [`TAGS`] |
//! | posts | `users × posts_per_user` | see below |
//! | comments | `comments_per_post × (1 + replies_per_comment)` per published post | top-level comments by the other users in turn, each with replies (the first by the post's author) |
//! | likes | per published post `min(likes_per_post, users − 1)` post likes by the users after the author; the author likes every top-level comment | |
//! | follows | `min(follows_per_user, users − 1)` per user: the next users in turn | |
//! | notifications | a `SYSTEM` welcome per regular user (from the admin), a `FOLLOW` per follow, a `COMMENT` per top-level comment by someone else than the author, a `LIKE` per post like | |
//!
//! Post `k` (1-based, [`post_id`]`(k)`, `k0 = k − 1`) is "Sample Post {k}" with slug
//! `sample-post-{k}`, written by regular user `k0 % users + 1` (authors take turns), created
//! `size.epoch + 1 day + (k0 / 2) hours` — so posts come in pairs sharing a timestamp, which
//! exercises the id tie-break of cursor pagination. It is published unless `k0 % 5 == 4`, featured
//! when `k0 % 10 == 0`, in category `CATEGORIES[k0 % 4]` unless `k0 % 7 == 6` (none), and tagged
//! with the first `k0 % 4 + 1` of [`TAGS`]. Only published posts have comments and likes.
//!
//! Every id and timestamp is derived from the indices and `size.epoch`, so two runs with the same
//! size produce identical rows.
//!
//! ```no_run
//! use blog_models::seed::{SeedSize, seed};
//! # async fn run(db: &orm_runtime::Client) -> orm_runtime::Result<()> {
//! let seeded = seed(db, SeedSize::default()).await?; // the seed's scale: 11 users, 50 posts
//! println!("{} posts, {} comments", seeded.posts, seeded.comments);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use orm_runtime::client::Executor;
use orm_runtime::prelude::*;
use serde::Serialize;

use crate::models::*;
use crate::service::Database;

/// The categories every seed creates: `(slug, name, description, colour, parent slug)`, parents
/// first.
pub const CATEGORIES: [(&str, &str, &str, &str, Option<&str>); 4] = [
    (
        "technology",
        "Technology",
        "All about technology and programming",
        "#3B82F6",
        None,
    ),
    (
        "programming",
        "Programming",
        "Languages, tools and the craft of code",
        "#6366F1",
        Some("technology"),
    ),
    (
        "design",
        "Design",
        "UI/UX and visual design",
        "#8B5CF6",
        None,
    ),
    (
        "business",
        "Business",
        "Business and entrepreneurship",
        "#10B981",
        None,
    ),
];

/// The tags every seed creates (name = slug), in the order posts take them.
pub const TAGS: [&str; 10] = [
    "react",
    "typescript",
    "nextjs",
    "prisma",
    "tailwindcss",
    "javascript",
    "nodejs",
    "graphql",
    "docker",
    "aws",
];

const TAG_COLORS: [&str; 10] = [
    "#61DAFB", "#3178C6", "#000000", "#2D3748", "#38BDF8", "#F7DF1E", "#339933", "#E10098",
    "#2496ED", "#FF9900",
];

/// How much data [`seed`] creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSize {
    /// Regular users (the admin comes on top).
    pub users: usize,
    /// Posts each regular user writes.
    pub posts_per_user: usize,
    /// Top-level comments on each published post.
    pub comments_per_post: usize,
    /// Replies to each top-level comment.
    pub replies_per_comment: usize,
    /// Likes of each published post (at most `users − 1`: authors do not like their own posts).
    pub likes_per_post: usize,
    /// Users each regular user follows (at most `users − 1`).
    pub follows_per_user: usize,
    /// The instant the data set's timeline starts at.
    pub epoch: DateTime<Utc>,
}

impl Default for SeedSize {
    /// The seed's scale: 10 regular users (plus the admin), 50 posts.
    fn default() -> Self {
        SeedSize {
            users: 10,
            posts_per_user: 5,
            comments_per_post: 3,
            replies_per_comment: 1,
            likes_per_post: 3,
            follows_per_user: 3,
            epoch: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
        }
    }
}

impl SeedSize {
    /// A small data set for tests: 4 regular users, 12 posts (10 published), 2 comments with one
    /// reply each per published post, 2 likes per published post, 2 follows per user.
    pub fn small() -> Self {
        SeedSize {
            users: 4,
            posts_per_user: 3,
            comments_per_post: 2,
            replies_per_comment: 1,
            likes_per_post: 2,
            follows_per_user: 2,
            ..SeedSize::default()
        }
    }

    /// The number of posts.
    pub fn posts(&self) -> usize {
        self.users * self.posts_per_user
    }

    /// When post `k` (1-based) was created.
    pub fn post_created_at(&self, k: usize) -> DateTime<Utc> {
        self.epoch + Duration::days(1) + Duration::hours(((k - 1) / 2) as i64)
    }

    /// Whether post `k` (1-based) is published.
    pub fn post_published(k: usize) -> bool {
        (k - 1) % 5 != 4
    }

    /// The regular user (1-based) who writes post `k` (1-based).
    pub fn post_author(&self, k: usize) -> usize {
        (k - 1) % self.users + 1
    }

    /// The slugs of the tags of post `k` (1-based).
    pub fn post_tags(k: usize) -> &'static [&'static str] {
        &TAGS[..(k - 1) % 4 + 1]
    }

    /// The slug of the category of post `k` (1-based), if any.
    pub fn post_category(k: usize) -> Option<&'static str> {
        let k0 = k - 1;
        (k0 % 7 != 6).then(|| CATEGORIES[k0 % 4].0)
    }
}

/// What [`seed`] inserted, table by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Seeded {
    /// Users, the admin included.
    pub users: u64,
    /// Settings rows (one per user).
    pub user_settings: u64,
    /// Categories.
    pub categories: u64,
    /// Tags.
    pub tags: u64,
    /// Posts.
    pub posts: u64,
    /// Published posts among them.
    pub published_posts: u64,
    /// Post–tag links.
    pub post_tags: u64,
    /// Comments, replies included.
    pub comments: u64,
    /// Likes of posts and of comments.
    pub likes: u64,
    /// Follows.
    pub follows: u64,
    /// Notifications.
    pub notifications: u64,
}

/// The id of seeded user `n`: 0 is the admin, `1..=users` the regular users.
pub fn user_id(n: usize) -> String {
    format!("user_{n:04}")
}

/// The id of seeded post `k` (1-based).
pub fn post_id(k: usize) -> String {
    format!("post_{k:05}")
}

/// The id of the seeded category with this slug.
pub fn category_id(slug: &str) -> String {
    format!("category_{slug}")
}

/// The id of the seeded tag with this slug.
pub fn tag_id(slug: &str) -> String {
    format!("tag_{slug}")
}

/// Deletes every row of every blog table, children first (self-references are cleared before
/// their rows go, since MySQL checks foreign keys row by row).
pub async fn reset<E: Executor>(db: &E) -> Result<(), Error> {
    Like::delete_many().exec(db).await?;
    Comment::update_many()
        .filter(Comment::PARENT_ID.is_not_null())
        .set(Comment::PARENT_ID, None)
        .exec(db)
        .await?;
    Comment::delete_many().exec(db).await?;
    PostTag::delete_many().exec(db).await?;
    Post::delete_many().exec(db).await?;
    Tag::delete_many().exec(db).await?;
    Category::update_many()
        .filter(Category::PARENT_ID.is_not_null())
        .set(Category::PARENT_ID, None)
        .exec(db)
        .await?;
    Category::delete_many().exec(db).await?;
    Follow::delete_many().exec(db).await?;
    Notification::delete_many().exec(db).await?;
    UserSettings::delete_many().exec(db).await?;
    Session::delete_many().exec(db).await?;
    Account::delete_many().exec(db).await?;
    User::delete_many().exec(db).await?;
    Ok(())
}

/// Empties the blog tables and inserts the data set described in the [module docs](self), in one
/// transaction (a savepoint when `db` is a transaction). Returns what was inserted.
pub async fn seed<D: Database>(db: &D, size: SeedSize) -> Result<Seeded, Error> {
    let data = Data::build(size);
    db.transaction(|tx| async move {
        reset(&tx).await?;
        let published_posts = data
            .posts
            .iter()
            .filter(|p| p.published == Some(true))
            .count();
        Ok::<_, Error>(Seeded {
            users: User::create_many(data.users).exec(&tx).await?,
            user_settings: UserSettings::create_many(data.settings).exec(&tx).await?,
            categories: Category::create_many(data.categories).exec(&tx).await?,
            tags: Tag::create_many(data.tags).exec(&tx).await?,
            posts: Post::create_many(data.posts).exec(&tx).await?,
            published_posts: published_posts as u64,
            post_tags: PostTag::create_many(data.post_tags).exec(&tx).await?,
            comments: Comment::create_many(data.comments).exec(&tx).await?,
            likes: Like::create_many(data.likes).exec(&tx).await?,
            follows: Follow::create_many(data.follows).exec(&tx).await?,
            notifications: Notification::create_many(data.notifications)
                .exec(&tx)
                .await?,
        })
    })
    .await
}

/// The rows of a data set, parents before children within each table.
#[derive(Default)]
struct Data {
    users: Vec<NewUser>,
    settings: Vec<NewUserSettings>,
    categories: Vec<NewCategory>,
    tags: Vec<NewTag>,
    posts: Vec<NewPost>,
    post_tags: Vec<NewPostTag>,
    comments: Vec<NewComment>,
    likes: Vec<NewLike>,
    follows: Vec<NewFollow>,
    notifications: Vec<NewNotification>,
}

/// How a seeded user is shown in notification texts.
fn display_name(n: usize) -> String {
    if n == 0 {
        "Admin User".into()
    } else if n.is_multiple_of(5) {
        format!("user{n}")
    } else {
        format!("User {n}")
    }
}

impl Data {
    fn build(size: SeedSize) -> Data {
        let mut d = Data::default();
        let epoch = size.epoch;
        let n_users = size.users;

        // Users and their settings.
        let themes = [Theme::Light, Theme::Dark, Theme::System];
        for n in 0..=n_users {
            let at = epoch + Duration::minutes(n as i64);
            let admin = n == 0;
            d.users.push(NewUser {
                id: Some(user_id(n)),
                email: if admin {
                    "admin@example.com".into()
                } else {
                    format!("user{n}@example.com")
                },
                username: Some(if admin {
                    "admin".into()
                } else {
                    format!("user{n}")
                }),
                name: (admin || !n.is_multiple_of(5)).then(|| display_name(n)),
                bio: Some(if admin {
                    "System administrator".into()
                } else {
                    format!("Bio for user {n}")
                }),
                image: None,
                verified: Some(admin || !n.is_multiple_of(3)),
                role: Some(match n {
                    0 => Role::Admin,
                    1 => Role::Moderator,
                    _ => Role::User,
                }),
                created_at: Some(at),
                updated_at: Some(at),
                last_login: None,
                // Every seventh user has a confirmation pending.
                email_verified: Some(n % 7 != 6),
                verification_token: (n % 7 == 6).then(|| format!("verify-{n:06}")),
                verification_expires: (n % 7 == 6).then(|| at + Duration::days(2)),
            });
            d.settings.push(NewUserSettings {
                id: Some(format!("settings_{n:04}")),
                user_id: user_id(n),
                profile_private: Some(false),
                email_notifications: Some(admin || n % 2 == 1),
                push_notifications: Some(admin || !n.is_multiple_of(4)),
                theme: Some(if admin { Theme::Dark } else { themes[n % 3] }),
                language: Some("en".into()),
                timezone: Some("UTC".into()),
            });
            if !admin {
                d.notifications.push(NewNotification {
                    id: Some(format!("notification_welcome_{n:04}")),
                    kind: NotificationType::System,
                    title: "Welcome!".into(),
                    message: format!("Welcome to the blog, {}!", display_name(n)),
                    read: Some(true),
                    created_at: Some(at + Duration::minutes(1)),
                    recipient_id: user_id(n),
                    sender_id: Some(user_id(0)),
                    metadata: None,
                });
            }
        }

        // Categories and tags.
        for (slug, name, description, color, parent) in CATEGORIES {
            d.categories.push(NewCategory {
                id: Some(category_id(slug)),
                name: name.into(),
                slug: slug.into(),
                description: Some(description.into()),
                color: Some(color.into()),
                parent_id: parent.map(category_id),
            });
        }
        for (name, color) in TAGS.into_iter().zip(TAG_COLORS) {
            d.tags.push(NewTag {
                id: Some(tag_id(name)),
                name: name.into(),
                slug: name.into(),
                description: Some(format!("Everything about {name}")),
                color: Some(color.into()),
            });
        }

        // Follows: each regular user follows the next ones in turn.
        for u in 1..=n_users {
            for i in 0..size.follows_per_user.min(n_users.saturating_sub(1)) {
                let followed = (u + i) % n_users + 1;
                let at = epoch + Duration::hours(12) + Duration::minutes((u * 10 + i) as i64);
                d.follows.push(NewFollow {
                    id: Some(format!("follow_{u:04}_{i:02}")),
                    created_at: Some(at),
                    follower_id: user_id(u),
                    following_id: user_id(followed),
                });
                d.notifications.push(NewNotification {
                    id: Some(format!("notification_follow_{u:04}_{i:02}")),
                    kind: NotificationType::Follow,
                    title: "New follower".into(),
                    message: format!("{} started following you", display_name(u)),
                    read: Some(i.is_multiple_of(2)),
                    created_at: Some(at),
                    recipient_id: user_id(followed),
                    sender_id: Some(user_id(u)),
                    metadata: None,
                });
            }
        }

        // Posts, their tags, comments, replies and likes.
        for k in 1..=size.posts() {
            let k0 = k - 1;
            let at = size.post_created_at(k);
            let author = size.post_author(k);
            let published = SeedSize::post_published(k);
            let title = format!("Sample Post {k}");
            d.posts.push(NewPost {
                id: Some(post_id(k)),
                title: title.clone(),
                content: format!(
                    "This is the content for post {k}. It contains detailed information about the topic."
                ),
                excerpt: Some(format!("Excerpt for post {k}")),
                published: Some(published),
                featured: Some(k0.is_multiple_of(10)),
                view_count: Some(((k0 * 37 + 11) % 1000) as i32),
                slug: format!("sample-post-{k}"),
                meta_title: None,
                meta_description: None,
                created_at: Some(at),
                updated_at: Some(at),
                published_at: published.then_some(at),
                author_id: user_id(author),
                category_id: SeedSize::post_category(k).map(category_id),
            });
            for slug in SeedSize::post_tags(k) {
                d.post_tags.push(NewPostTag {
                    post_id: post_id(k),
                    tag_id: tag_id(slug),
                });
            }
            if !published {
                continue;
            }
            let mut replies = Vec::new();
            for c in 0..size.comments_per_post {
                let comment = format!("comment_{k:05}_{c:02}");
                let commenter = (author + c) % n_users + 1;
                let c_at = at + Duration::minutes(c as i64 + 1);
                d.comments.push(NewComment {
                    id: Some(comment.clone()),
                    content: format!("Comment {} on post {k}", c + 1),
                    created_at: Some(c_at),
                    updated_at: Some(c_at),
                    post_id: post_id(k),
                    author_id: user_id(commenter),
                    parent_id: None,
                });
                for r in 0..size.replies_per_comment {
                    let r_at = c_at + Duration::seconds(r as i64 + 1);
                    replies.push(NewComment {
                        id: Some(format!("{comment}_{r:02}")),
                        content: format!("Reply {} to comment {} on post {k}", r + 1, c + 1),
                        created_at: Some(r_at),
                        updated_at: Some(r_at),
                        post_id: post_id(k),
                        author_id: user_id((author - 1 + r) % n_users + 1),
                        parent_id: Some(comment.clone()),
                    });
                }
                // The author likes every top-level comment.
                d.likes.push(NewLike {
                    id: Some(format!("like_{comment}")),
                    created_at: Some(c_at + Duration::minutes(5)),
                    user_id: user_id(author),
                    post_id: None,
                    comment_id: Some(comment.clone()),
                });
                if commenter != author {
                    d.notifications.push(NewNotification {
                        id: Some(format!("notification_{comment}")),
                        kind: NotificationType::Comment,
                        title: "New comment".into(),
                        message: format!("{} commented on \"{title}\"", display_name(commenter)),
                        read: Some(false),
                        created_at: Some(c_at),
                        recipient_id: user_id(author),
                        sender_id: Some(user_id(commenter)),
                        metadata: Some(serde_json::json!({
                            "post_id": post_id(k),
                            "comment_id": comment,
                        })),
                    });
                }
            }
            // Replies after every top-level comment, so parents are inserted first.
            d.comments.extend(replies);
            for i in 0..size.likes_per_post.min(n_users - 1) {
                let liker = (author + i) % n_users + 1;
                let l_at = at + Duration::minutes(30 + i as i64);
                let like = format!("like_post_{k:05}_{i:02}");
                d.likes.push(NewLike {
                    id: Some(like.clone()),
                    created_at: Some(l_at),
                    user_id: user_id(liker),
                    post_id: Some(post_id(k)),
                    comment_id: None,
                });
                d.notifications.push(NewNotification {
                    id: Some(format!("notification_{like}")),
                    kind: NotificationType::Like,
                    title: "New like".into(),
                    message: format!("{} liked \"{title}\"", display_name(liker)),
                    read: Some(i % 2 == 1),
                    created_at: Some(l_at),
                    recipient_id: user_id(author),
                    sender_id: Some(user_id(liker)),
                    metadata: Some(serde_json::json!({ "post_id": post_id(k) })),
                });
            }
        }
        d
    }
}
