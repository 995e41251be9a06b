//! Coming from Prisma, without a database: `orm import prisma` reads the seed's `schema.prisma`
//! (`tests/fixtures/schema.prisma`) and writes models for our derive.
//!
//! On PostgreSQL the imported models are compiled and run by trybuild against the seed's schema as
//! Prisma lays it out (`tests/fixtures/prisma-seed-schema.sql`): they describe it exactly (no
//! diff), verify, and read through their relations. An implicit many-to-many relation imports as
//! Prisma's relation table, which `Schema::push` creates. Errors name their line; the CLI command
//! exits as documented.

use orm_runtime::migrate::cli::Cli;
use orm_runtime::migrate::{PrismaImportError, import_prisma, prisma_dialect};
use orm_runtime::sql::Dialect;

const SCHEMA: &str = include_str!("../fixtures/schema.prisma");
const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/schema.prisma");

/// Posts and categories joined by an implicit many-to-many relation.
const MANY_TO_MANY: &str = r#"
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Post {
  id         Int        @id @default(autoincrement())
  title      String
  categories Category[]
}

model Category {
  id    Int    @id @default(autoincrement())
  name  String @unique
  posts Post[]
}
"#;

fn import_error(source: &str) -> PrismaImportError {
    match import_prisma(source, Dialect::POSTGRES) {
        Ok(out) => panic!("expected an error, got\n{out}"),
        Err(e) => e,
    }
}

fn contains(source: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(source.contains(w), "missing {w:?} in\n{source}");
    }
}

/// The seed's schema names PostgreSQL; its models carry Prisma's names, types and relations.
#[test]
fn the_seed_schema_imports() {
    assert_eq!(prisma_dialect(SCHEMA).unwrap(), Some(Dialect::POSTGRES));
    let pg = import_prisma(SCHEMA, Dialect::POSTGRES).unwrap();
    contains(
        &pg,
        &[
            "#[orm(name = \"NotificationType\")]\npub enum NotificationType {",
            "#[orm(table = \"users\")]\npub struct User {",
            "#[orm(id, default = cuid)]\n    pub id: String,",
            "#[orm(column = \"createdAt\", db_type = \"timestamp(3)\", default = now)]\n    pub created_at: chrono::NaiveDateTime,",
            "#[orm(column = \"updatedAt\", db_type = \"timestamp(3)\", updated_at)]\n    pub updated_at: chrono::NaiveDateTime,",
            "#[orm(default = Role::User)]\n    pub role: Role,",
            "#[orm(has_many(inverse = following))]\n    pub followers: HasMany<Follow>,",
            "#[orm(has_many(inverse = sender))]\n    pub sent_notifications: HasMany<Notification>,",
            "#[orm(has_one)]\n    pub settings: HasOne<UserSettings>,",
            "#[orm(table = \"posts\", index(published, created_at), index(author_id, created_at))]",
            "#[orm(unique, index)]\n    pub slug: String,",
            "#[orm(belongs_to(fk = author_id, on_delete = Cascade, on_update = Cascade))]\n    pub author: BelongsTo<User>,",
            "#[orm(belongs_to(fk = category_id, on_delete = SetNull, on_update = Cascade, index = false))]\n    pub category: BelongsTo<Option<Category>>,",
            "#[orm(table = \"post_tags\", id(post_id, tag_id))]",
            "#[orm(belongs_to(fk = tag_id, on_delete = Cascade, on_update = Cascade, index = false))]",
            "#[orm(has_many)]\n    pub replies: HasMany<Comment>,",
            "pub r#type: NotificationType,",
            "pub metadata: Option<serde_json::Value>,",
            "#[orm(table = \"accounts\", unique(provider, provider_account_id))]",
            "pub fn schema() -> orm_runtime::Schema {",
        ],
    );
    // MySQL: `varchar(191)` strings (the derive's default), `@db.Text` as `TEXT`, `datetime(3)`.
    let my = import_prisma(SCHEMA, Dialect::MYSQL).unwrap();
    contains(
        &my,
        &[
            "#[orm(db_type = \"TEXT\")]\n    pub bio: Option<String>,",
            "#[orm(column = \"createdAt\", db_type = \"datetime(3)\", default = now)]\n    pub created_at: chrono::DateTime<chrono::Utc>,",
            "    pub email: String,",
        ],
    );
    // SQLite has no native types: `@db.Text` is refused, naming its line.
    let e = import_prisma(SCHEMA, Dialect::SQLITE).unwrap_err();
    assert_eq!((e.line, e.column), (19, 22), "{e}");
    assert!(e.message.contains("`@db.Text`"), "{e}");
}

/// Every construct the derive cannot express is an error naming the line; syntax errors name the
/// line and column.
#[test]
fn errors_name_the_line() {
    let e = import_error(
        "model User {\n  id    String @id @default(dbgenerated(\"gen_random_uuid()\"))\n  email String\n}\n",
    );
    assert_eq!((e.line, e.column), (2, 29), "{e}");
    assert!(
        e.message
            .contains("`@default(dbgenerated(..))` is not supported"),
        "{e}"
    );

    let e = import_error("model User {\n  id   Int      @id\n  tags String[]\n}\n");
    assert_eq!(e.line, 3, "{e}");
    assert!(
        e.message
            .contains("scalar lists (`String[]`) are not supported"),
        "{e}"
    );

    let e = import_error("model User {\n  id Int @id\n}\n\ntype Address {\n  street String\n}\n");
    assert_eq!((e.line, e.column), (5, 1), "{e}");
    assert!(e.message.contains("composite types"), "{e}");

    let e = import_error("model User {\n  id   Int    @id\n  name String @trim\n}\n");
    assert_eq!((e.line, e.column), (3, 15), "{e}");
    assert_eq!(e.message, "unknown attribute `@trim` on field `name`");

    let e = import_error("model User {\n  id Int @id\n  @@index([id], map: \"users_by_id\")\n}\n");
    assert_eq!(e.line, 3, "{e}");
    assert!(
        e.message
            .contains("custom constraint names are not supported"),
        "{e}"
    );

    // Syntax: a missing `)` is found at the next token, a stray character where it is.
    let e = import_error("model User {\n  id String @id @default(cuid()\n}\n");
    assert_eq!((e.line, e.column), (3, 1), "{e}");
    assert_eq!(e.message, "expected `,` or `)`, found `}`");
    let e = import_error("model User {\n  id Int @id\n  name String;\n}\n");
    assert_eq!((e.line, e.column), (3, 14), "{e}");
    assert_eq!(e.to_string(), "line 3, column 14: unexpected character `;`");
}

/// An implicit many-to-many relation becomes Prisma's relation table: `_CategoryToPost` with `A`
/// (the category, first by model name) and `B` (the post), keyed by both, indexed on `B`.
#[test]
fn implicit_many_to_many_imports_the_relation_table() {
    let source = import_prisma(MANY_TO_MANY, Dialect::POSTGRES).unwrap();
    contains(
        &source,
        &[
            "#[orm(table = \"_CategoryToPost\", id(a, b), index(b))]\npub struct CategoryToPost {",
            "#[orm(column = \"A\")]\n    pub a: i32,",
            "#[orm(column = \"B\")]\n    pub b: i32,",
            "#[orm(belongs_to(fk = a, on_delete = Cascade, on_update = Cascade))]\n    pub category: BelongsTo<Category>,",
            "#[orm(belongs_to(fk = b, on_delete = Cascade, on_update = Cascade))]\n    pub post: BelongsTo<Post>,",
            "#[orm(has_many)]\n    pub categories: HasMany<CategoryToPost>,",
            "#[orm(has_many)]\n    pub posts: HasMany<CategoryToPost>,",
            "        .model::<CategoryToPost>()\n}",
        ],
    );
}

/// `orm import prisma <PATH> [--output FILE]`: exit 0 and the models in the file; the dialect from
/// the database URL when one is given, else from the schema's provider; 1 for a schema that does
/// not import or cannot be read, 2 for bad usage.
#[test]
fn cli_import_prisma() {
    let dir = std::env::temp_dir()
        .join("orm-tests")
        .join(format!("prisma-import-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let cli = |args: &[&str]| -> u8 {
        let mut all = vec!["orm"];
        all.extend_from_slice(args);
        Cli::new(orm_runtime::Schema::new()).exit_status_from(all)
    };
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();

    let out = path("pg.rs");
    let url = ["--database-url", "postgres://nobody@127.0.0.1:1/none"];
    assert_eq!(
        cli(&[
            &url[..],
            &["import", "prisma", SCHEMA_PATH, "--output", &out]
        ]
        .concat()),
        0
    );
    assert_eq!(
        read("pg.rs"),
        import_prisma(SCHEMA, Dialect::POSTGRES).unwrap()
    );

    // The URL's backend wins over the schema's provider (and nothing connects to it).
    let out = path("sqlite.rs");
    std::fs::write(dir.join("plain.prisma"), SCHEMA.replace(" @db.Text", "")).unwrap();
    let plain = path("plain.prisma");
    assert_eq!(
        cli(&[
            "--database-url",
            "sqlite::memory:",
            "import",
            "prisma",
            &plain,
            "-o",
            &out
        ]),
        0
    );
    assert!(
        read("sqlite.rs")
            .contains("#[orm(column = \"createdAt\", db_type = \"datetime\", default = now)]")
    );

    // Without a URL (when the environment has none), the provider decides.
    if std::env::var_os("DATABASE_URL").is_none() {
        let out = path("provider.rs");
        assert_eq!(cli(&["import", "prisma", SCHEMA_PATH, "--output", &out]), 0);
        assert_eq!(read("provider.rs"), read("pg.rs"));
    }

    // A schema that does not import: exit 1, no file.
    std::fs::write(
        dir.join("bad.prisma"),
        "model A {\n  id Int @id\n  tags String[]\n}\n",
    )
    .unwrap();
    let out = path("bad.rs");
    assert_eq!(
        cli(&[
            &url[..],
            &["import", "prisma", &path("bad.prisma"), "--output", &out]
        ]
        .concat()),
        1
    );
    assert!(!dir.join("bad.rs").exists());
    // A file that cannot be read: 1; a missing path or an unknown URL scheme: usage, 2.
    assert_eq!(
        cli(&[&url[..], &["import", "prisma", &path("missing.prisma")]].concat()),
        1
    );
    assert_eq!(cli(&["import", "prisma"]), 2);
    assert_eq!(
        cli(&["--database-url", "ftp://x", "import", "prisma", SCHEMA_PATH]),
        2
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(orm_postgres)]
mod postgres {
    use super::*;
    use orm_runtime::prelude::*;
    use orm_tests::isolation::{IsolatedDb, TestBackend};

    /// The seed's schema as Prisma creates it on PostgreSQL.
    const FIXTURE: &str = include_str!("../fixtures/prisma-seed-schema.sql");

    /// Rows as Prisma's client writes them: cuid ids and `updatedAt` from the client, millisecond
    /// timestamps.
    const ROWS: &str = r#"
INSERT INTO users (id, email, username, name, role, "createdAt", "updatedAt") VALUES
  ('u_ada', 'ada@example.com', 'ada', 'Ada', 'ADMIN', '2024-01-01 10:00:00.123', '2024-01-01 10:00:00.123'),
  ('u_bob', 'bob@example.com', 'bob', 'Bob', 'USER', '2024-01-02 10:00:00', '2024-01-02 10:00:00'),
  ('u_cy', 'cy@example.com', NULL, NULL, 'USER', '2024-01-03 10:00:00', '2024-01-03 10:00:00');
INSERT INTO user_settings (id, "userId", theme) VALUES ('s_ada', 'u_ada', 'DARK');
INSERT INTO categories (id, name, slug) VALUES ('c_tech', 'Tech', 'tech');
INSERT INTO posts (id, title, content, slug, published, "createdAt", "updatedAt", "authorId", "categoryId") VALUES
  ('p1', 'First', 'one', 'first', true, '2024-02-01 09:00:00', '2024-02-01 09:00:00', 'u_ada', 'c_tech'),
  ('p2', 'Second', 'two', 'second', true, '2024-02-02 09:00:00', '2024-02-02 09:00:00', 'u_ada', NULL),
  ('p3', 'Draft', 'three', 'draft', false, '2024-02-03 09:00:00', '2024-02-03 09:00:00', 'u_bob', NULL),
  ('p4', 'Fourth', 'four', 'fourth', true, '2024-02-04 09:00:00', '2024-02-04 09:00:00', 'u_bob', 'c_tech');
INSERT INTO tags (id, name, slug) VALUES ('t_rust', 'rust', 'rust'), ('t_sql', 'sql', 'sql');
INSERT INTO post_tags ("postId", "tagId") VALUES ('p1', 't_rust'), ('p2', 't_rust'), ('p2', 't_sql'), ('p4', 't_rust');
INSERT INTO comments (id, content, "createdAt", "updatedAt", "postId", "authorId", "parentId") VALUES
  ('k1', 'nice', '2024-02-05 09:00:00', '2024-02-05 09:00:00', 'p1', 'u_bob', NULL),
  ('k2', 'thanks', '2024-02-05 10:00:00', '2024-02-05 10:00:00', 'p1', 'u_ada', 'k1');
INSERT INTO likes (id, "userId", "postId") VALUES ('l1', 'u_bob', 'p1'), ('l2', 'u_cy', 'p1'), ('l3', 'u_ada', 'p4');
INSERT INTO follows (id, "followerId", "followingId") VALUES ('f1', 'u_bob', 'u_ada'), ('f2', 'u_cy', 'u_ada'), ('f3', 'u_ada', 'u_bob');
INSERT INTO notifications (id, type, title, message, "recipientId", "senderId") VALUES ('n1', 'LIKE', 'Like', 'Bob liked First', 'u_ada', 'u_bob');
"#;

    /// What Prisma's migrate writes for [`MANY_TO_MANY`] on PostgreSQL (Prisma 6 and later: the
    /// relation table has a primary key `_AB_pkey`, no longer a unique index `_AB_unique`).
    const PRISMA_MANY_TO_MANY: &str = r#"
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Category" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "Category_pkey" PRIMARY KEY ("id"));
CREATE TABLE "_CategoryToPost" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL, CONSTRAINT "_CategoryToPost_AB_pkey" PRIMARY KEY ("A","B"));
CREATE UNIQUE INDEX "Category_name_key" ON "Category"("name");
CREATE INDEX "_CategoryToPost_B_index" ON "_CategoryToPost"("B");
ALTER TABLE "_CategoryToPost" ADD CONSTRAINT "_CategoryToPost_A_fkey" FOREIGN KEY ("A") REFERENCES "Category"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "_CategoryToPost" ADD CONSTRAINT "_CategoryToPost_B_fkey" FOREIGN KEY ("B") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;
"#;

    /// The seed program: the imported models against the fixture's database.
    const SEED_MAIN: &str = r#"
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let db = Client::connect(URL).await.unwrap();
    let d = db.dialect();

    // The imported models describe the database Prisma made exactly.
    let live = orm_runtime::schema::introspect(&db).await.unwrap();
    let steps: Vec<String> = orm_runtime::schema::diff(&live, &schema().describe(d), d)
        .iter()
        .map(|s| s.describe())
        .collect();
    assert!(steps.is_empty(), "the imported models differ from the database: {steps:#?}");
    schema().verify().unwrap();

    // Counts and includes through the imported relations, named relations among them.
    let ada = User::find_unique(User::EMAIL.eq("ada@example.com"))
        .include(User::SETTINGS)
        .with_count(User::POSTS.filter(Post::PUBLISHED.eq(true)))
        .with_count(User::FOLLOWERS)
        .with_count(User::FOLLOWING)
        .with_count(User::NOTIFICATIONS)
        .with_count(User::SENT_NOTIFICATIONS)
        .with_count(User::LIKES)
        .exec(&db)
        .await
        .unwrap()
        .expect("ada");
    assert_eq!(ada.role, Role::Admin);
    assert_eq!(ada.created_at.and_utc().timestamp_subsec_millis(), 123);
    assert_eq!(ada.settings.get().map(|s| s.theme), Some(Theme::Dark));
    assert_eq!(ada.posts.count(), Some(2));
    assert_eq!(ada.followers.count(), Some(2), "follows whose `following` is ada");
    assert_eq!(ada.following.count(), Some(1), "follows whose `follower` is ada");
    assert_eq!(ada.notifications.count(), Some(1));
    assert_eq!(ada.sent_notifications.count(), Some(0));
    assert_eq!(ada.likes.count(), Some(1));

    let bob = User::find_unique(User::ID.eq("u_bob"))
        .include(User::FOLLOWERS.include(Follow::FOLLOWER))
        .include(User::SENT_NOTIFICATIONS)
        .exec(&db)
        .await
        .unwrap()
        .expect("bob");
    let followers: Vec<Option<String>> = bob
        .followers
        .get()
        .unwrap()
        .iter()
        .map(|f| f.follower.get().and_then(|u| u.name.clone()))
        .collect();
    assert_eq!(followers, [Some("Ada".to_owned())]);
    assert_eq!(bob.sent_notifications.get().map(|n| n.len()), Some(1));

    // Published posts, newest first, with author, category, tags (through `post_tags`) and likes.
    let posts = Post::find_many()
        .filter(Post::PUBLISHED.eq(true))
        .include(Post::AUTHOR)
        .include(Post::CATEGORY)
        .include(Post::TAGS.include(PostTag::TAG))
        .with_count(Post::LIKES)
        .order_by(Post::CREATED_AT.desc())
        .exec(&db)
        .await
        .unwrap();
    let ids: Vec<&str> = posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p4", "p2", "p1"]);
    assert_eq!(posts[0].author.get().map(|u| u.email.as_str()), Some("bob@example.com"));
    assert_eq!(posts[0].category.get().map(|c| c.slug.as_str()), Some("tech"));
    assert!(posts[1].category.get().is_none());
    let tags: Vec<&str> = posts[1]
        .tags
        .get()
        .unwrap()
        .iter()
        .filter_map(|t| t.tag.get().map(|t| t.name.as_str()))
        .collect();
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert_eq!(posts[2].likes.count(), Some(2));

    // A comment thread: the self-relation named `CommentReplies`.
    let threads = Comment::find_many()
        .filter(Comment::PARENT_ID.is_null())
        .include(Comment::REPLIES)
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].replies.get().map(|r| r[0].id.as_str()), Some("k2"));

    // A write: the id (cuid) and `updatedAt` come from the client, at the column's precision.
    let post = Post::create(NewPost {
        title: "Fifth".into(),
        content: "five".into(),
        slug: "fifth".into(),
        author_id: "u_cy".into(),
        ..Default::default()
    })
    .exec(&db)
    .await
    .unwrap();
    assert_eq!(post.id.len(), 24, "a cuid: {}", post.id);
    assert_eq!(post.updated_at.and_utc().timestamp_subsec_nanos() % 1_000_000, 0);
    let read = Post::find_unique(Post::SLUG.eq("fifth")).exec(&db).await.unwrap().unwrap();
    assert_eq!(read.updated_at, post.updated_at);
    db.close().await;
}
"#;

    /// The many-to-many program: `Schema::push` creates the relation table, rows go through it,
    /// and against what Prisma creates only the relation table's constraint names differ.
    const MANY_TO_MANY_MAIN: &str = r#"
#[tokio::main(flavor = "current_thread")]
async fn main() {
    use orm_runtime::relation::Action;
    let db = Client::connect(URL).await.unwrap();
    let d = db.dialect();
    schema().verify().unwrap();
    schema().push(&db).await.unwrap();

    let live = orm_runtime::schema::introspect(&db).await.unwrap();
    assert!(orm_runtime::schema::diff(&live, &schema().describe(d), d).is_empty());
    let t = live.table("_CategoryToPost").expect("the relation table");
    let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["A", "B"]);
    assert_eq!(t.primary_key.as_ref().map(|k| k.columns.clone()), Some(vec!["A".to_owned(), "B".to_owned()]));
    assert!(t.indexes.iter().any(|i| i.columns == ["B"] && !i.unique), "{:?}", t.indexes);
    let mut fks: Vec<(&str, &str, Action, Action)> = t
        .foreign_keys
        .iter()
        .map(|f| (f.columns[0].as_str(), f.referenced_table.as_str(), f.on_delete, f.on_update))
        .collect();
    fks.sort_by_key(|f| f.0);
    assert_eq!(
        fks,
        [("A", "Category", Action::Cascade, Action::Cascade), ("B", "Post", Action::Cascade, Action::Cascade)]
    );

    // Rows through the relation table.
    let post = Post::create(NewPost { title: "Hello".into(), ..Default::default() }).exec(&db).await.unwrap();
    let rust = Category::create(NewCategory { name: "rust".into(), ..Default::default() }).exec(&db).await.unwrap();
    let sql = Category::create(NewCategory { name: "sql".into(), ..Default::default() }).exec(&db).await.unwrap();
    CategoryToPost::create_many([
        NewCategoryToPost { a: rust.id, b: post.id },
        NewCategoryToPost { a: sql.id, b: post.id },
    ])
    .exec(&db)
    .await
    .unwrap();
    let read = Post::find_unique(Post::ID.eq(post.id))
        .include(Post::CATEGORIES.include(CategoryToPost::CATEGORY))
        .exec(&db)
        .await
        .unwrap()
        .unwrap();
    let mut names: Vec<&str> = read
        .categories
        .get()
        .unwrap()
        .iter()
        .filter_map(|l| l.category.get().map(|c| c.name.as_str()))
        .collect();
    names.sort();
    assert_eq!(names, ["rust", "sql"]);
    let counted = Category::find_unique(Category::NAME.eq("rust"))
        .with_count(Category::POSTS)
        .exec(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(counted.posts.count(), Some(1));
    Post::delete(Post::ID.eq(post.id)).exec(&db).await.unwrap();
    assert_eq!(CategoryToPost::count().exec(&db).await.unwrap(), 0, "ON DELETE CASCADE");
    db.close().await;

    // The database Prisma creates for the same schema: the models differ in the names the derive
    // gives the relation table's primary key and index, nothing else.
    let prisma = Client::connect(PRISMA_URL).await.unwrap();
    let live = orm_runtime::schema::introspect(&prisma).await.unwrap();
    let steps: Vec<String> = orm_runtime::schema::diff(&live, &schema().describe(d), d)
        .iter()
        .map(|s| s.describe())
        .collect();
    println!("against Prisma's database: {steps:#?}");
    assert!(
        steps.iter().all(|s| s.contains("_CategoryToPost_AB_pkey") || s.contains("_CategoryToPost_B_index")),
        "{steps:#?}"
    );
    assert!(!steps.is_empty());
    prisma.close().await;
}
"#;

    async fn load(script: &str) -> IsolatedDb {
        let isolated = IsolatedDb::create(TestBackend::Postgres).await;
        let db = Client::connect(&isolated.url).await.expect("connect");
        if !script.is_empty() {
            let pool = db.as_postgres().expect("a PostgreSQL client");
            sqlx::raw_sql(sqlx::AssertSqlSafe(script.to_owned()))
                .execute(pool)
                .await
                .expect("fixture");
        }
        db.close().await;
        isolated
    }

    /// The imported seed models compile, have no diff with the database Prisma made, and read
    /// through their relations; the imported many-to-many relation table is pushed and used
    /// (both programs built and run by trybuild).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn imported_models_compile_and_run() {
        let seed_db = load(&format!("{FIXTURE}\n{ROWS}")).await;
        let m2m_db = load("").await;
        let prisma_db = load(PRISMA_MANY_TO_MANY).await;

        let dir = std::env::temp_dir().join("orm-tests").join("prisma-import");
        std::fs::create_dir_all(&dir).unwrap();
        let seed = dir.join("imported_seed_postgres.rs");
        let models = import_prisma(SCHEMA, Dialect::POSTGRES).unwrap();
        let program = format!(
            "{models}\n{SEED_MAIN}\nconst URL: &str = {:?};\n",
            seed_db.url
        );
        std::fs::write(&seed, program).unwrap();
        let m2m = dir.join("imported_many_to_many_postgres.rs");
        let models = import_prisma(MANY_TO_MANY, Dialect::POSTGRES).unwrap();
        let program = format!(
            "{models}\n{MANY_TO_MANY_MAIN}\nconst URL: &str = {:?};\nconst PRISMA_URL: &str = {:?};\n",
            m2m_db.url, prisma_db.url
        );
        std::fs::write(&m2m, program).unwrap();
        {
            let cases = trybuild::TestCases::new();
            cases.pass(&seed);
            cases.pass(&m2m);
        }
        for db in [seed_db, m2m_db, prisma_db] {
            db.cleanup().await;
        }
    }
}
