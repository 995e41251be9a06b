//! The test kit (feature `testing`): each test on a fresh, isolated database with the
//! application's schema, on a real server — PostgreSQL, MySQL/MariaDB or SQLite.
//!
//! ```no_run
//! use orm_runtime::prelude::*;
//! # #[derive(Model, Debug)] struct User { #[orm(id)] id: i64, email: String }
//! # fn schema() -> Schema { Schema::new().model::<User>() }
//!
//! #[orm_runtime::test(schema = schema())]
//! async fn counts_users(db: Client) -> orm_runtime::Result<()> {
//!     User::create(NewUser { id: 1, email: "a@example.com".into() }).exec(&db).await?;
//!     assert_eq!(User::count().exec(&db).await?, 1);
//!     Ok(())
//! }
//! ```
//!
//! Where a test runs comes from the environment: [`DATABASE_URL_VAR`]
//! (`ORM_TEST_DATABASE_URL`) names a PostgreSQL or MySQL/MariaDB server (a database on it the
//! tests may create schemas or databases in); unset or empty, each test gets a SQLite file in
//! the temporary directory. Each test has its own:
//!
//! * PostgreSQL: a schema `orm_t_<hex>` in that database, selected by the URL's `search_path`;
//! * MySQL/MariaDB: a database `orm_t_<hex>` on that server;
//! * SQLite: a file `<temp dir>/orm-tests/<hex>.db`,
//!
//! so tests run in parallel without seeing each other's rows. The schema is pushed
//! ([`Setup::Push`]) or the migrations applied ([`Setup::Migrate`]) before the test's body runs;
//! a passing test's database is dropped, a failing one's kept for inspection (every name starts
//! with `orm_t_`). A server that cannot be reached, or a database that cannot be created, fails
//! the test with the backend, the URL and the cause: nothing is skipped.

use std::future::Future;
use std::path::{Path, PathBuf};

use orm_core::Client;
use orm_core::client::Executor;
use orm_core::sql::{Backend, Dialect, Statement};

use crate::migrate::Migrator;
use crate::schema::Schema;

/// The environment variable naming the server the kit's tests run on.
pub const DATABASE_URL_VAR: &str = "ORM_TEST_DATABASE_URL";

/// Prefix of every schema, database and file name the kit creates.
const NAME_PREFIX: &str = "orm_t_";

/// What a test's database holds before its body runs.
pub enum Setup {
    /// Nothing: an empty database.
    Empty,
    /// The models, pushed ([`Schema::push`]).
    Push(Schema),
    /// The committed migrations, applied ([`Migrator::deploy`]): the migrator for the test
    /// database's dialect (a migration directory may hold one history per backend).
    Migrate(Box<dyn FnOnce(Dialect) -> Migrator + Send>),
}

impl Setup {
    /// The migrations of `migrator`: a [`Migrator`], or a function from the test database's
    /// dialect to one (`blog_models::migrations::migrator`).
    pub fn migrate(migrator: impl MigratorFor) -> Setup {
        Setup::Migrate(Box::new(move |d| migrator.for_dialect(d)))
    }
}

/// A [`Migrator`], or what makes one for a dialect: what [`Setup::migrate`] and
/// `#[orm_runtime::test(migrations = ..)]` take.
pub trait MigratorFor: Send + 'static {
    /// The migrator for `dialect`.
    fn for_dialect(self, dialect: Dialect) -> Migrator;
}

impl MigratorFor for Migrator {
    fn for_dialect(self, _: Dialect) -> Migrator {
        self
    }
}

impl<F: FnOnce(Dialect) -> Migrator + Send + 'static> MigratorFor for F {
    fn for_dialect(self, dialect: Dialect) -> Migrator {
        self(dialect)
    }
}

impl From<Schema> for Setup {
    fn from(schema: Schema) -> Setup {
        Setup::Push(schema)
    }
}

impl From<Migrator> for Setup {
    fn from(migrator: Migrator) -> Setup {
        Setup::migrate(migrator)
    }
}

/// A freshly created, uniquely named database (or schema, or file) owned by one test.
#[derive(Debug)]
pub struct TestDatabase {
    backend: Backend,
    url: String,
    cleanup: Cleanup,
}

/// What [`TestDatabase::cleanup`] removes.
#[derive(Debug)]
enum Cleanup {
    /// A SQLite file.
    File(PathBuf),
    /// A schema or database on a server: the dialect's scratch namespace (`Ddl::scratch`, as
    /// the migration engine's shadow databases), dropped through the server's `base_url`.
    Server {
        base_url: String,
        name: String,
        drop: Option<String>,
    },
}

impl TestDatabase {
    /// A database where [`DATABASE_URL_VAR`] says (SQLite when it is unset or empty).
    ///
    /// # Panics
    ///
    /// As [`create_on`](Self::create_on).
    pub async fn create() -> TestDatabase {
        match std::env::var(DATABASE_URL_VAR) {
            Ok(url) if !url.is_empty() => TestDatabase::create_on(Some(&url)).await,
            Ok(_) | Err(std::env::VarError::NotPresent) => TestDatabase::create_on(None).await,
            Err(e) => panic!("{DATABASE_URL_VAR} is not usable: {e}"),
        }
    }

    /// A database on the server at `base_url` (PostgreSQL or MySQL/MariaDB), or a SQLite file
    /// when `None` (or a `sqlite:` URL). The URL it returns is checked by connecting to it.
    ///
    /// # Panics
    ///
    /// With the backend, the URL and the cause when the server cannot be reached or the
    /// database cannot be created, or when `base_url` is not a URL of a supported backend.
    pub async fn create_on(base_url: Option<&str>) -> TestDatabase {
        match base_url {
            Some(url) => create_on_server(url).await,
            None => create_file().await,
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A URL that connects to this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema (PostgreSQL), database (MySQL/MariaDB) or file (SQLite) it is.
    pub fn name(&self) -> String {
        match &self.cleanup {
            Cleanup::File(path) => path.display().to_string(),
            Cleanup::Server { name, .. } => name.clone(),
        }
    }

    /// Drops what [`create_on`](Self::create_on) made.
    ///
    /// # Panics
    ///
    /// With the backend, the URL and the cause when it cannot be removed.
    pub async fn cleanup(self) {
        match self.cleanup {
            Cleanup::File(path) => remove_sqlite_files(&path),
            Cleanup::Server { base_url, drop, .. } => {
                if let Some(drop) = drop {
                    let admin = connect(&base_url).await;
                    execute(&admin, &base_url, drop).await;
                    admin.close().await;
                }
            }
        }
    }
}

/// Runs `body` on a fresh database where [`DATABASE_URL_VAR`] says, set up by `setup`, and drops
/// the database when `body` succeeds. What `#[orm_runtime::test]` runs.
///
/// # Panics
///
/// When the database cannot be created or set up, and with `body`'s error, naming the backend:
/// the test fails.
pub async fn run<F, Fut>(setup: impl Into<Setup>, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = orm_core::Result<()>>,
{
    let db = TestDatabase::create().await;
    run_in(db, setup.into(), |_, client| body(client)).await
}

/// [`run`] on the server at `base_url` (SQLite for `None`), with the database's URL for tests that
/// open more clients on it.
pub async fn run_on<F, Fut>(base_url: Option<&str>, setup: impl Into<Setup>, body: F)
where
    F: FnOnce(String, Client) -> Fut,
    Fut: Future<Output = orm_core::Result<()>>,
{
    let db = TestDatabase::create_on(base_url).await;
    run_in(db, setup.into(), body).await
}

async fn run_in<F, Fut>(db: TestDatabase, setup: Setup, body: F)
where
    F: FnOnce(String, Client) -> Fut,
    Fut: Future<Output = orm_core::Result<()>>,
{
    let backend = db.backend;
    let client = Client::connect(&db.url)
        .await
        .unwrap_or_else(|e| panic!("{backend:?}: cannot connect to {}: {e}", db.url));
    match setup {
        Setup::Empty => {}
        Setup::Push(schema) => schema
            .push(&client)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: cannot create the schema: {e}")),
        Setup::Migrate(migrator) => {
            migrator(client.dialect())
                .deploy(&client)
                .await
                .unwrap_or_else(|e| panic!("{backend:?}: cannot apply the migrations: {e}"));
        }
    }
    if let Err(e) = body(db.url.clone(), client.clone()).await {
        panic!("{backend:?}: {e} ({e:?})");
    }
    client.close().await;
    db.cleanup().await;
}

/// Runs a future to completion on a new tokio runtime: the body of an `#[orm_runtime::test]`.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the test")
        .block_on(future)
}

/// A SQLite file in the temporary directory.
async fn create_file() -> TestDatabase {
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
    check(&url).await;
    TestDatabase {
        backend: Backend::Sqlite,
        url,
        cleanup: Cleanup::File(path),
    }
}

/// A schema or database on the server at `base_url`: the dialect's scratch namespace
/// ([`Ddl::scratch`](orm_core::sql::Ddl::scratch)); a SQLite URL is a file like any other.
async fn create_on_server(base_url: &str) -> TestDatabase {
    let admin = connect(base_url).await;
    let backend = admin.backend();
    if backend == Backend::Sqlite {
        admin.close().await;
        return create_file().await;
    }
    let name = format!("{NAME_PREFIX}{}", random_name());
    let scratch = admin
        .dialect()
        .ddl()
        .scratch(base_url, &name)
        .unwrap_or_else(|e| panic!("{}: {e}", scheme(base_url)));
    if let Some(create) = scratch.create {
        execute(&admin, base_url, create).await;
    }
    admin.close().await;
    check(&scratch.url).await;
    TestDatabase {
        backend,
        url: scratch.url,
        cleanup: Cleanup::Server {
            base_url: base_url.to_owned(),
            name,
            drop: scratch.drop,
        },
    }
}

/// Connects to `url` and runs `SELECT 1` there.
async fn check(url: &str) {
    let db = connect(url).await;
    execute(&db, url, "SELECT 1".into()).await;
    db.close().await;
}

/// The URL's scheme, naming the backend in messages (`postgres`, `mysql`, `sqlite`).
fn scheme(url: &str) -> &str {
    url.split(':').next().unwrap_or(url)
}

/// Twelve random lowercase hex characters.
fn random_name() -> String {
    let mut name = uuid::Uuid::new_v4().simple().to_string();
    name.truncate(12);
    name
}

async fn connect(url: &str) -> Client {
    Client::connect(url)
        .await
        .unwrap_or_else(|error| panic!("{}: failed to connect to {url}: {error}", scheme(url)))
}

async fn execute(db: &Client, url: &str, sql: String) {
    db.__execute(Statement::text(sql.clone()))
        .await
        .unwrap_or_else(|error| panic!("{}: `{sql}` failed on {url}: {error}", scheme(url)));
}

/// Removes a SQLite database file and its `-wal`, `-shm` and `-journal` siblings. Missing files
/// are fine.
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
}
