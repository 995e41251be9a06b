//! The `orm` command line, built into the application's own binary so it knows the models
//! (feature `cli`).
//!
//! ```no_run
//! // src/bin/orm.rs
//! # mod my_app { pub fn schema() -> orm_runtime::Schema { orm_runtime::Schema::new() } }
//! fn main() -> std::process::ExitCode {
//!     orm_runtime::migrate::cli::Cli::new(my_app::schema()).run()
//! }
//! ```
//!
//! ```text
//! orm migrate dev --name add_bio      diff the models against the migrations, write, apply
//! orm migrate deploy                  apply pending migrations
//! orm migrate status                  list migrations; report drift and unmigrated model changes
//! orm migrate down [--to NAME]        roll back the last migration (or back to NAME)
//! orm migrate reset --force           drop everything and re-apply every migration
//! orm migrate resolve --applied NAME | --rolled-back NAME
//! orm migrate diff                    print the SQL `migrate dev` would write
//! orm migrate baseline [--name NAME]  adopt an existing database (Prisma's): record it as the first migration
//! orm db push [--accept-data-loss]    make the database match the models, without files
//! orm db pull [--output FILE]         write models for an existing database
//! orm db seed                         run the application's seed function
//! orm import prisma <PATH> [--output FILE]
//!                                     write models for a Prisma schema (`schema.prisma`)
//! ```
//!
//! The database comes from `--database-url`, else `DATABASE_URL` (read from the environment or a
//! `.env` file); `import prisma` connects to none, and takes its dialect from the database URL if
//! there is one, else from the schema's `datasource` provider. Exit codes: `0` success; `1` error; `2` bad usage; `3` `migrate status` found
//! something to do (pending migrations, unmigrated model changes, drift, a failed migration);
//! `4` refused because it would lose data (rerun with `--accept-data-loss`).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use clap::{Args, Parser, Subcommand};

use super::{
    DevOptions, MigrateError, MigrationState, Migrator, import_prisma, prisma_dialect,
    render_models,
};
use crate::schema::Schema;
use crate::schema::introspect;
use orm_core::sql::Dialect;
use orm_core::{Client, Error, Result};

const BOLD: Style = Style::new().bold();
const GREEN: Style = AnsiColor::Green.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const RED: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

type SeedFn = Box<dyn Fn(Client) -> Pin<Box<dyn Future<Output = Result<()>>>>>;

/// The command line for one application's schema.
pub struct Cli {
    seed: Option<SeedFn>,
    /// The migrator the commands configure (it holds the registered data steps).
    migrator: Migrator,
}

#[derive(Parser, Debug)]
#[command(
    name = "orm",
    about = "Migrations and schema tools for the application's models"
)]
struct Opts {
    /// The database (default: $DATABASE_URL, also read from .env).
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The migration directory; with `postgres/`, `mysql/`, `mariadb/` or `sqlite/` inside, the
    /// one of the database's backend.
    #[arg(long, global = true, default_value = "migrations")]
    migrations: PathBuf,
    /// A database to use as the shadow database (default: a temporary schema or database).
    #[arg(
        long,
        global = true,
        env = "SHADOW_DATABASE_URL",
        hide_env_values = true
    )]
    shadow_database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Migration files and history.
    #[command(subcommand)]
    Migrate(MigrateCmd),
    /// The database without migration files.
    #[command(subcommand)]
    Db(DbCmd),
    /// Models from another tool's schema.
    #[command(subcommand)]
    Import(ImportCmd),
}

#[derive(Subcommand, Debug)]
enum ImportCmd {
    /// Write `#[derive(Model)]` source for a Prisma schema (`schema.prisma`).
    Prisma {
        /// The Prisma schema file.
        path: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum MigrateCmd {
    /// Write a migration for what changed in the models, and apply it.
    Dev {
        /// The migration's name (letters, digits, underscores).
        #[arg(long)]
        name: String,
        /// Write the files without applying them.
        #[arg(long)]
        create_only: bool,
        /// Apply even if a step destroys data.
        #[arg(long)]
        accept_data_loss: bool,
        /// Give the migration a Rust data step (a `data-step` file), registered with
        /// `Cli::data_migration`; it is applied once the step is registered.
        #[arg(long)]
        data_step: bool,
        /// Write steps in their online form where there is one: PostgreSQL `CREATE INDEX
        /// CONCURRENTLY` and foreign keys `NOT VALID` + `VALIDATE` (the migration then runs outside a
        /// transaction, under a lock timeout with retries); MySQL `ALGORITHM=INPLACE LOCK=NONE`.
        #[arg(long)]
        online: bool,
    },
    /// Apply every pending migration.
    Deploy,
    /// Show every migration's state, drift, and model changes without a migration.
    Status,
    /// Roll back the last migration, or every migration after `--to`.
    Down {
        /// Roll back to (and keep) this migration.
        #[arg(long)]
        to: Option<String>,
    },
    /// Drop everything and apply every migration again.
    Reset {
        /// Confirm that every table and row is to be dropped.
        #[arg(long)]
        force: bool,
    },
    /// Mark a failed migration as applied or rolled back.
    Resolve(ResolveArgs),
    /// Print the SQL `migrate dev` would write.
    Diff,
    /// Flag pending steps that lock or rewrite a table holding rows, with the safer way; exit 3
    /// if there are any.
    Lint,
    /// Adopt a database the migrations did not create (Prisma's, a hand-made one): write a first
    /// migration for what the models describe and record it as applied without running it.
    Baseline {
        /// The migration's name.
        #[arg(long, default_value = "baseline")]
        name: String,
    },
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct ResolveArgs {
    /// The migration was finished by hand: record it as applied.
    #[arg(long, value_name = "NAME")]
    applied: Option<String>,
    /// The migration was undone by hand: forget it, so deploy runs it again.
    #[arg(long, value_name = "NAME")]
    rolled_back: Option<String>,
}

#[derive(Subcommand, Debug)]
enum DbCmd {
    /// Make the database match the models directly (prototyping; no files, no history).
    Push {
        /// Apply even if a step destroys data.
        #[arg(long)]
        accept_data_loss: bool,
    },
    /// Write `#[derive(Model)]` source for the database's tables.
    Pull {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Run the application's seed function.
    Seed,
}

/// Exit code: `migrate status` found something to do.
pub const EXIT_PENDING: u8 = 3;
/// Exit code: refused because it would lose data.
pub const EXIT_DATA_LOSS: u8 = 4;

impl Cli {
    /// The command line for `schema`.
    pub fn new(schema: Schema) -> Self {
        Cli {
            migrator: Migrator::new(schema),
            seed: None,
        }
    }

    /// Registers the Rust step of a migration (see [`Migrator::data_migration`]).
    ///
    /// ```no_run
    /// # use orm_runtime::migrate::cli::Cli;
    /// # fn schema() -> orm_runtime::Schema { orm_runtime::Schema::new() }
    /// Cli::new(schema())
    ///     .data_migration(
    ///         "add_user_verification",
    ///         |tx| Box::pin(async move { /* typed writes on `tx` */ let _ = tx; Ok(()) }),
    ///         |_tx| Box::pin(async { Ok(()) }),
    ///     )
    ///     .run();
    /// ```
    pub fn data_migration<U, D>(mut self, name: impl Into<String>, up: U, down: D) -> Self
    where
        U: for<'a> Fn(&'a orm_core::client::Transaction) -> super::StepFuture<'a>
            + Send
            + Sync
            + 'static,
        D: for<'a> Fn(&'a orm_core::client::Transaction) -> super::StepFuture<'a>
            + Send
            + Sync
            + 'static,
    {
        self.migrator = self.migrator.data_migration(name, up, down);
        self
    }

    /// The function `orm db seed` runs.
    pub fn seed<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Client) -> Fut + 'static,
        Fut: Future<Output = Result<()>> + 'static,
    {
        self.seed = Some(Box::new(move |db| Box::pin(f(db))));
        self
    }

    /// Parses `std::env::args()`, runs the command, prints the outcome, and returns the exit code.
    pub fn run(self) -> ExitCode {
        self.run_from(std::env::args_os())
    }

    /// Like [`run`](Self::run), with the given arguments (the first is the program name).
    pub fn run_from<I, T>(self, args: I) -> ExitCode
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        ExitCode::from(self.exit_status_from(args))
    }

    /// Like [`run_from`](Self::run_from), returning the exit status as a number (for tests and
    /// wrappers). Must not be called from inside an async runtime: it starts its own.
    pub fn exit_status_from<I, T>(self, args: I) -> u8
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let _ = dotenvy::dotenv();
        let opts = match Opts::try_parse_from(args) {
            Ok(o) => o,
            Err(e) => {
                let _ = e.print();
                return if e.use_stderr() { 2 } else { 0 };
            }
        };
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{RED}error{RED:#}: cannot start the async runtime: {e}");
                return 1;
            }
        };
        match runtime.block_on(self.execute(opts)) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("{RED}error{RED:#}: {e}");
                match e {
                    Error::Migrate(MigrateError::DataLoss { .. }) => EXIT_DATA_LOSS,
                    _ => 1,
                }
            }
        }
    }

    async fn execute(&self, opts: Opts) -> Result<u8> {
        if let Command::Import(cmd) = opts.command {
            return import(cmd, opts.database_url.as_deref());
        }
        let Some(url) = opts.database_url.clone() else {
            eprintln!(
                "{RED}error{RED:#}: no database: pass --database-url or set DATABASE_URL (in the environment or .env)"
            );
            return Ok(2);
        };
        let db = with_spinner("connecting", Client::connect(&url)).await?;
        let mut migrator = self
            .migrator
            .clone()
            .backend_dir(&opts.migrations, db.dialect());
        if let Some(shadow) = &opts.shadow_database_url {
            migrator = migrator.shadow_url(shadow.clone());
        }
        let code = match opts.command {
            Command::Migrate(cmd) => self.migrate(&migrator, &db, cmd).await?,
            Command::Db(cmd) => self.db(&migrator, &db, cmd).await?,
            Command::Import(_) => unreachable!("handled before connecting"),
        };
        db.close().await;
        Ok(code)
    }

    async fn migrate(&self, m: &Migrator, db: &Client, cmd: MigrateCmd) -> Result<u8> {
        match cmd {
            MigrateCmd::Dev {
                name,
                create_only,
                accept_data_loss,
                data_step,
                online,
            } => {
                let opts = DevOptions {
                    accept_data_loss,
                    create_only,
                    data_step,
                    online,
                };
                match with_spinner(
                    "comparing the models with the migrations",
                    m.dev(db, &name, opts),
                )
                .await?
                {
                    None => println!(
                        "{GREEN}Already in sync{GREEN:#}: the models match the migrations."
                    ),
                    Some(new) => {
                        println!("{BOLD}Wrote{BOLD:#} {}", new.path.display());
                        for s in &new.steps {
                            println!("  - {}", s.describe());
                        }
                        println!("{DIM}{}{DIM:#}", new.up.trim_end());
                        for l in &new.lints {
                            println!("{YELLOW}lint{YELLOW:#}: {l}");
                        }
                        if online
                            && !new
                                .steps
                                .iter()
                                .any(|s| s.online_sql(db.dialect()).is_some())
                        {
                            println!(
                                "{DIM}--online: no step of this migration has an online form on {} (written as usual){DIM:#}",
                                db.dialect().backend.name()
                            );
                        }
                        if new.applied {
                            println!("{GREEN}Applied{GREEN:#} {}", new.name);
                        } else if data_step && !create_only {
                            println!(
                                "{YELLOW}Not applied{YELLOW:#}: register its Rust step with `Cli::data_migration({name:?}, up, down)`, then run `migrate dev` or `migrate deploy`."
                            );
                        } else {
                            println!(
                                "{YELLOW}Not applied{YELLOW:#} (--create-only): review it, then run `migrate dev` or `migrate deploy`."
                            );
                        }
                    }
                }
            }
            MigrateCmd::Deploy => {
                let applied = with_spinner("applying migrations", m.deploy(db)).await?;
                if applied.is_empty() {
                    println!("{GREEN}No pending migrations.{GREEN:#}");
                }
                for a in applied {
                    println!("{GREEN}Applied{GREEN:#} {a}");
                }
            }
            MigrateCmd::Status => return self.status(m, db).await,
            MigrateCmd::Lint => {
                let (recorded, changes) =
                    with_spinner("checking pending steps", m.lint(db)).await?;
                if recorded.is_empty() && changes.is_empty() {
                    println!(
                        "{GREEN}Nothing to flag{GREEN:#}: no pending step locks or rewrites a table with rows."
                    );
                    return Ok(0);
                }
                for (name, lints) in &recorded {
                    println!("{BOLD}{name}{BOLD:#} (pending):");
                    for l in lints {
                        println!("  {YELLOW}lint{YELLOW:#}: {l}");
                    }
                }
                if !changes.is_empty() {
                    println!("{BOLD}model changes without a migration{BOLD:#}:");
                    for l in &changes {
                        println!("  {YELLOW}lint{YELLOW:#}: {l}");
                    }
                }
                return Ok(EXIT_PENDING);
            }
            MigrateCmd::Down { to } => {
                let done = with_spinner("rolling back", m.down(db, to.as_deref())).await?;
                if done.is_empty() {
                    println!("Nothing to roll back.");
                }
                for d in done {
                    println!("{YELLOW}Rolled back{YELLOW:#} {d}");
                }
            }
            MigrateCmd::Reset { force } => {
                if !force {
                    eprintln!(
                        "{RED}error{RED:#}: reset drops every table and row; rerun with --force to confirm"
                    );
                    return Ok(2);
                }
                let applied = with_spinner("resetting", m.reset(db)).await?;
                println!(
                    "{YELLOW}Dropped everything{YELLOW:#}; applied {} migration(s).",
                    applied.len()
                );
                for a in applied {
                    println!("  {a}");
                }
            }
            MigrateCmd::Resolve(args) => {
                if let Some(name) = args.applied {
                    m.resolve_applied(db, &name).await?;
                    println!("Recorded {name} as {GREEN}applied{GREEN:#}.");
                } else if let Some(name) = args.rolled_back {
                    m.resolve_rolled_back(db, &name).await?;
                    println!(
                        "Recorded {name} as {YELLOW}rolled back{YELLOW:#}; deploy will run it again."
                    );
                }
            }
            MigrateCmd::Baseline { name } => {
                let b = with_spinner("baselining", m.baseline(db, &name)).await?;
                println!(
                    "{GREEN}Baselined{GREEN:#} the database as {} ({} step(s), recorded as applied, not run).",
                    b.migration.path.display(),
                    b.migration.steps.len()
                );
                if let Some(last) = b.prisma_migrations.last() {
                    println!(
                        "Prisma's history: {} applied migration(s), the last `{last}`; `_prisma_migrations` is left as it is.",
                        b.prisma_migrations.len()
                    );
                }
            }
            MigrateCmd::Diff => {
                let steps = with_spinner("comparing", m.pending_changes(db)).await?;
                if steps.is_empty() {
                    eprintln!("{GREEN}No changes{GREEN:#}: the models match the migrations.");
                }
                let d = db.dialect();
                for s in steps {
                    println!("-- {}", s.describe());
                    for sql in s.sql(d) {
                        println!("{sql};");
                    }
                }
            }
        }
        Ok(0)
    }

    async fn status(&self, m: &Migrator, db: &Client) -> Result<u8> {
        let mut todo = false;
        let status = m.status(db).await?;
        let local = m.local()?;
        if status.is_empty() {
            println!("No migrations in {}.", m.migrations_dir().display());
        }
        for s in &status {
            match &s.state {
                MigrationState::Applied => println!("  {GREEN}applied{GREEN:#}         {}", s.name),
                MigrationState::Pending => {
                    todo = true;
                    println!("  {YELLOW}pending{YELLOW:#}         {}", s.name);
                    if let Some(m) = local.iter().find(|m| m.name == s.name) {
                        for l in super::lint::recorded(&m.up) {
                            println!("                  {YELLOW}lint{YELLOW:#}: {l}");
                        }
                    }
                }
                MigrationState::Failed { logs } => {
                    todo = true;
                    println!("  {RED}failed{RED:#}          {}", s.name);
                    if let Some(l) = logs {
                        println!("                  {DIM}{l}{DIM:#}");
                    }
                }
                MigrationState::Modified => {
                    todo = true;
                    println!(
                        "  {RED}edited{RED:#}          {} (changed after it was applied)",
                        s.name
                    )
                }
                MigrationState::MissingLocally => {
                    todo = true;
                    println!(
                        "  {RED}missing{RED:#}         {} (applied, but not in the directory)",
                        s.name
                    )
                }
            }
        }
        if todo {
            return Ok(EXIT_PENDING);
        }
        let drift = with_spinner("checking for drift", m.drift(db)).await?;
        if !drift.is_empty() {
            println!("{RED}Drift{RED:#}: the database differs from its migrations:");
            for d in drift {
                println!("  - {d}");
            }
            return Ok(EXIT_PENDING);
        }
        let changes = with_spinner("comparing the models", m.pending_changes(db)).await?;
        if !changes.is_empty() {
            println!(
                "{YELLOW}The models changed{YELLOW:#} since the last migration (run `migrate dev`):"
            );
            for c in changes {
                println!("  - {}", c.describe());
            }
            return Ok(EXIT_PENDING);
        }
        println!("{GREEN}Up to date.{GREEN:#}");
        Ok(0)
    }

    async fn db(&self, m: &Migrator, db: &Client, cmd: DbCmd) -> Result<u8> {
        match cmd {
            DbCmd::Push { accept_data_loss } => {
                let steps =
                    with_spinner("pushing the models", m.push(db, accept_data_loss)).await?;
                if steps.is_empty() {
                    println!("{GREEN}Already in sync.{GREEN:#}");
                }
                for s in steps {
                    println!("{GREEN}✓{GREEN:#} {}", s.describe());
                }
            }
            DbCmd::Pull { output } => {
                let schema = with_spinner("reading the database", introspect(db)).await?;
                let source = render_models(&schema, db.dialect());
                match output {
                    Some(path) => {
                        std::fs::write(&path, source).map_err(|source| MigrateError::Io {
                            path: path.clone(),
                            source,
                        })?;
                        println!(
                            "Wrote {} model(s) to {}",
                            schema.tables.len(),
                            path.display()
                        );
                    }
                    None => print!("{source}"),
                }
            }
            DbCmd::Seed => match &self.seed {
                Some(f) => {
                    with_spinner("seeding", f(db.clone())).await?;
                    println!("{GREEN}Seeded.{GREEN:#}");
                }
                None => {
                    eprintln!("{RED}error{RED:#}: this binary has no seed function (Cli::seed)");
                    return Ok(1);
                }
            },
        }
        Ok(0)
    }
}

/// `orm import prisma`: reads the schema, writes the models. Connects to no database.
fn import(cmd: ImportCmd, url: Option<&str>) -> Result<u8> {
    let ImportCmd::Prisma { path, output } = cmd;
    let source = std::fs::read_to_string(&path).map_err(|source| MigrateError::Io {
        path: path.clone(),
        source,
    })?;
    let failed = |e: super::PrismaImportError| {
        eprintln!(
            "{RED}error{RED:#}: {}:{}:{}: {}",
            path.display(),
            e.line,
            e.column,
            e.message
        );
        Ok(1)
    };
    let from_file = match prisma_dialect(&source) {
        Ok(d) => d,
        Err(e) => return failed(e),
    };
    let from_url = match url.filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => match url_dialect(u) {
            Some(d) => Some(d),
            None => {
                eprintln!(
                    "{RED}error{RED:#}: the database URL names no supported backend (postgres://, mysql://, mariadb://, sqlite:)"
                );
                return Ok(2);
            }
        },
    };
    let dialect = match (from_url, from_file) {
        (Some(u), f) => {
            if f.is_some_and(|f| f.backend != u.backend) {
                eprintln!(
                    "{YELLOW}note{YELLOW:#}: the schema's provider is {}, the database URL's {}: writing models for {}",
                    f.map_or("", |f| f.backend.name()),
                    u.backend.name(),
                    u.backend.name()
                );
            }
            u
        }
        (None, Some(f)) => f,
        (None, None) => {
            eprintln!(
                "{RED}error{RED:#}: {} has no `datasource` provider: pass --database-url (or set DATABASE_URL) to choose the dialect",
                path.display()
            );
            return Ok(2);
        }
    };
    let models = match import_prisma(&source, dialect) {
        Ok(m) => m,
        Err(e) => return failed(e),
    };
    match output {
        Some(out) => {
            std::fs::write(&out, &models).map_err(|source| MigrateError::Io {
                path: out.clone(),
                source,
            })?;
            println!(
                "Wrote the models of {} for {} to {}",
                path.display(),
                dialect.backend.name(),
                out.display()
            );
        }
        None => print!("{models}"),
    }
    Ok(0)
}

/// The dialect a database URL's scheme names.
fn url_dialect(url: &str) -> Option<Dialect> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Dialect::POSTGRES)
    } else if url.starts_with("mysql://") {
        Some(Dialect::MYSQL)
    } else if url.starts_with("mariadb://") {
        Some(Dialect::MARIADB)
    } else if url.starts_with("sqlite:") {
        Some(Dialect::SQLITE)
    } else {
        None
    }
}

/// Shows a spinner on a terminal while `fut` runs.
async fn with_spinner<T>(message: &str, fut: impl Future<Output = T>) -> T {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(Duration::from_millis(100));
    let out = fut.await;
    bar.finish_and_clear();
    out
}
