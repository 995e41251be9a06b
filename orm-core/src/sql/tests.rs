//! SQL snapshots: the text and the binds of every statement kind the builders send, in each
//! dialect, rendered without a database (like sea-query's `tests/<db>/*.rs`). The live suites prove
//! what the statements do; these pin how they are spelled, so a change in the writer shows up as a
//! reviewable diff. Accept changes with `INSTA_UPDATE=always cargo test -p orm-runtime --lib`.
//!
//! A snapshot holds one test's cases: `## <case>`, then one block per group of dialects that send
//! the same thing (`[mysql, mariadb]`), each statement in the order it runs followed by its binds.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::{Backend, Dialect, Statement};
use crate::prelude::*;
use crate::query::FindMany;
use crate::value::Value;

// ---------------------------------------------------------------------------------------------
// Models: a few from `tests/src/models.rs` and `blog-models/src/models.rs`, with explicit keys
// (no generated ids), relations of every kind, a composite key, an enum, nullable columns and
// date-times.

#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[orm(rename_all = "SCREAMING_SNAKE_CASE")]
enum Role {
    User,
    Admin,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "users")]
#[allow(dead_code)]
struct User {
    #[orm(id)]
    id: String,
    #[orm(unique)]
    email: String,
    name: Option<String>,
    #[orm(default = Role::User)]
    role: Role,
    #[orm(default = 0)]
    karma: i32,
    #[orm(default = now)]
    created_at: DateTime<Utc>,
    last_login: Option<DateTime<Utc>>,
    #[orm(has_many)]
    posts: HasMany<Post>,
    #[orm(has_one)]
    profile: HasOne<Profile>,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "profiles")]
#[allow(dead_code)]
struct Profile {
    #[orm(id)]
    id: i64,
    #[orm(unique)]
    user_id: String,
    bio: Option<String>,
    #[orm(belongs_to(fk = user_id, on_delete = Cascade))]
    user: BelongsTo<User>,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "posts", unique(author_id, slug))]
#[allow(dead_code)]
struct Post {
    #[orm(id, default = autoincrement)]
    id: i64,
    title: String,
    slug: String,
    excerpt: Option<String>,
    #[orm(default = false)]
    published: bool,
    #[orm(default = 0)]
    view_count: i32,
    author_id: String,
    #[orm(default = now)]
    created_at: DateTime<Utc>,
    #[orm(updated_at)]
    updated_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    #[orm(belongs_to(fk = author_id, on_delete = Cascade))]
    author: BelongsTo<User>,
    #[orm(has_many)]
    comments: HasMany<Comment>,
    #[orm(has_many)]
    tags: HasMany<PostTag>,
    #[orm(has_many)]
    reviews: HasMany<Review>,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "comments")]
#[allow(dead_code)]
struct Comment {
    #[orm(id)]
    id: i64,
    post_id: i64,
    body: String,
    #[orm(belongs_to(fk = post_id, on_delete = Cascade))]
    post: BelongsTo<Post>,
}

/// A join row with a composite primary key.
#[derive(Model, Debug, Clone)]
#[orm(table = "post_tags", id(post_id, tag))]
#[allow(dead_code)]
struct PostTag {
    post_id: i64,
    tag: String,
    #[orm(default = 1)]
    weight: i16,
    #[orm(belongs_to(fk = post_id, on_delete = Cascade))]
    post: BelongsTo<Post>,
}

/// Rows with a float: SQLite's JSON cannot carry them exactly.
#[derive(Model, Debug, Clone)]
#[orm(table = "reviews")]
#[allow(dead_code)]
struct Review {
    #[orm(id)]
    id: i64,
    post_id: i64,
    stars: f64,
    #[orm(belongs_to(fk = post_id, on_delete = Cascade))]
    post: BelongsTo<Post>,
}

/// The other column kinds the dialects treat differently.
#[derive(Model, Debug, Clone)]
#[orm(table = "samples")]
#[allow(dead_code)]
struct Sample {
    #[orm(id)]
    id: i64,
    price: Decimal,
    ratio: f64,
    small: i16,
    big: i64,
    day: NaiveDate,
    bytes: Vec<u8>,
}

// ---------------------------------------------------------------------------------------------
// Rendering.

const DIALECTS: [(&str, Dialect); 4] = [
    ("postgres", Dialect::POSTGRES),
    ("mysql", Dialect::MYSQL),
    ("mariadb", Dialect::MARIADB),
    ("sqlite", Dialect::SQLITE),
];

/// What a builder sends, as a list of statements in the order they run.
trait Sent {
    fn sent(self) -> Vec<Statement>;
}

impl Sent for Statement {
    fn sent(self) -> Vec<Statement> {
        vec![self]
    }
}

impl Sent for Vec<Statement> {
    fn sent(self) -> Vec<Statement> {
        self
    }
}

impl Sent for Option<Statement> {
    fn sent(self) -> Vec<Statement> {
        self.into_iter().collect()
    }
}

impl<T: Sent> Sent for crate::Result<T> {
    fn sent(self) -> Vec<Statement> {
        match self {
            Ok(t) => t.sent(),
            Err(e) => panic!("the statement was refused: {e:?}"),
        }
    }
}

/// A bind's `Debug` form; the instant a write fills in for `updated_at` shows as `<now>`, and a
/// long list is cut in the middle.
fn bind_text(v: &Value) -> String {
    if let Value::DateTime(t) = v
        && (Utc::now() - *t).num_hours().abs() < 24
    {
        return "DateTime(<now>)".into();
    }
    let s = format!("{v:?}");
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 200 {
        return s;
    }
    let head: String = chars[..100].iter().collect();
    let tail: String = chars[chars.len() - 40..].iter().collect();
    format!("{head} ... {tail} ({} characters)", chars.len())
}

fn render_statements(statements: &[Statement]) -> String {
    let mut out = String::new();
    if statements.is_empty() {
        out.push_str("(nothing is sent)\n");
    }
    for s in statements {
        writeln!(out, "{}", s.sql).unwrap();
        if !s.binds.is_empty() {
            let binds: Vec<String> = s.binds.iter().map(bind_text).collect();
            writeln!(out, "  binds: [{}]", binds.join(", ")).unwrap();
        }
    }
    out
}

/// Cases of one snapshot: a label and what is sent, rendered per dialect (dialects that send the
/// same thing share one block).
#[derive(Default)]
struct Snap {
    out: String,
}

impl Snap {
    fn case<S: Sent>(mut self, label: &str, build: impl Fn(Dialect) -> S) -> Self {
        let mut blocks: Vec<(Vec<&str>, String)> = Vec::new();
        for (name, dialect) in DIALECTS {
            let text = render_statements(&build(dialect).sent());
            match blocks.iter_mut().find(|(_, t)| *t == text) {
                Some((names, _)) => names.push(name),
                None => blocks.push((vec![name], text)),
            }
        }
        writeln!(self.out, "## {label}").unwrap();
        for (names, text) in blocks {
            writeln!(self.out, "[{}]", names.join(", ")).unwrap();
            self.out.push_str(&text);
        }
        self.out.push('\n');
        self
    }

    fn done(self) -> String {
        self.out
    }
}

/// A snapshot named after the test, without the expression that made it.
macro_rules! snapshot {
    ($value:expr) => {
        insta::with_settings!({ omit_expression => true }, {
            insta::assert_snapshot!($value);
        })
    };
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

/// A date-time with digits past the microsecond.
fn with_nanos() -> DateTime<Utc> {
    at(2024, 5, 1, 12, 0, 0) + chrono::Duration::nanoseconds(123_456_789)
}

fn new_post(id: Option<i64>, slug: &str) -> NewPost {
    NewPost {
        id,
        title: "Hello".into(),
        slug: slug.into(),
        excerpt: None,
        published: Some(true),
        view_count: None,
        author_id: "u1".into(),
        created_at: Some(at(2024, 1, 2, 3, 4, 5)),
        updated_at: Some(at(2024, 1, 2, 3, 4, 5)),
        published_at: None,
    }
}

fn new_user() -> NewUser {
    NewUser {
        id: "u1".into(),
        email: "ada@example.com".into(),
        name: Some("Ada".into()),
        role: Some(Role::Admin),
        karma: None,
        created_at: Some(at(2024, 1, 2, 3, 4, 5)),
        last_login: None,
    }
}

fn posts() -> FindMany<Post> {
    Post::find_many()
}

// ---------------------------------------------------------------------------------------------
// Reads.

#[test]
fn find_many_plain() {
    snapshot!(
        Snap::default()
            .case("Post::find_many()", |d| posts().statement(d))
            .case("Post::find_unique(Post::ID.eq(7))", |d| {
                Post::find_many().filter(Post::ID.eq(7)).statement(d)
            })
            .case("PostTag::find_many() (composite key)", |d| {
                PostTag::find_many().statement(d)
            })
            .done()
    );
}

#[test]
fn filter_eq() {
    snapshot!(
        Snap::default()
            .case("TITLE.eq(\"Hello\")", |d| {
                posts().filter(Post::TITLE.eq("Hello")).statement(d)
            })
            .case("EXCERPT.eq(None) (nullable)", |d| {
                posts()
                    .filter(Post::EXCERPT.eq(None::<String>))
                    .statement(d)
            })
            .case("EXCERPT.eq(\"x\") (nullable)", |d| {
                posts().filter(Post::EXCERPT.eq("x")).statement(d)
            })
            .case("PUBLISHED.eq(true)", |d| {
                posts().filter(Post::PUBLISHED.eq(true)).statement(d)
            })
            .case("User::ROLE.eq(Role::Admin) (enum)", |d| {
                User::find_many()
                    .filter(User::ROLE.eq(Role::Admin))
                    .statement(d)
            })
            .case("User::EMAIL.eq(..).insensitive()", |d| {
                User::find_many()
                    .filter(User::EMAIL.eq("Ada@Example.com").insensitive())
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn filter_ne() {
    snapshot!(
        Snap::default()
            .case("TITLE.ne(\"x\") (non-null)", |d| {
                posts().filter(Post::TITLE.ne("x")).statement(d)
            })
            .case("EXCERPT.ne(\"x\") (nullable: NULL differs)", |d| {
                posts().filter(Post::EXCERPT.ne("x")).statement(d)
            })
            .case("EXCERPT.ne(None) (nullable)", |d| {
                posts()
                    .filter(Post::EXCERPT.ne(None::<String>))
                    .statement(d)
            })
            .case("User::NAME.ne(\"ada\").insensitive() (nullable)", |d| {
                User::find_many()
                    .filter(User::NAME.ne("ada").insensitive())
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn filter_ordering_operators() {
    snapshot!(
        Snap::default()
            .case("VIEW_COUNT.lt(10)", |d| {
                posts().filter(Post::VIEW_COUNT.lt(10)).statement(d)
            })
            .case("VIEW_COUNT.lte(10)", |d| {
                posts().filter(Post::VIEW_COUNT.lte(10)).statement(d)
            })
            .case("VIEW_COUNT.gt(10)", |d| {
                posts().filter(Post::VIEW_COUNT.gt(10)).statement(d)
            })
            .case("VIEW_COUNT.gte(10)", |d| {
                posts().filter(Post::VIEW_COUNT.gte(10)).statement(d)
            })
            .case("PUBLISHED_AT.lt(None) (holds for no row)", |d| {
                posts()
                    .filter(Post::PUBLISHED_AT.lt(None::<DateTime<Utc>>))
                    .statement(d)
            })
            .case("Sample::PRICE.gt(1.50) (decimal)", |d| {
                Sample::find_many()
                    .filter(Sample::PRICE.gt(Decimal::new(150, 2)))
                    .statement(d)
            })
            .case("Sample::DAY.gte(2024-01-01) (date)", |d| {
                Sample::find_many()
                    .filter(Sample::DAY.gte(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()))
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn filter_in() {
    snapshot!(
        Snap::default()
            .case("ID.in_([1, 2, 3])", |d| {
                posts().filter(Post::ID.in_([1, 2, 3])).statement(d)
            })
            .case("ID.in_([1]) (one value)", |d| {
                posts().filter(Post::ID.in_([1])).statement(d)
            })
            .case("ID.in_([]) (matches nothing)", |d| {
                posts().filter(Post::ID.in_(Vec::<i64>::new())).statement(d)
            })
            .case("ID.not_in([1, 2, 3]) (non-null)", |d| {
                posts().filter(Post::ID.not_in([1, 2, 3])).statement(d)
            })
            .case("ID.not_in([]) (matches everything)", |d| {
                posts()
                    .filter(Post::ID.not_in(Vec::<i64>::new()))
                    .statement(d)
            })
            .case("EXCERPT.in_([\"a\", \"b\"]) (nullable)", |d| {
                posts().filter(Post::EXCERPT.in_(["a", "b"])).statement(d)
            })
            .case(
                "EXCERPT.not_in([\"a\", \"b\"]) (nullable: NULLs match)",
                |d| {
                    posts()
                        .filter(Post::EXCERPT.not_in(["a", "b"]))
                        .statement(d)
                }
            )
            .case("EXCERPT.in_([Some(\"a\"), None])", |d| {
                posts()
                    .filter(Post::EXCERPT.in_([Some("a".to_string()), None]))
                    .statement(d)
            })
            .case("EXCERPT.not_in([Some(\"a\"), None])", |d| {
                posts()
                    .filter(Post::EXCERPT.not_in([Some("a".to_string()), None]))
                    .statement(d)
            })
            .case("EXCERPT.in_([None])", |d| {
                posts()
                    .filter(Post::EXCERPT.in_([None::<String>]))
                    .statement(d)
            })
            .case("User::ROLE.in_([User, Admin]) (enum)", |d| {
                User::find_many()
                    .filter(User::ROLE.in_([Role::User, Role::Admin]))
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn filter_in_long_list() {
    let ids: Vec<i64> = (1..=1500).collect();
    let slugs: Vec<String> = (1..=1500).map(|i| format!("s{i}")).collect();
    snapshot!(
        Snap::default()
            .case("ID.in_(1..=1500)", |d| {
                posts().filter(Post::ID.in_(ids.clone())).statement(d)
            })
            .case("ID.not_in(1..=1500)", |d| {
                posts().filter(Post::ID.not_in(ids.clone())).statement(d)
            })
            .case("SLUG.in_(1 500 strings)", |d| {
                posts().filter(Post::SLUG.in_(slugs.clone())).statement(d)
            })
            .case("Sample::BYTES.in_(1 500 byte strings)", |d| {
                Sample::find_many()
                    .filter(Sample::BYTES.in_((0..1500u16).map(|i| i.to_be_bytes().to_vec())))
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn filter_text() {
    snapshot!(
        Snap::default()
            .case("TITLE.contains(\"50%_off\\\\\") (escaped)", |d| {
                posts()
                    .filter(Post::TITLE.contains("50%_off\\"))
                    .statement(d)
            })
            .case("TITLE.starts_with(\"Hel\")", |d| {
                posts().filter(Post::TITLE.starts_with("Hel")).statement(d)
            })
            .case("TITLE.ends_with(\"lo\")", |d| {
                posts().filter(Post::TITLE.ends_with("lo")).statement(d)
            })
            .case("TITLE.contains(\"Rust\").insensitive()", |d| {
                posts()
                    .filter(Post::TITLE.contains("Rust").insensitive())
                    .statement(d)
            })
            .case("TITLE.starts_with(\"Hel\").insensitive()", |d| {
                posts()
                    .filter(Post::TITLE.starts_with("Hel").insensitive())
                    .statement(d)
            })
            .case("TITLE.ends_with(\"LO\").insensitive()", |d| {
                posts()
                    .filter(Post::TITLE.ends_with("LO").insensitive())
                    .statement(d)
            })
            .case("EXCERPT.contains(\"\") (empty, nullable)", |d| {
                posts().filter(Post::EXCERPT.contains("")).statement(d)
            })
            .done()
    );
}

#[test]
fn filter_null() {
    snapshot!(
        Snap::default()
            .case("EXCERPT.is_null()", |d| {
                posts().filter(Post::EXCERPT.is_null()).statement(d)
            })
            .case("EXCERPT.is_not_null()", |d| {
                posts().filter(Post::EXCERPT.is_not_null()).statement(d)
            })
            .done()
    );
}

#[test]
fn filter_logic() {
    snapshot!(
        Snap::default()
            .case("PUBLISHED.eq(true) & VIEW_COUNT.gt(10)", |d| {
                posts()
                    .filter(Post::PUBLISHED.eq(true) & Post::VIEW_COUNT.gt(10))
                    .statement(d)
            })
            .case("PUBLISHED.eq(true) | VIEW_COUNT.gt(10)", |d| {
                posts()
                    .filter(Post::PUBLISHED.eq(true) | Post::VIEW_COUNT.gt(10))
                    .statement(d)
            })
            .case("a & (b | c), None skipped", |d| {
                posts()
                    .filter(
                        Post::PUBLISHED.eq(true)
                            & (Post::TITLE.contains("a") | Post::EXCERPT.contains("a"))
                                .insensitive()
                            & None::<Filter<Post>>,
                    )
                    .statement(d)
            })
            .case("!VIEW_COUNT.gt(10) (non-null)", |d| {
                posts().filter(!Post::VIEW_COUNT.gt(10)).statement(d)
            })
            .case("!EXCERPT.eq(\"x\") (nullable: COALESCE)", |d| {
                posts().filter(!Post::EXCERPT.eq("x")).statement(d)
            })
            .case("!(PUBLISHED.eq(true) & EXCERPT.contains(\"x\"))", |d| {
                posts()
                    .filter(!(Post::PUBLISHED.eq(true) & Post::EXCERPT.contains("x")))
                    .statement(d)
            })
            .case("!EXCERPT.ne(\"x\") (nullable ne is never unknown)", |d| {
                posts().filter(!Post::EXCERPT.ne("x")).statement(d)
            })
            .case("Filter::none(), Filter::or_any([])", |d| {
                posts()
                    .filter(Filter::<Post>::none() | Filter::<Post>::or_any([]))
                    .statement(d)
            })
            .case("Filter::all() (no WHERE)", |d| {
                posts().filter(Filter::<Post>::all()).statement(d)
            })
            .done()
    );
}

#[test]
fn filter_datetime_with_nanoseconds() {
    let t = with_nanos();
    snapshot!(
        Snap::default()
            .case("CREATED_AT.eq(t) (never holds)", |d| {
                posts().filter(Post::CREATED_AT.eq(t)).statement(d)
            })
            .case("CREATED_AT.ne(t) (always holds)", |d| {
                posts().filter(Post::CREATED_AT.ne(t)).statement(d)
            })
            .case("CREATED_AT.lt(t) (<= the microsecond below)", |d| {
                posts().filter(Post::CREATED_AT.lt(t)).statement(d)
            })
            .case("CREATED_AT.lte(t)", |d| {
                posts().filter(Post::CREATED_AT.lte(t)).statement(d)
            })
            .case("CREATED_AT.gt(t)", |d| {
                posts().filter(Post::CREATED_AT.gt(t)).statement(d)
            })
            .case("CREATED_AT.gte(t) (> the microsecond below)", |d| {
                posts().filter(Post::CREATED_AT.gte(t)).statement(d)
            })
            .case("PUBLISHED_AT.in_([t, 2024-01-01]) (t dropped)", |d| {
                posts()
                    .filter(Post::PUBLISHED_AT.in_([t, at(2024, 1, 1, 0, 0, 0)]))
                    .statement(d)
            })
            .case("PUBLISHED_AT.gt(2024-01-01T00:00:00.000001) (exact)", |d| {
                posts()
                    .filter(
                        Post::PUBLISHED_AT
                            .gt(at(2024, 1, 1, 0, 0, 0) + chrono::Duration::microseconds(1)),
                    )
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn order_by() {
    snapshot!(
        Snap::default()
            .case(
                "order_by(CREATED_AT.desc()) (key appended, same direction)",
                |d| { posts().order_by(Post::CREATED_AT.desc()).statement(d) }
            )
            .case(
                "order_by(TITLE) then ID.desc() (key named: not appended)",
                |d| {
                    posts()
                        .order_by(Post::TITLE)
                        .order_by(Post::ID.desc())
                        .statement(d)
                }
            )
            .case("order_by(PUBLISHED_AT.asc().nulls_first())", |d| {
                posts()
                    .order_by(Post::PUBLISHED_AT.asc().nulls_first())
                    .statement(d)
            })
            .case("order_by(PUBLISHED_AT.desc().nulls_last())", |d| {
                posts()
                    .order_by(Post::PUBLISHED_AT.desc().nulls_last())
                    .statement(d)
            })
            .case(
                "PostTag order_by(WEIGHT.desc()) (composite key appended)",
                |d| {
                    PostTag::find_many()
                        .order_by(PostTag::WEIGHT.desc())
                        .statement(d)
                }
            )
            .case("order_by(AUTHOR.field(User::NAME).asc())", |d| {
                posts()
                    .order_by(Post::AUTHOR.field(User::NAME).asc())
                    .statement(d)
            })
            .case("User order_by(POSTS.count().desc())", |d| {
                User::find_many()
                    .order_by(User::POSTS.count().desc())
                    .statement(d)
            })
            .case(
                "User with_count(POSTS).order_by(POSTS.count().desc()) (the selected count, once)",
                |d| {
                    User::find_many()
                        .with_count(User::POSTS)
                        .order_by(User::POSTS.count().desc())
                        .take(5)
                        .statement(d)
                }
            )
            .case("Sample order_by(PRICE) (decimal)", |d| {
                Sample::find_many().order_by(Sample::PRICE).statement(d)
            })
            .done()
    );
}

/// A model with a weighted English full-text index.
#[derive(Model, Debug, Clone)]
#[orm(
    table = "notes",
    fulltext(title(weight = "A"), body, language = "english")
)]
#[allow(dead_code)]
struct Note {
    #[orm(id)]
    id: i64,
    author_id: String,
    title: String,
    body: Option<String>,
    #[orm(belongs_to(fk = author_id))]
    author: BelongsTo<User>,
}

#[test]
fn full_text_search() {
    let q = r#"Rust "async io" OR tokio -java"#;
    snapshot!(
        Snap::default()
            .case("matches(q)", |d| {
                Note::find_many()
                    .filter(Note::TITLE_BODY_FTS.matches(q))
                    .statement(d)
            })
            .case("matches(q), relevance(q).desc(), ID, take(10)", |d| {
                Note::find_many()
                    .filter(Note::TITLE_BODY_FTS.matches(q))
                    .order_by(Note::TITLE_BODY_FTS.relevance(q).desc())
                    .order_by(Note::ID.asc())
                    .take(10)
                    .statement(d)
            })
            .case("by relevance with an include: the page first", |d| {
                Note::find_many()
                    .filter(Note::TITLE_BODY_FTS.matches("rust"))
                    .include(Note::AUTHOR)
                    .order_by(Note::TITLE_BODY_FTS.relevance("rust").desc())
                    .order_by(Note::ID.asc())
                    .take(10)
                    .strategy(crate::Strategy::Join)
                    .statement(d)
            })
            .case("a cursor over relevance", |d| {
                Note::find_many()
                    .filter(Note::TITLE_BODY_FTS.matches("rust"))
                    .order_by(Note::TITLE_BODY_FTS.relevance("rust").desc())
                    .order_by(Note::ID.asc())
                    .cursor(Note::ID.eq(7))
                    .take(10)
                    .statement(d)
            })
            .case("nothing to find: no row, no bind", |d| {
                Note::find_many()
                    .filter(Note::TITLE_BODY_FTS.matches("-java \"(*"))
                    .order_by(Note::TITLE_BODY_FTS.relevance("*").desc())
                    .statement(d)
            })
            .case("a select reading the relevance it is ordered by", |d| {
                let mut q = Note::find_many()
                    .filter(Note::TITLE_BODY_FTS.matches("rust"))
                    .order_by(Note::TITLE_BODY_FTS.relevance("rust").desc())
                    .order_by(Note::ID.asc())
                    .take(10);
                q.reads.relevance = vec![Note::TITLE_BODY_FTS.def()];
                q.statement(d)
            })
            .case(
                "a select reading the relevance it is ordered by, with an include",
                |d| {
                    let mut q = Note::find_many()
                        .filter(Note::TITLE_BODY_FTS.matches("rust"))
                        .include(Note::AUTHOR)
                        .order_by(Note::TITLE_BODY_FTS.relevance("rust").desc())
                        .order_by(Note::ID.asc())
                        .take(10)
                        .strategy(crate::Strategy::Join);
                    q.reads.relevance = vec![Note::TITLE_BODY_FTS.def()];
                    q.statement(d)
                }
            )
            .case(
                "a select reading the filter's relevance, with an include",
                |d| {
                    let mut q = Note::find_many()
                        .filter(Note::TITLE_BODY_FTS.matches("rust"))
                        .include(Note::AUTHOR)
                        .order_by(Note::ID.asc())
                        .take(10)
                        .strategy(crate::Strategy::Join);
                    q.reads.relevance = vec![Note::TITLE_BODY_FTS.def()];
                    q.statement(d)
                }
            )
            .case(
                "a select reading snippets: computed for the page's rows",
                |d| {
                    let mut q = Note::find_many()
                        .filter(Note::TITLE_BODY_FTS.matches("rust"))
                        .order_by(Note::TITLE_BODY_FTS.relevance("rust").desc())
                        .order_by(Note::ID.asc())
                        .take(10);
                    q.reads.snippets = vec![crate::query::AnyColumn::column_def(&Note::BODY)];
                    q.statement(d)
                }
            )
            .case("hostile input: only its words are sent", |d| {
                Note::find_many()
                    .filter(
                        Note::TITLE_BODY_FTS.matches("title:x NEAR(a b) c* '; DROP TABLE x; --\0"),
                    )
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn skip_take() {
    snapshot!(
        Snap::default()
            .case("take(10)", |d| posts().take(10).statement(d))
            .case("skip(20)", |d| posts().skip(20).statement(d))
            .case("skip(20).take(10)", |d| posts()
                .skip(20)
                .take(10)
                .statement(d))
            .case("skip(0).take(10)", |d| posts()
                .skip(0)
                .take(10)
                .statement(d))
            .case("order_by(TITLE).skip(5).take(5)", |d| {
                posts().order_by(Post::TITLE).skip(5).take(5).statement(d)
            })
            .done()
    );
}

#[test]
fn cursor() {
    snapshot!(
        Snap::default()
            .case("cursor(ID.eq(5)) (no order: by the key)", |d| {
                posts().cursor(Post::ID.eq(5)).take(10).statement(d)
            })
            .case("CREATED_AT.desc() (non-null order)", |d| {
                posts()
                    .filter(Post::PUBLISHED.eq(true))
                    .order_by(Post::CREATED_AT.desc())
                    .cursor(Post::ID.eq(5))
                    .take(10)
                    .statement(d)
            })
            .case("PUBLISHED_AT.asc() (nullable order)", |d| {
                posts()
                    .order_by(Post::PUBLISHED_AT.asc())
                    .cursor(Post::ID.eq(5))
                    .take(10)
                    .statement(d)
            })
            .case("PUBLISHED_AT.desc().nulls_first() (nullable order)", |d| {
                posts()
                    .order_by(Post::PUBLISHED_AT.desc().nulls_first())
                    .cursor(Post::ID.eq(5))
                    .take(10)
                    .statement(d)
            })
            .case("AUTHOR.field(User::NAME).asc() (related field)", |d| {
                posts()
                    .order_by(Post::AUTHOR.field(User::NAME).asc())
                    .cursor(Post::ID.eq(5))
                    .take(10)
                    .statement(d)
            })
            .case("User POSTS.count().desc() (relation count)", |d| {
                User::find_many()
                    .order_by(User::POSTS.count().desc())
                    .cursor(User::EMAIL.eq("ada@example.com"))
                    .take(10)
                    .statement(d)
            })
            .case("PostTag cursor on the composite key", |d| {
                PostTag::find_many()
                    .cursor(PostTag::POST_ID_TAG.eq((1, "rust")))
                    .take(10)
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn distinct() {
    snapshot!(
        Snap::default()
            .case("distinct(AUTHOR_ID).order_by(CREATED_AT.desc())", |d| {
                posts()
                    .distinct(Post::AUTHOR_ID)
                    .order_by(Post::CREATED_AT.desc())
                    .statement(d)
            })
            .case("distinct(AUTHOR_ID).distinct(PUBLISHED).take(3)", |d| {
                posts()
                    .distinct(Post::AUTHOR_ID)
                    .distinct(Post::PUBLISHED)
                    .take(3)
                    .statement(d)
            })
            .case("User distinct(ROLE).with_count(POSTS)", |d| {
                User::find_many()
                    .distinct(User::ROLE)
                    .with_count(User::POSTS)
                    .statement(d)
            })
            .case("User distinct(ROLE).include(PROFILE) (Join)", |d| {
                User::find_many()
                    .distinct(User::ROLE)
                    .order_by(User::EMAIL)
                    .include(User::PROFILE)
                    .strategy(Strategy::Join)
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn aggregates() {
    snapshot!(
        Snap::default()
            .case("aggregate((count_rows, VIEW_COUNT.sum/avg/min, CREATED_AT.max, EXCERPT.count, AUTHOR_ID.count_distinct)).filter(PUBLISHED)", |d| {
                Post::aggregate((
                    Agg::count_rows(),
                    Post::VIEW_COUNT.sum(),
                    Post::VIEW_COUNT.avg(),
                    Post::VIEW_COUNT.min(),
                    Post::CREATED_AT.max(),
                    Post::EXCERPT.count(),
                    Post::AUTHOR_ID.count_distinct(),
                ))
                .filter(Post::PUBLISHED.eq(true))
                .statement(d)
            })
            .case("group_by(AUTHOR_ID).select((count_rows, VIEW_COUNT.sum)).having(count_rows > 2 & VIEW_COUNT.max ne 0).order_by(VIEW_COUNT.sum desc).skip(5).take(10)", |d| {
                Post::group_by((Post::AUTHOR_ID,))
                    .select((Agg::count_rows(), Post::VIEW_COUNT.sum()))
                    .having(Agg::count_rows().gt(2) & Post::VIEW_COUNT.max().ne(0))
                    .order_by(Post::VIEW_COUNT.sum().desc())
                    .skip(5)
                    .take(10)
                    .statement(d)
            })
            .case("group_by((AUTHOR_ID, PUBLISHED)).order_by(PUBLISHED.desc())", |d| {
                Post::group_by((Post::AUTHOR_ID, Post::PUBLISHED))
                    .order_by(Post::PUBLISHED.desc())
                    .statement(d)
            })
            .case("group_by(AUTHOR_ID).order_by(TITLE) (refused)", |d| {
                Post::group_by((Post::AUTHOR_ID,))
                    .order_by(Post::TITLE.asc())
                    .statement(d)
                    .unwrap_or_else(refusal)
            })
            .done()
    );
}

/// A refused statement, shown as the error it gives.
fn refusal(e: Error) -> Statement {
    Statement::text(format!("-- refused: {e}"))
}

#[test]
fn locks() {
    snapshot!(
        Snap::default()
            .case(
                "filter(PUBLISHED.eq(false)).order_by(ID).take(10).for_update().skip_locked()",
                |d| {
                    posts()
                        .filter(Post::PUBLISHED.eq(false))
                        .order_by(Post::ID.asc())
                        .take(10)
                        .for_update()
                        .skip_locked()
                        .statement(d)
                        .unwrap_or_else(refusal)
                }
            )
            .case("filter(ID.eq(1)).for_update().nowait()", |d| {
                posts()
                    .filter(Post::ID.eq(1))
                    .for_update()
                    .nowait()
                    .statement(d)
                    .unwrap_or_else(refusal)
            })
            .case(
                "for_share() with_count(POSTS), include(PROFILE) (Join asked: loads with Query)",
                |d| {
                    User::find_many()
                        .for_share()
                        .with_count(User::POSTS)
                        .include(User::PROFILE)
                        .strategy(Strategy::Join)
                        .statement(d)
                        .unwrap_or_else(refusal)
                }
            )
            .case("for_update().distinct(AUTHOR_ID) (refused)", |d| {
                posts()
                    .for_update()
                    .distinct(Post::AUTHOR_ID)
                    .statement(d)
                    .unwrap_or_else(refusal)
            })
            .case("skip_locked() without a lock (refused)", |d| {
                posts().skip_locked().statement(d).unwrap_or_else(refusal)
            })
            .done()
    );
}

#[test]
fn with_count() {
    snapshot!(
        Snap::default()
            .case("with_count(User::POSTS)", |d| {
                User::find_many().with_count(User::POSTS).statement(d)
            })
            .case("with_count(User::POSTS.filter(PUBLISHED.eq(true)))", |d| {
                User::find_many()
                    .with_count(User::POSTS.filter(Post::PUBLISHED.eq(true)))
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn include_join() {
    snapshot!(
        Snap::default()
            .case(
                "User include(POSTS.filter(PUBLISHED).order_by(CREATED_AT.desc()).take(3))",
                |d| {
                    User::find_many()
                        .include(
                            User::POSTS
                                .filter(Post::PUBLISHED.eq(true))
                                .order_by(Post::CREATED_AT.desc())
                                .take(3),
                        )
                        .strategy(Strategy::Join)
                        .statement(d)
                },
            )
            .case("User include(POSTS.skip(2)) (to-many, offset only)", |d| {
                User::find_many()
                    .include(User::POSTS.skip(2))
                    .strategy(Strategy::Join)
                    .statement(d)
            })
            .case("User include(POSTS) (to-many, default order)", |d| {
                User::find_many()
                    .include(User::POSTS)
                    .strategy(Strategy::Join)
                    .statement(d)
            })
            .case("Post include(AUTHOR) (to-one)", |d| {
                posts()
                    .include(Post::AUTHOR)
                    .strategy(Strategy::Join)
                    .statement(d)
            })
            .case("User include(PROFILE) (has-one)", |d| {
                User::find_many()
                    .include(User::PROFILE)
                    .strategy(Strategy::Join)
                    .statement(d)
            })
            .case(
                "User include(POSTS.include(COMMENTS.take(2)).with_count(TAGS)).with_count(POSTS) (nested)",
                |d| {
                    User::find_many()
                        .include(
                            User::POSTS
                                .include(Post::COMMENTS.take(2))
                                .with_count(Post::TAGS),
                        )
                        .with_count(User::POSTS)
                        .strategy(Strategy::Join)
                        .take(10)
                        .statement(d)
                },
            )
            .case(
                "Post include(REVIEWS) (floats: SQLite loads with Query instead)",
                |d| {
                    posts()
                        .include(Post::REVIEWS)
                        .strategy(Strategy::Join)
                        .statement(d)
                },
            )
            .case("User include(POSTS) without .strategy (the backend's default)", |d| {
                User::find_many().include(User::POSTS).statement(d)
            })
            .done()
    );
}

#[test]
fn include_query() {
    let user_keys = || vec![Value::String("u1".into()), Value::String("u2".into())];
    snapshot!(
        Snap::default()
            .case(
                "User include(POSTS.filter(PUBLISHED).order_by(CREATED_AT.desc()).take(3)): parents, then children",
                |d| {
                    let rel = User::POSTS
                        .filter(Post::PUBLISHED.eq(true))
                        .order_by(Post::CREATED_AT.desc())
                        .take(3);
                    let children = rel.children_statement(d, user_keys());
                    let parents = User::find_many()
                        .include(rel)
                        .strategy(Strategy::Query)
                        .statement(d);
                    vec![parents.unwrap(), children.unwrap()]
                },
            )
            .case("POSTS.skip(1).take(2) children (per-parent page)", |d| {
                User::POSTS.skip(1).take(2).children_statement(d, user_keys())
            })
            .case("POSTS.skip(1) children (offset only)", |d| {
                User::POSTS.skip(1).children_statement(d, user_keys())
            })
            .case("POSTS children with_count(COMMENTS), one key", |d| {
                User::POSTS
                    .with_count(Post::COMMENTS)
                    .children_statement(d, vec![Value::String("u1".into())])
            })
            .case("Post AUTHOR children (to-one)", |d| {
                Post::AUTHOR.query().children_statement(d, user_keys())
            })
            .case("PostTag POST children (i64 keys)", |d| {
                PostTag::POST
                    .query()
                    .children_statement(d, vec![Value::I64(1), Value::I64(2)])
            })
            .done()
    );
}

#[test]
fn relation_filters() {
    snapshot!(
        Snap::default()
            .case("POSTS.some(PUBLISHED.eq(true))", |d| {
                User::find_many()
                    .filter(User::POSTS.some(Post::PUBLISHED.eq(true)))
                    .statement(d)
            })
            .case("POSTS.every(PUBLISHED.eq(true))", |d| {
                User::find_many()
                    .filter(User::POSTS.every(Post::PUBLISHED.eq(true)))
                    .statement(d)
            })
            .case("POSTS.every(EXCERPT.eq(\"x\")) (nullable)", |d| {
                User::find_many()
                    .filter(User::POSTS.every(Post::EXCERPT.eq("x")))
                    .statement(d)
            })
            .case("POSTS.none(PUBLISHED.eq(true))", |d| {
                User::find_many()
                    .filter(User::POSTS.none(Post::PUBLISHED.eq(true)))
                    .statement(d)
            })
            .case(
                "POSTS.count().gt(5) & POSTS.filter(..).count().eq(0)",
                |d| {
                    User::find_many()
                        .filter(
                            User::POSTS.count().gt(5)
                                & User::POSTS.filter(Post::PUBLISHED.eq(true)).count().eq(0),
                        )
                        .statement(d)
                }
            )
            .case(
                "Post AUTHOR.is(NAME.eq(\"Ada\")) & AUTHOR.is_not(ROLE.eq(Admin))",
                |d| {
                    posts()
                        .filter(
                            Post::AUTHOR.is(User::NAME.eq("Ada"))
                                & Post::AUTHOR.is_not(User::ROLE.eq(Role::Admin)),
                        )
                        .statement(d)
                }
            )
            .case("User PROFILE.is_set() | PROFILE.is_unset()", |d| {
                User::find_many()
                    .filter(User::PROFILE.is_set() | User::PROFILE.is_unset())
                    .statement(d)
            })
            .case(
                "POSTS.some(COMMENTS.some(BODY.contains(\"hi\"))) (nested)",
                |d| {
                    User::find_many()
                        .filter(User::POSTS.some(Post::COMMENTS.some(Comment::BODY.contains("hi"))))
                        .statement(d)
                },
            )
            .case("User::POSTS.of_unique(User::EMAIL.eq(..)) (fluent)", |d| {
                User::POSTS
                    .of_unique(User::EMAIL.eq("ada@example.com"))
                    .statement(d)
            })
            .done()
    );
}

#[test]
fn count() {
    snapshot!(
        Snap::default()
            .case("Post::count()", |d| posts().count_statement(d))
            .case("Post::count().filter(VIEW_COUNT.gt(100))", |d| {
                posts().filter(Post::VIEW_COUNT.gt(100)).count_statement(d)
            })
            .case("Post::count().distinct(AUTHOR_ID)", |d| {
                posts().distinct(Post::AUTHOR_ID).count_statement(d)
            })
            .case("find_many().skip(5).take(10).count()", |d| {
                posts().skip(5).take(10).count_statement(d)
            })
            .case(
                "find_many().order_by(..).cursor(..).take(10).count()",
                |d| {
                    posts()
                        .order_by(Post::CREATED_AT.desc())
                        .cursor(Post::ID.eq(5))
                        .take(10)
                        .count_statement(d)
                }
            )
            .done()
    );
}

// ---------------------------------------------------------------------------------------------
// Writes.

#[test]
fn create() {
    snapshot!(
        Snap::default()
            .case("User::create(..) (every column given)", |d| {
                User::create(new_user()).statement(d).map(Vec::from)
            })
            .case(
                "Post::create(..) (auto-increment key left to the database)",
                |d| {
                    Post::create(new_post(None, "hello"))
                        .statement(d)
                        .map(Vec::from)
                }
            )
            .case("Post::create(..) with the key given", |d| {
                Post::create(new_post(Some(7), "hello"))
                    .statement(d)
                    .map(Vec::from)
            })
            .case("PostTag::create(..) (composite key, default weight)", |d| {
                PostTag::create(NewPostTag {
                    post_id: 1,
                    tag: "rust".into(),
                    weight: None,
                })
                .statement(d)
                .map(Vec::from)
            })
            .done()
    );
}

#[test]
fn create_many() {
    let rows = || {
        vec![
            new_post(Some(1), "a"),
            new_post(Some(2), "b"),
            new_post(Some(3), "c"),
        ]
    };
    snapshot!(
        Snap::default()
            .case("create_many(3 rows)", |d| {
                Post::create_many(rows()).statements(d, usize::MAX)
            })
            .case("create_many(3 rows).skip_duplicates()", |d| {
                Post::create_many(rows())
                    .skip_duplicates()
                    .statements(d, usize::MAX)
            })
            .case(
                "create_many([key given, key left to the database]) (two column sets)",
                |d| {
                    Post::create_many([new_post(Some(1), "a"), new_post(None, "b")])
                        .statements(d, usize::MAX)
                },
            )
            .case("create_many(3 rows) under a 100-byte budget (split)", |d| {
                Post::create_many(rows()).statements(d, 100)
            })
            .done()
    );
}

#[test]
fn upsert() {
    snapshot!(
        Snap::default()
            .case(
                "User::upsert(EMAIL.eq(..), new).set(NAME, \"Ada L.\").increment(KARMA, 1)",
                |d| {
                    User::upsert(User::EMAIL.eq("ada@example.com"), new_user())
                        .set(User::NAME, "Ada L.")
                        .increment(User::KARMA, 1)
                        .statement(d).map(Vec::from)
                },
            )
            .case("User::upsert(EMAIL.eq(..), new) (no changes)", |d| {
                User::upsert(User::EMAIL.eq("ada@example.com"), new_user()).statement(d).map(Vec::from)
            })
            .case(
                "Post::upsert(AUTHOR_ID_SLUG.eq(..), new).multiply(VIEW_COUNT, 2) (updated_at set by itself)",
                |d| {
                    Post::upsert(Post::AUTHOR_ID_SLUG.eq(("u1", "hello")), new_post(Some(7), "hello"))
                        .multiply(Post::VIEW_COUNT, 2)
                        .statement(d).map(Vec::from)
                },
            )
            .case("User::upsert(ID.eq(..), new).divide(KARMA, 2)", |d| {
                User::upsert(User::ID.eq("u1"), new_user())
                    .divide(User::KARMA, 2)
                    .statement(d).map(Vec::from)
            })
            .done()
    );
}

#[test]
fn upsert_many() {
    let rows = || vec![new_post(Some(1), "a"), new_post(Some(2), "b")];
    snapshot!(
        Snap::default()
            .case("create_many(..).upsert_on(AUTHOR_ID_SLUG)", |d| {
                Post::create_many(rows())
                    .upsert_on(Post::AUTHOR_ID_SLUG)
                    .statements(d, usize::MAX)
            })
            .case(
                "create_many(..).upsert_on(AUTHOR_ID_SLUG).update_only([TITLE])",
                |d| {
                    Post::create_many(rows())
                        .upsert_on(Post::AUTHOR_ID_SLUG)
                        .update_only([Post::TITLE])
                        .statements(d, usize::MAX)
                }
            )
            .case("User create_many(..).upsert_on(EMAIL)", |d| {
                User::create_many([new_user()])
                    .upsert_on(User::EMAIL)
                    .statements(d, usize::MAX)
            })
            .done()
    );
}

#[test]
fn update() {
    let fixed = at(2024, 6, 1, 0, 0, 0);
    snapshot!(
        Snap::default()
            .case(
                "Post::update(ID.eq(1)).set(TITLE, ..).increment(VIEW_COUNT, 1).set(UPDATED_AT, ..)",
                |d| {
                    Post::update(Post::ID.eq(1))
                        .set(Post::TITLE, "Renamed")
                        .increment(Post::VIEW_COUNT, 1)
                        .set(Post::UPDATED_AT, fixed)
                        .statement(d).map(Vec::from)
                },
            )
            .case("Post::update(ID.eq(1)).set(EXCERPT, None) (updated_at set by itself)", |d| {
                Post::update(Post::ID.eq(1))
                    .set(Post::EXCERPT, None)
                    .statement(d).map(Vec::from)
            })
            .case("User::update(ID.eq(..)).decrement(KARMA, 3).divide(KARMA, 2) (the last wins)", |d| {
                User::update(User::ID.eq("u1"))
                    .decrement(User::KARMA, 3)
                    .divide(User::KARMA, 2)
                    .statement(d).map(Vec::from)
            })
            .case("Sample::update(..) arithmetic on i16, i64, f64", |d| {
                Sample::update(Sample::ID.eq(1))
                    .increment(Sample::SMALL, 1)
                    .multiply(Sample::BIG, 3)
                    .divide(Sample::RATIO, 2.0)
                    .statement(d).map(Vec::from)
            })
            .case("User::update(EMAIL.eq(..)).set(EMAIL, ..) (read back by the new key)", |d| {
                User::update(User::EMAIL.eq("ada@example.com"))
                    .set(User::EMAIL, "ada@lovelace.org")
                    .statement(d).map(Vec::from)
            })
            .case("Profile::update(ID.eq(1)) (nothing to set: the row is read)", |d| {
                Profile::update(Profile::ID.eq(1)).statement(d).map(Vec::from)
            })
            .case("Post::update(AUTHOR_ID_SLUG.eq(..)) (compound key)", |d| {
                Post::update(Post::AUTHOR_ID_SLUG.eq(("u1", "hello")))
                    .set(Post::PUBLISHED, false)
                    .set(Post::UPDATED_AT, fixed)
                    .statement(d).map(Vec::from)
            })
            .done()
    );
}

#[test]
fn update_many() {
    let fixed = at(2024, 6, 1, 0, 0, 0);
    snapshot!(
        Snap::default()
            .case(
                "Post::update_many().filter(PUBLISHED.eq(false)).set(EXCERPT, None)",
                |d| {
                    Post::update_many()
                        .filter(Post::PUBLISHED.eq(false))
                        .set(Post::EXCERPT, None)
                        .set(Post::UPDATED_AT, fixed)
                        .statement(d)
                }
            )
            .case("User::update_many().increment(KARMA, 1) (no filter)", |d| {
                User::update_many().increment(User::KARMA, 1).statement(d)
            })
            .case("Profile::update_many() (nothing to set)", |d| {
                Profile::update_many().statement(d)
            })
            .done()
    );
}

#[test]
fn delete() {
    snapshot!(
        Snap::default()
            .case("Post::delete(ID.eq(1))", |d| Post::delete(Post::ID.eq(1))
                .statement(d)
                .map(Vec::from))
            .case("PostTag::delete(POST_ID_TAG.eq((1, \"rust\")))", |d| {
                PostTag::delete(PostTag::POST_ID_TAG.eq((1, "rust")))
                    .statement(d)
                    .map(Vec::from)
            })
            .case("Post::delete_many().filter(VIEW_COUNT.eq(0))", |d| {
                Post::delete_many()
                    .filter(Post::VIEW_COUNT.eq(0))
                    .statement(d)
            })
            .case("Post::delete_many() (every row)", |d| {
                Post::delete_many().statement(d)
            })
            .done()
    );
}

// ---------------------------------------------------------------------------------------------
// Refusals: statements the writer refuses before anything is sent.

/// The dialects that refuse the statement `build` makes, with the reason each gives.
fn refusals<S>(build: impl Fn(Dialect) -> crate::Result<S>) -> Vec<(&'static str, String)> {
    DIALECTS
        .iter()
        .filter_map(|&(name, d)| match build(d) {
            Ok(_) => None,
            Err(Error::InvalidValue { reason, .. }) => Some((name, reason)),
            Err(e) => panic!("{name}: not an InvalidValue: {e:?}"),
        })
        .collect()
}

fn names(r: &[(&'static str, String)]) -> Vec<&'static str> {
    r.iter().map(|(n, _)| *n).collect()
}

#[test]
fn refused_nan() {
    let r = refusals(|d| {
        Sample::update(Sample::ID.eq(1))
            .set(Sample::RATIO, f64::NAN)
            .statement(d)
    });
    assert_eq!(names(&r), ["mysql", "mariadb", "sqlite"]);
    assert_eq!(r[2].1, "SQLite cannot store NaN");
    // Infinity: only MySQL and MariaDB.
    let r = refusals(|d| {
        Sample::find_many()
            .filter(Sample::RATIO.lt(f64::INFINITY))
            .statement(d)
    });
    assert_eq!(names(&r), ["mysql", "mariadb"]);
}

#[test]
fn refused_nul_in_postgres_text() {
    let r = refusals(|d| posts().filter(Post::TITLE.eq("a\0b")).statement(d));
    assert_eq!(names(&r), ["postgres"]);
    assert_eq!(r[0].1, "PostgreSQL text cannot hold a NUL character");
    // Also inside an IN list and a text pattern.
    let r = refusals(|d| posts().filter(Post::SLUG.in_(["a", "b\0"])).statement(d));
    assert_eq!(names(&r), ["postgres"]);
    let r = refusals(|d| posts().filter(Post::TITLE.contains("\0")).statement(d));
    assert_eq!(names(&r), ["postgres"]);
}

#[test]
fn refused_division_by_zero() {
    let r = refusals(|d| {
        Post::update(Post::ID.eq(1))
            .divide(Post::VIEW_COUNT, 0)
            .statement(d)
    });
    assert_eq!(names(&r), ["postgres", "mysql", "mariadb", "sqlite"]);
    assert!(r.iter().all(|(_, reason)| reason == "division by zero"));
    let r = refusals(|d| {
        Sample::update_many()
            .divide(Sample::RATIO, 0.0)
            .statement(d)
    });
    assert_eq!(names(&r).len(), 4);
}

#[test]
fn refused_other_values() {
    // Nanoseconds in a written date-time (compared ones are rewritten, see above).
    let r = refusals(|d| {
        Post::update_many()
            .set(Post::PUBLISHED_AT, with_nanos())
            .statement(d)
    });
    assert_eq!(names(&r).len(), 4);
    // A date before year 1000: MySQL and MariaDB only.
    let r = refusals(|d| {
        Sample::update(Sample::ID.eq(1))
            .set(Sample::DAY, NaiveDate::from_ymd_opt(999, 12, 31).unwrap())
            .statement(d)
    });
    assert_eq!(names(&r), ["mysql", "mariadb"]);
    // Decimal arithmetic: SQLite stores decimals as text.
    let r = refusals(|d| {
        Sample::update(Sample::ID.eq(1))
            .increment(Sample::PRICE, Decimal::ONE)
            .statement(d)
    });
    assert_eq!(names(&r), ["sqlite"]);
    // In a bulk insert.
    let r = refusals(|d| {
        let mut bad = new_post(Some(2), "b");
        bad.title = "a\0".into();
        Post::create_many([new_post(Some(1), "a"), bad]).statements(d, usize::MAX)
    });
    assert_eq!(names(&r), ["postgres"]);
}

#[test]
fn refused_queries() {
    // Arithmetic on the key a MySQL update reads its row back by.
    for (name, d) in DIALECTS {
        let r = Post::update(Post::ID.eq(1))
            .increment(Post::ID, 1)
            .statement(d);
        let refused = matches!(r, Err(Error::InvalidQuery(_)));
        assert_eq!(refused, d.backend == Backend::MySql, "{name}");
    }
    // An upsert's key must be the key alone, and the created row must carry it.
    let narrowed = User::upsert(
        User::EMAIL.eq("ada@example.com").and(User::KARMA.gt(0)),
        new_user(),
    )
    .statement(Dialect::POSTGRES);
    assert!(matches!(narrowed, Err(Error::InvalidQuery(_))));
    let other =
        User::upsert(User::EMAIL.eq("bob@example.com"), new_user()).statement(Dialect::SQLITE);
    assert!(matches!(other, Err(Error::InvalidQuery(_))));
}
