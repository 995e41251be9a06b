//! Per-test database isolation.
//!
//! Every test gets its own uniquely named database object so tests can run in
//! parallel against one server without seeing each other's tables or rows:
//!
//! * PostgreSQL: a fresh schema `orm_t_<hex>` in the database named by
//!   `ORM_TEST_POSTGRES_URL`; the returned URL selects it through
//!   `options=-c search_path=<schema>`.
//! * MySQL/MariaDB: a fresh database `orm_t_<hex>` on the server named by
//!   `ORM_TEST_MYSQL_URL`; the returned URL has it as its database path.
//! * SQLite: a fresh file `<temp dir>/orm-tests/<hex>.db`.
//!
//! Unreachable servers and unset URLs make [`IsolatedDb::create`] panic with a
//! message naming the backend, the URL (or environment variable) and the
//! error. Nothing is ever skipped.

use std::path::{Path, PathBuf};

use sqlx::mysql::MySqlConnection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{AssertSqlSafe, Connection};

/// Environment variable holding the base PostgreSQL URL used by the tests.
const POSTGRES_URL_VAR: &str = "ORM_TEST_POSTGRES_URL";
/// Environment variable holding the base MySQL/MariaDB URL used by the tests.
const MYSQL_URL_VAR: &str = "ORM_TEST_MYSQL_URL";
/// Prefix of every schema, database and file name created by this module.
const NAME_PREFIX: &str = "orm_t_";

/// A database backend that tests can run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestBackend {
    /// SQLite, using a temporary file. Always available.
    Sqlite,
    /// PostgreSQL, configured through `ORM_TEST_POSTGRES_URL`.
    Postgres,
    /// MySQL or MariaDB, configured through `ORM_TEST_MYSQL_URL`.
    MySql,
}

/// Returns the backends whose tests are compiled into this build.
///
/// SQLite is always included; PostgreSQL and MySQL/MariaDB are included when
/// `ORM_TEST_POSTGRES_URL` / `ORM_TEST_MYSQL_URL` were set (and non-empty) at
/// build time.
pub fn configured_backends() -> Vec<TestBackend> {
    #[allow(unused_mut)]
    let mut backends = vec![TestBackend::Sqlite];
    #[cfg(orm_postgres)]
    backends.push(TestBackend::Postgres);
    #[cfg(orm_mysql)]
    backends.push(TestBackend::MySql);
    backends
}

/// A freshly created, uniquely named database (or schema, or file) owned by
/// one test.
///
/// Connect to [`url`](Self::url) to use it and call
/// [`cleanup`](Self::cleanup) at the end of a passing test. A failing test
/// leaves it behind for inspection; every name starts with `orm_t_` so
/// leftovers are easy to find and drop.
#[derive(Debug)]
pub struct IsolatedDb {
    /// The backend this database lives on.
    pub backend: TestBackend,
    /// A connection URL that connects to the isolated database.
    pub url: String,
    cleanup: Cleanup,
}

/// What [`IsolatedDb::cleanup`] has to remove.
#[derive(Debug)]
enum Cleanup {
    Sqlite { path: PathBuf },
    Postgres { base_url: String, schema: String },
    MySql { base_url: String, database: String },
}

impl IsolatedDb {
    /// Creates a fresh, uniquely named database/schema for one test and
    /// returns a URL that connects to it.
    ///
    /// The returned URL is verified by connecting to it before this returns.
    ///
    /// # Panics
    ///
    /// Panics with a message naming the backend, the URL and the error when
    /// the server cannot be reached or the database cannot be created, and
    /// with a message naming the environment variable when the backend's URL
    /// is not set.
    pub async fn create(backend: TestBackend) -> IsolatedDb {
        match backend {
            TestBackend::Sqlite => create_sqlite().await,
            TestBackend::Postgres => create_postgres().await,
            TestBackend::MySql => create_mysql().await,
        }
    }

    /// Drops what [`create`](Self::create) made. Call at the end of a passing
    /// test.
    ///
    /// # Panics
    ///
    /// Panics with a message naming the backend, the URL and the error when
    /// the database, schema or file cannot be removed.
    pub async fn cleanup(self) {
        match self.cleanup {
            Cleanup::Sqlite { path } => remove_sqlite_files(&path),
            Cleanup::Postgres { base_url, schema } => {
                let mut conn = connect::<PgConnection>("postgres", &base_url).await;
                execute(
                    &mut conn,
                    "postgres",
                    &base_url,
                    format!("DROP SCHEMA \"{schema}\" CASCADE"),
                )
                .await;
                close(conn, "postgres", &base_url).await;
            }
            Cleanup::MySql { base_url, database } => {
                let mut conn = connect::<MySqlConnection>("mysql", &base_url).await;
                execute(
                    &mut conn,
                    "mysql",
                    &base_url,
                    format!("DROP DATABASE `{database}`"),
                )
                .await;
                close(conn, "mysql", &base_url).await;
            }
        }
    }
}

async fn create_sqlite() -> IsolatedDb {
    let dir = std::env::temp_dir().join("orm-tests");
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| {
        panic!(
            "sqlite: cannot create test directory {}: {error}",
            dir.display()
        )
    });
    let path = dir.join(format!("{}.db", random_name()));
    let url = sqlite_url(&path);

    // Connecting with `mode=rwc` creates the file and proves the URL works.
    let mut conn = connect::<SqliteConnection>("sqlite", &url).await;
    let one: i64 = fetch_scalar(&mut conn, "sqlite", &url, "SELECT 1".to_owned()).await;
    assert_eq!(one, 1, "sqlite: `SELECT 1` on {url} returned {one}");
    close(conn, "sqlite", &url).await;

    IsolatedDb {
        backend: TestBackend::Sqlite,
        url,
        cleanup: Cleanup::Sqlite { path },
    }
}

async fn create_postgres() -> IsolatedDb {
    let base_url = required_env(POSTGRES_URL_VAR, "postgres");
    let schema = format!("{NAME_PREFIX}{}", random_name());

    let mut conn = connect::<PgConnection>("postgres", &base_url).await;
    execute(
        &mut conn,
        "postgres",
        &base_url,
        format!("CREATE SCHEMA \"{schema}\""),
    )
    .await;
    close(conn, "postgres", &base_url).await;

    let url = append_query_param(&base_url, "options", &format!("-c search_path={schema}"));

    let mut conn = connect::<PgConnection>("postgres", &url).await;
    let current: Option<String> = fetch_scalar(
        &mut conn,
        "postgres",
        &url,
        "SELECT current_schema()".to_owned(),
    )
    .await;
    assert_eq!(
        current.as_deref(),
        Some(schema.as_str()),
        "postgres: connecting to {url} did not select schema {schema}"
    );
    close(conn, "postgres", &url).await;

    IsolatedDb {
        backend: TestBackend::Postgres,
        url,
        cleanup: Cleanup::Postgres { base_url, schema },
    }
}

async fn create_mysql() -> IsolatedDb {
    let base_url = required_env(MYSQL_URL_VAR, "mysql");
    let database = format!("{NAME_PREFIX}{}", random_name());

    let mut conn = connect::<MySqlConnection>("mysql", &base_url).await;
    execute(
        &mut conn,
        "mysql",
        &base_url,
        format!("CREATE DATABASE `{database}`"),
    )
    .await;
    close(conn, "mysql", &base_url).await;

    let url = replace_url_path(&base_url, &database);

    let mut conn = connect::<MySqlConnection>("mysql", &url).await;
    let current: Option<String> =
        fetch_scalar(&mut conn, "mysql", &url, "SELECT DATABASE()".to_owned()).await;
    assert_eq!(
        current.as_deref(),
        Some(database.as_str()),
        "mysql: connecting to {url} did not select database {database}"
    );
    close(conn, "mysql", &url).await;

    IsolatedDb {
        backend: TestBackend::MySql,
        url,
        cleanup: Cleanup::MySql { base_url, database },
    }
}

/// Twelve random lowercase hex characters.
fn random_name() -> String {
    let mut name = uuid::Uuid::new_v4().simple().to_string();
    name.truncate(12);
    name
}

/// Reads a backend URL from the environment, panicking if it is unset or empty.
fn required_env(var: &str, backend: &str) -> String {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => url,
        Ok(_) | Err(std::env::VarError::NotPresent) => {
            panic!("{var} is not set but {backend} tests were compiled in")
        }
        Err(error) => panic!("{var} is not usable for {backend} tests: {error}"),
    }
}

async fn connect<C: Connection>(backend: &str, url: &str) -> C {
    C::connect(url)
        .await
        .unwrap_or_else(|error| panic!("{backend}: failed to connect to {url}: {error}"))
}

async fn close<C: Connection>(conn: C, backend: &str, url: &str) {
    conn.close().await.unwrap_or_else(|error| {
        panic!("{backend}: failed to close the connection to {url}: {error}")
    });
}

async fn execute<C>(conn: &mut C, backend: &str, url: &str, sql: String)
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    sqlx::raw_sql(AssertSqlSafe(sql.clone()))
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|error| panic!("{backend}: `{sql}` failed on {url}: {error}"));
}

async fn fetch_scalar<C, T>(conn: &mut C, backend: &str, url: &str, sql: String) -> T
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    T: Send + Unpin,
    (T,): Send + Unpin + for<'r> sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    sqlx::query_scalar::<C::Database, T>(AssertSqlSafe(sql.clone()))
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|error| panic!("{backend}: `{sql}` failed on {url}: {error}"))
}

/// Removes a SQLite database file and its `-wal`, `-shm` and `-journal`
/// siblings. Missing files are fine.
fn remove_sqlite_files(path: &Path) {
    let mut paths = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut sibling = path.as_os_str().to_owned();
        sibling.push(suffix);
        paths.push(PathBuf::from(sibling));
    }
    for path in paths {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => panic!("sqlite: cannot remove {}: {error}", path.display()),
        }
    }
}

/// `sqlite://<path>?mode=rwc`, with the path percent-encoded (sqlx decodes it).
fn sqlite_url(path: &Path) -> String {
    let path = percent_encode_except(&path.to_string_lossy(), b"/");
    format!("sqlite://{path}?mode=rwc")
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
fn percent_encode(value: &str) -> String {
    percent_encode_except(value, b"")
}

/// Percent-encodes everything except RFC 3986 unreserved characters and the
/// bytes in `keep`.
fn percent_encode_except(value: &str, keep: &[u8]) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || keep.contains(&byte)
        {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Appends `key=value` (both percent-encoded) to the query of `url`, keeping
/// any existing query parameters and fragment.
fn append_query_param(url: &str, key: &str, value: &str) -> String {
    let (without_fragment, fragment) = match url.find('#') {
        Some(index) => url.split_at(index),
        None => (url, ""),
    };
    let separator = match without_fragment.find('?') {
        None => "?",
        Some(_) if without_fragment.ends_with(['?', '&']) => "",
        Some(_) => "&",
    };
    format!(
        "{without_fragment}{separator}{}={}{fragment}",
        percent_encode(key),
        percent_encode(value)
    )
}

/// Replaces the path of `scheme://user:pass@host:port/db?params` with
/// `/<database>`, keeping everything else.
///
/// # Panics
///
/// Panics if `url` has no `scheme://` prefix.
fn replace_url_path(url: &str, database: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        panic!("not a URL of the form scheme://host/database: {url}");
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |offset| authority_start + offset);
    let rest = &url[authority_end..];
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    format!(
        "{}/{}{}",
        &url[..authority_end],
        percent_encode(database),
        &rest[path_end..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_names_are_twelve_hex_chars() {
        let name = random_name();
        assert_eq!(name.len(), 12);
        assert!(name.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(name, random_name());
    }

    #[test]
    fn append_query_param_handles_existing_queries() {
        let options = "-c search_path=orm_t_abc";
        let encoded = "options=-c%20search_path%3Dorm_t_abc";
        assert_eq!(
            append_query_param("postgres://u@h:5432/db", "options", options),
            format!("postgres://u@h:5432/db?{encoded}")
        );
        assert_eq!(
            append_query_param("postgres://u@h/db?sslmode=disable", "options", options),
            format!("postgres://u@h/db?sslmode=disable&{encoded}")
        );
        assert_eq!(
            append_query_param("postgres://u@h/db?", "options", options),
            format!("postgres://u@h/db?{encoded}")
        );
        assert_eq!(
            append_query_param("postgres://u@h/db?a=1&", "options", options),
            format!("postgres://u@h/db?a=1&{encoded}")
        );
        assert_eq!(
            append_query_param("postgres://u@h/db#frag", "options", options),
            format!("postgres://u@h/db?{encoded}#frag")
        );
    }

    #[test]
    fn replace_url_path_swaps_only_the_database() {
        let cases = [
            (
                "mysql://root@127.0.0.1:3306/test",
                "mysql://root@127.0.0.1:3306/x",
            ),
            (
                "mysql://root@127.0.0.1:3306",
                "mysql://root@127.0.0.1:3306/x",
            ),
            (
                "mysql://root@127.0.0.1:3306/",
                "mysql://root@127.0.0.1:3306/x",
            ),
            (
                "mysql://u:p%2Fw@h:1/db?ssl-mode=disabled",
                "mysql://u:p%2Fw@h:1/x?ssl-mode=disabled",
            ),
            ("mysql://h?charset=utf8mb4", "mysql://h/x?charset=utf8mb4"),
            ("mysql://h/db#f", "mysql://h/x#f"),
        ];
        for (input, expected) in cases {
            assert_eq!(replace_url_path(input, "x"), expected, "input: {input}");
        }
    }

    #[test]
    fn sqlite_url_encodes_the_path() {
        assert_eq!(
            sqlite_url(Path::new("/tmp/orm-tests/abc.db")),
            "sqlite:///tmp/orm-tests/abc.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url(Path::new("/tmp/a b?/c#.db")),
            "sqlite:///tmp/a%20b%3F/c%23.db?mode=rwc"
        );
    }

    #[test]
    fn configured_backends_always_include_sqlite() {
        let backends = configured_backends();
        assert_eq!(backends[0], TestBackend::Sqlite);
        assert_eq!(
            backends.contains(&TestBackend::Postgres),
            cfg!(orm_postgres)
        );
        assert_eq!(backends.contains(&TestBackend::MySql), cfg!(orm_mysql));
    }

    #[tokio::test]
    async fn sqlite_create_verify_cleanup() {
        let db = IsolatedDb::create(TestBackend::Sqlite).await;
        assert_eq!(db.backend, TestBackend::Sqlite);
        let Cleanup::Sqlite { path } = &db.cleanup else {
            panic!("wrong cleanup kind: {db:?}");
        };
        let path = path.clone();
        assert!(path.exists(), "{} was not created", path.display());

        let mut conn = SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::raw_sql("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t (id) VALUES (1)")
            .execute(&mut conn)
            .await
            .unwrap();
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(count, 1);
        conn.close().await.unwrap();

        db.cleanup().await;
        assert!(!path.exists(), "{} was not removed", path.display());
    }

    #[cfg(orm_postgres)]
    #[tokio::test]
    async fn postgres_create_verify_cleanup() {
        let db = IsolatedDb::create(TestBackend::Postgres).await;
        assert_eq!(db.backend, TestBackend::Postgres);
        let Cleanup::Postgres { base_url, schema } = &db.cleanup else {
            panic!("wrong cleanup kind: {db:?}");
        };
        let (base_url, schema) = (base_url.clone(), schema.clone());
        assert!(schema.starts_with(NAME_PREFIX) && schema.len() == NAME_PREFIX.len() + 12);

        let mut conn = PgConnection::connect(&db.url).await.unwrap();
        let current: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(current, schema);
        // Unqualified tables land in the isolated schema.
        sqlx::raw_sql("CREATE TABLE t (id INT PRIMARY KEY)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();

        let mut admin = PgConnection::connect(&base_url).await.unwrap();
        let tables: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = $1 AND table_name = 't'",
        )
        .bind(&schema)
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(tables, 1);

        db.cleanup().await;
        let schemas: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = $1",
        )
        .bind(&schema)
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(schemas, 0, "schema {schema} was not dropped");
        admin.close().await.unwrap();
    }

    #[cfg(orm_mysql)]
    #[tokio::test]
    async fn mysql_create_verify_cleanup() {
        let db = IsolatedDb::create(TestBackend::MySql).await;
        assert_eq!(db.backend, TestBackend::MySql);
        let Cleanup::MySql { base_url, database } = &db.cleanup else {
            panic!("wrong cleanup kind: {db:?}");
        };
        let (base_url, database) = (base_url.clone(), database.clone());
        assert!(database.starts_with(NAME_PREFIX) && database.len() == NAME_PREFIX.len() + 12);

        let mut conn = MySqlConnection::connect(&db.url).await.unwrap();
        let current: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(current.as_deref(), Some(database.as_str()));
        sqlx::raw_sql("CREATE TABLE t (id INT PRIMARY KEY)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();

        let mut admin = MySqlConnection::connect(&base_url).await.unwrap();
        let tables: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = ? AND table_name = 't'",
        )
        .bind(&database)
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(tables, 1);

        db.cleanup().await;
        let databases: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?",
        )
        .bind(&database)
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(databases, 0, "database {database} was not dropped");
        admin.close().await.unwrap();
    }

    #[test]
    #[should_panic(
        expected = "ORM_TEST_UNSET_FOR_ISOLATION_TEST is not set but postgres tests were compiled in"
    )]
    fn unset_url_panics_naming_the_variable() {
        required_env("ORM_TEST_UNSET_FOR_ISOLATION_TEST", "postgres");
    }

    #[tokio::test]
    #[should_panic(expected = "postgres: failed to connect to postgres://postgres@127.0.0.1:1/")]
    async fn unreachable_server_panics_with_backend_and_url() {
        let _: PgConnection = connect("postgres", "postgres://postgres@127.0.0.1:1/test").await;
    }
}
