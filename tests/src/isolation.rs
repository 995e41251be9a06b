//! Per-test database isolation: the test kit's [`TestDatabase`]
//! (`orm_runtime::testing`) on each backend this build configures.
//!
//! * PostgreSQL: a fresh schema in the database named by `ORM_TEST_POSTGRES_URL`;
//! * MySQL/MariaDB: a fresh database on the server named by `ORM_TEST_MYSQL_URL`;
//! * SQLite: a fresh file in the temporary directory.
//!
//! Unreachable servers and unset URLs make [`IsolatedDb::create`] panic with a
//! message naming the backend, the URL (or environment variable) and the
//! error. Nothing is ever skipped.

/// The backends tests run on (the ORM's own [`Backend`](orm_runtime::sql::Backend)).
pub use orm_runtime::sql::Backend as TestBackend;
pub use orm_runtime::testing::TestDatabase;

/// Environment variable holding the base PostgreSQL URL used by the tests.
const POSTGRES_URL_VAR: &str = "ORM_TEST_POSTGRES_URL";
/// Environment variable holding the base MySQL/MariaDB URL used by the tests.
const MYSQL_URL_VAR: &str = "ORM_TEST_MYSQL_URL";

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
/// one test: connect to [`url`](Self::url), and call
/// [`cleanup`](Self::cleanup) at the end of a passing test.
#[derive(Debug)]
pub struct IsolatedDb {
    /// The backend this database lives on.
    pub backend: TestBackend,
    /// A connection URL that connects to the isolated database.
    pub url: String,
    db: TestDatabase,
}

impl IsolatedDb {
    /// The server `backend`'s tests run on (`None`: SQLite files), from its variable.
    ///
    /// # Panics
    ///
    /// Naming the variable when it is not set.
    pub fn base_url(backend: TestBackend) -> Option<String> {
        match backend {
            TestBackend::Sqlite => None,
            TestBackend::Postgres => Some(required_env(POSTGRES_URL_VAR, "postgres")),
            TestBackend::MySql => Some(required_env(MYSQL_URL_VAR, "mysql")),
        }
    }

    /// Creates a fresh database of `backend` (its server from the backend's variable).
    ///
    /// # Panics
    ///
    /// With the backend, the URL and the error when the server cannot be
    /// reached or the database cannot be created, and naming the environment
    /// variable when the backend's URL is not set.
    pub async fn create(backend: TestBackend) -> IsolatedDb {
        let db = TestDatabase::create_on(IsolatedDb::base_url(backend).as_deref()).await;
        IsolatedDb {
            backend,
            url: db.url().to_owned(),
            db,
        }
    }

    /// The schema, database or file.
    pub fn name(&self) -> String {
        self.db.name()
    }

    /// Drops what [`create`](Self::create) made.
    pub async fn cleanup(self) {
        self.db.cleanup().await
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;
    #[cfg(orm_mysql)]
    use sqlx::mysql::MySqlConnection;
    #[cfg(orm_postgres)]
    use sqlx::postgres::PgConnection;
    use sqlx::sqlite::SqliteConnection;

    /// Prefix of every schema and database the kit creates.
    #[cfg(any(orm_postgres, orm_mysql))]
    const NAME_PREFIX: &str = "orm_t_";

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
        let path = std::path::PathBuf::from(db.name());
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
        let (base_url, schema) = (required_env(POSTGRES_URL_VAR, "postgres"), db.name());
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
        let (base_url, database) = (required_env(MYSQL_URL_VAR, "mysql"), db.name());
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
        TestDatabase::create_on(Some("postgres://postgres@127.0.0.1:1/test")).await;
    }
}
