//! The blog's twelve models and three enums.

use chrono::{DateTime, Utc};
use orm_runtime::prelude::*;
use serde::Serialize;

/// A user's role.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[orm(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// A regular user.
    User,
    /// A moderator.
    Moderator,
    /// An administrator.
    Admin,
}

/// What a notification is about.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[orm(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationType {
    /// Someone liked a post or comment.
    Like,
    /// Someone commented.
    Comment,
    /// Someone followed.
    Follow,
    /// Someone mentioned the recipient.
    Mention,
    /// A system message.
    System,
}

/// A UI theme.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[orm(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
    /// Follow the system.
    System,
}

/// A user account.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "users")]
pub struct User {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(unique)]
    pub email: String,
    #[orm(unique)]
    pub username: Option<String>,
    pub name: Option<String>,
    #[orm(db_type = "TEXT")]
    pub bio: Option<String>,
    pub image: Option<String>,
    #[orm(default = false)]
    pub verified: bool,
    #[orm(default = Role::User)]
    pub role: Role,
    #[orm(default = now)]
    pub created_at: DateTime<Utc>,
    #[orm(updated_at)]
    pub updated_at: DateTime<Utc>,
    pub last_login: Option<DateTime<Utc>>,
    /// Whether the user confirmed their e-mail address (the `add_user_verification` migration marks
    /// the users that existed before it as confirmed).
    #[orm(default = false)]
    pub email_verified: bool,
    /// The token of a pending e-mail confirmation (unique: it identifies the user).
    #[orm(unique)]
    pub verification_token: Option<String>,
    /// When the pending confirmation token expires.
    pub verification_expires: Option<DateTime<Utc>>,

    #[orm(has_many)]
    pub accounts: HasMany<Account>,
    #[orm(has_many)]
    pub sessions: HasMany<Session>,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
    #[orm(has_many)]
    pub comments: HasMany<Comment>,
    #[orm(has_many)]
    pub likes: HasMany<Like>,
    /// Follows whose `following` is this user.
    #[orm(has_many(inverse = following))]
    pub followers: HasMany<Follow>,
    /// Follows whose `follower` is this user.
    #[orm(has_many(inverse = follower))]
    pub following: HasMany<Follow>,
    #[orm(has_many(inverse = recipient))]
    pub notifications: HasMany<Notification>,
    #[orm(has_many(inverse = sender))]
    pub sent_notifications: HasMany<Notification>,
    #[orm(has_one)]
    pub settings: HasOne<UserSettings>,
}

/// An OAuth account linked to a user.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "accounts", unique(provider, provider_account_id))]
pub struct Account {
    #[orm(id, default = cuid)]
    pub id: String,
    pub user_id: String,
    #[orm(column = "type")]
    pub kind: String,
    pub provider: String,
    pub provider_account_id: String,
    #[orm(db_type = "TEXT")]
    pub refresh_token: Option<String>,
    #[orm(db_type = "TEXT")]
    pub access_token: Option<String>,
    pub expires_at: Option<i32>,
    pub token_type: Option<String>,
    pub scope: Option<String>,
    #[orm(db_type = "TEXT")]
    pub id_token: Option<String>,
    pub session_state: Option<String>,
    #[orm(belongs_to(fk = user_id, on_delete = Cascade))]
    pub user: BelongsTo<User>,
}

/// A login session.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "sessions")]
pub struct Session {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(unique)]
    pub session_token: String,
    pub user_id: String,
    pub expires: DateTime<Utc>,
    #[orm(belongs_to(fk = user_id, on_delete = Cascade))]
    pub user: BelongsTo<User>,
}

/// A blog post. Searchable by title (weighted highest) and content, in English
/// (`Post::TITLE_CONTENT_FTS`).
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(
    table = "posts",
    index(published, created_at),
    index(author_id, created_at),
    index(slug),
    fulltext(title(weight = "A"), content, language = "english")
)]
pub struct Post {
    #[orm(id, default = cuid)]
    pub id: String,
    pub title: String,
    #[orm(db_type = "TEXT")]
    pub content: String,
    pub excerpt: Option<String>,
    #[orm(default = false)]
    pub published: bool,
    #[orm(default = false)]
    pub featured: bool,
    #[orm(default = 0)]
    pub view_count: i32,
    #[orm(unique)]
    pub slug: String,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    #[orm(default = now)]
    pub created_at: DateTime<Utc>,
    #[orm(updated_at)]
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub author_id: String,
    pub category_id: Option<String>,

    #[orm(belongs_to(fk = author_id, on_delete = Cascade))]
    pub author: BelongsTo<User>,
    #[orm(belongs_to(fk = category_id))]
    pub category: BelongsTo<Option<Category>>,
    /// The post's tags, through the `post_tags` join model.
    #[orm(has_many)]
    pub tags: HasMany<PostTag>,
    #[orm(has_many)]
    pub comments: HasMany<Comment>,
    #[orm(has_many)]
    pub likes: HasMany<Like>,
}

/// A post category, in a hierarchy.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "categories")]
pub struct Category {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(unique)]
    pub name: String,
    #[orm(unique)]
    pub slug: String,
    pub description: Option<String>,
    pub color: Option<String>,
    pub parent_id: Option<String>,

    #[orm(belongs_to(fk = parent_id))]
    pub parent: BelongsTo<Option<Category>>,
    #[orm(has_many)]
    pub children: HasMany<Category>,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

/// A tag.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "tags")]
pub struct Tag {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(unique)]
    pub name: String,
    #[orm(unique)]
    pub slug: String,
    pub description: Option<String>,
    pub color: Option<String>,

    #[orm(has_many)]
    pub posts: HasMany<PostTag>,
}

/// The many-to-many join between posts and tags.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "post_tags", id(post_id, tag_id))]
pub struct PostTag {
    pub post_id: String,
    pub tag_id: String,

    #[orm(belongs_to(fk = post_id, on_delete = Cascade))]
    pub post: BelongsTo<Post>,
    #[orm(belongs_to(fk = tag_id, on_delete = Cascade))]
    pub tag: BelongsTo<Tag>,
}

/// A comment on a post, possibly a reply to another comment.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "comments", index(post_id, created_at))]
pub struct Comment {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(db_type = "TEXT")]
    pub content: String,
    #[orm(default = now)]
    pub created_at: DateTime<Utc>,
    #[orm(updated_at)]
    pub updated_at: DateTime<Utc>,
    pub post_id: String,
    pub author_id: String,
    pub parent_id: Option<String>,

    #[orm(belongs_to(fk = post_id, on_delete = Cascade))]
    pub post: BelongsTo<Post>,
    #[orm(belongs_to(fk = author_id, on_delete = Cascade))]
    pub author: BelongsTo<User>,
    #[orm(belongs_to(fk = parent_id))]
    pub parent: BelongsTo<Option<Comment>>,
    #[orm(has_many)]
    pub replies: HasMany<Comment>,
    #[orm(has_many)]
    pub likes: HasMany<Like>,
}

/// A like of a post or of a comment.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "likes", unique(user_id, post_id), unique(user_id, comment_id))]
pub struct Like {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(default = now)]
    pub created_at: DateTime<Utc>,
    pub user_id: String,
    pub post_id: Option<String>,
    pub comment_id: Option<String>,

    #[orm(belongs_to(fk = user_id, on_delete = Cascade))]
    pub user: BelongsTo<User>,
    #[orm(belongs_to(fk = post_id, on_delete = Cascade))]
    pub post: BelongsTo<Option<Post>>,
    #[orm(belongs_to(fk = comment_id, on_delete = Cascade))]
    pub comment: BelongsTo<Option<Comment>>,
}

/// One user following another.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "follows", unique(follower_id, following_id))]
pub struct Follow {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(default = now)]
    pub created_at: DateTime<Utc>,
    pub follower_id: String,
    pub following_id: String,

    #[orm(belongs_to(fk = follower_id, on_delete = Cascade))]
    pub follower: BelongsTo<User>,
    #[orm(belongs_to(fk = following_id, on_delete = Cascade))]
    pub following: BelongsTo<User>,
}

/// A notification for a user, possibly sent by another.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "notifications", index(recipient_id, read, created_at))]
pub struct Notification {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(column = "type")]
    pub kind: NotificationType,
    pub title: String,
    pub message: String,
    #[orm(default = false)]
    pub read: bool,
    #[orm(default = now)]
    pub created_at: DateTime<Utc>,
    pub recipient_id: String,
    pub sender_id: Option<String>,
    pub metadata: Option<serde_json::Value>,

    #[orm(belongs_to(fk = recipient_id, on_delete = Cascade))]
    pub recipient: BelongsTo<User>,
    #[orm(belongs_to(fk = sender_id))]
    pub sender: BelongsTo<Option<User>>,
}

/// A user's settings (at most one per user).
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[orm(table = "user_settings")]
pub struct UserSettings {
    #[orm(id, default = cuid)]
    pub id: String,
    #[orm(unique)]
    pub user_id: String,
    #[orm(default = false)]
    pub profile_private: bool,
    #[orm(default = true)]
    pub email_notifications: bool,
    #[orm(default = true)]
    pub push_notifications: bool,
    #[orm(default = Theme::System)]
    pub theme: Theme,
    #[orm(default = "en")]
    pub language: String,
    #[orm(default = "UTC")]
    pub timezone: String,

    #[orm(belongs_to(fk = user_id, on_delete = Cascade))]
    pub user: BelongsTo<User>,
}

/// The whole blog schema.
pub fn schema() -> Schema {
    Schema::new()
        .model::<User>()
        .model::<Account>()
        .model::<Session>()
        .model::<Post>()
        .model::<Category>()
        .model::<Tag>()
        .model::<PostTag>()
        .model::<Comment>()
        .model::<Like>()
        .model::<Follow>()
        .model::<Notification>()
        .model::<UserSettings>()
}
