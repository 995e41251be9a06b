//! Models the behaviour tests share: every column type, every key shape, every default.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use orm_runtime::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

/// A user's role.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[orm(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Default.
    User,
    /// Moderator.
    Moderator,
    /// Admin.
    Admin,
}

/// A user: cuid key, unique and nullable-unique columns, enum and timestamp defaults.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "users")]
pub struct User {
    /// Key.
    #[orm(id, default = cuid)]
    pub id: String,
    /// Unique.
    #[orm(unique)]
    pub email: String,
    /// Unique, nullable.
    #[orm(unique)]
    pub username: Option<String>,
    /// Nullable.
    pub name: Option<String>,
    /// Defaulted.
    #[orm(default = false)]
    pub verified: bool,
    /// Enum default.
    #[orm(default = Role::User)]
    pub role: Role,
    /// Integer default.
    #[orm(default = 0)]
    pub karma: i32,
    /// Creation time.
    #[orm(default = now)]
    pub created_at: DateTime<Utc>,
    /// Update time.
    #[orm(updated_at)]
    pub updated_at: DateTime<Utc>,
    /// Nullable time.
    pub last_login: Option<DateTime<Utc>>,
}

/// A post: auto-increment key, secondary index.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "posts", index(published, created_at))]
pub struct Post {
    /// Key.
    #[orm(id, default = autoincrement)]
    pub id: i64,
    /// Title.
    pub title: String,
    /// Unique slug.
    #[orm(unique)]
    pub slug: String,
    /// Optional excerpt.
    pub excerpt: Option<String>,
    /// Published flag.
    #[orm(default = false)]
    pub published: bool,
    /// Views.
    #[orm(default = 0)]
    pub view_count: i32,
    /// Score.
    #[orm(default = 0.0)]
    pub score: f64,
    /// Author.
    pub author_id: String,
    /// Creation time.
    #[orm(default = now)]
    pub created_at: DateTime<Utc>,
}

/// A like: uuid key, compound unique over a nullable column.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "likes", unique(user_id, post_id))]
pub struct Like {
    /// Key.
    #[orm(id, default = uuid)]
    pub id: Uuid,
    /// User.
    pub user_id: String,
    /// Post.
    pub post_id: Option<i64>,
}

/// A join row with a composite primary key.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "post_tags", id(post_id, tag))]
pub struct PostTag {
    /// Post.
    pub post_id: i64,
    /// Tag.
    pub tag: String,
    /// Weight.
    #[orm(default = 1)]
    pub weight: i16,
}

/// Typed JSON payload.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// Source.
    pub source: String,
    /// Tags.
    pub tags: Vec<String>,
    /// A 64-bit number (JSON must not lose it).
    pub big: i64,
}

/// Every other column type.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "samples")]
pub struct Sample {
    /// Key.
    #[orm(id, default = uuid_v7)]
    pub id: Uuid,
    /// Decimal.
    pub price: Decimal,
    /// Untyped JSON.
    pub data: serde_json::Value,
    /// Typed JSON, nullable.
    pub meta: Option<Json<Meta>>,
    /// Bytes.
    pub bytes: Vec<u8>,
    /// Date.
    pub day: NaiveDate,
    /// Time of day.
    pub at: NaiveTime,
    /// Naive timestamp.
    pub local: NaiveDateTime,
    /// i16.
    pub small: i16,
    /// i64.
    pub big: i64,
    /// f32.
    pub ratio: f32,
    /// Nullable uuid.
    pub other: Option<Uuid>,
    /// Nullable enum.
    pub role: Option<Role>,
    /// Long text with a native type.
    #[orm(db_type = "TEXT")]
    pub body: String,
    /// A column whose name differs from the field.
    #[orm(column = "label_text")]
    pub label: String,
}

/// The schema with every test model.
pub fn schema() -> Schema {
    Schema::new()
        .model::<User>()
        .model::<Post>()
        .model::<Like>()
        .model::<PostTag>()
        .model::<Sample>()
}
