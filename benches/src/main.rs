//! Benchmarks `orm-runtime` against hand-written sqlx (the floor), SeaORM and Diesel (diesel-async) on
//! the same database and data, in one process; and the seed's `DatabaseService` (blog-models) on a
//! scaled seed data set against hand-written sqlx. See BENCHMARKS.md at the repository root.
//!
//! ```sh
//! cargo run --release --manifest-path benches/Cargo.toml -- --backend postgres
//! cargo run --release --manifest-path benches/Cargo.toml -- --backend all --quick --no-write
//! ```

mod blog;
mod blog_floor;
mod data;
mod dsl;
mod floor;
mod ours;
mod report;
mod seaorm;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use blog::SeedOp;
use data::{Admin, AnyResult, Fp};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    Postgres,
    MySql,
    Sqlite,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
            Backend::Sqlite => "sqlite",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Backend::Postgres => "PostgreSQL",
            Backend::MySql => "MariaDB/MySQL",
            Backend::Sqlite => "SQLite",
        }
    }
}

/// The implementations, the floor first.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Imp {
    Sqlx,
    Ours,
    SeaOrm,
    Diesel,
    /// Our ORM through the relation API: `include(..)` with `Strategy::Query` (medium, associations;
    /// on the seed workloads, `DatabaseService::with_strategy(Strategy::Query)`).
    OursIncludeQuery,
    /// The same with `Strategy::Join` (one statement, related rows aggregated as JSON).
    OursIncludeJoin,
    /// Analysis only: hand-written sqlx sending the ORM's statements (`--only sqlx-same-sql`).
    SqlxSameSql,
    /// Analysis only (`--only ours-manual`, associations): our ORM without the relation API — three
    /// `find_many` with `in_(ids)`, grouped in memory — to separate the include machinery's cost.
    OursManual,
    /// Analysis only (`--only ours-hooked`): `ours` on a client with one operation hook registered
    /// (it adds each operation's duration to a counter), to measure what hooks cost.
    OursHooked,
}

/// The four implementations of the headline table.
pub const IMPS: [Imp; 4] = [Imp::Sqlx, Imp::Ours, Imp::SeaOrm, Imp::Diesel];
/// Measured by default: the headline four and our relation-include variants.
pub const DEFAULT_IMPS: [Imp; 6] = [
    Imp::Sqlx,
    Imp::Ours,
    Imp::SeaOrm,
    Imp::Diesel,
    Imp::OursIncludeQuery,
    Imp::OursIncludeJoin,
];
const ALL_IMPS: [Imp; 9] = [
    Imp::Sqlx,
    Imp::Ours,
    Imp::SeaOrm,
    Imp::Diesel,
    Imp::OursIncludeQuery,
    Imp::OursIncludeJoin,
    Imp::SqlxSameSql,
    Imp::OursManual,
    Imp::OursHooked,
];

impl Imp {
    pub fn name(self) -> &'static str {
        match self {
            Imp::Sqlx => "sqlx",
            Imp::Ours => "ours",
            Imp::SeaOrm => "seaorm",
            Imp::Diesel => "diesel",
            Imp::OursIncludeQuery => "ours-include-query",
            Imp::OursIncludeJoin => "ours-include-join",
            Imp::SqlxSameSql => "sqlx-same-sql",
            Imp::OursManual => "ours-manual",
            Imp::OursHooked => "ours-hooked",
        }
    }
    /// Whether this implementation has its own code for `work` (the include variants only differ
    /// from `ours` where relations are loaded). The seed workloads are measured for sqlx and our
    /// `DatabaseService`: under both strategies where the operation loads relations, once (`ours`,
    /// the backend's default strategy) where it does not.
    pub fn applies(self, work: Work) -> bool {
        match (self, work) {
            (Imp::Sqlx, _) => true,
            (Imp::Ours, Work::Seed(op)) => !op.loads_relations(),
            (Imp::OursIncludeQuery | Imp::OursIncludeJoin, Work::Seed(op)) => op.loads_relations(),
            (_, Work::Seed(_)) => false,
            (Imp::OursIncludeQuery | Imp::OursIncludeJoin, w) => {
                matches!(w, Work::Medium | Work::Assoc)
            }
            (Imp::OursManual, w) => w == Work::Assoc,
            (Imp::OursHooked, w) => !matches!(w, Work::Seed(_)),
            _ => true,
        }
    }
    fn parse(s: &str) -> Option<Imp> {
        ALL_IMPS.into_iter().find(|i| i.name() == s)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Work {
    /// `SELECT` every row of a users table holding this many rows.
    Trivial(usize),
    /// Users with black hair left-joined to their posts.
    Medium,
    /// 100 users × 10 posts × 10 comments, eagerly loaded.
    Assoc,
    /// A batch insert of this many users.
    Insert(usize),
    /// One operation of the seed's `DatabaseService` on the scaled seed data set.
    Seed(SeedOp),
}

pub const MEDIUM_USERS: usize = 1000;
pub const ASSOC_USERS: usize = 100;
pub const ASSOC_POSTS: usize = 10;
pub const ASSOC_COMMENTS: usize = 10;

const CLASSIC: [Work; 8] = [
    Work::Trivial(1),
    Work::Trivial(100),
    Work::Trivial(10_000),
    Work::Medium,
    Work::Assoc,
    Work::Insert(1),
    Work::Insert(10),
    Work::Insert(100),
];

/// Every workload, in running order: the classic set, then the seed's.
fn all_works() -> Vec<Work> {
    CLASSIC
        .into_iter()
        .chain(SeedOp::ALL.map(Work::Seed))
        .collect()
}

/// Workloads also measured as 16-way concurrent throughput: two classic ones and every seed one.
fn concurrent_works() -> Vec<Work> {
    [Work::Trivial(1), Work::Assoc]
        .into_iter()
        .chain(SeedOp::ALL.map(Work::Seed))
        .collect()
}

impl Work {
    pub fn id(self) -> String {
        match self {
            Work::Trivial(n) => format!("trivial_{n}"),
            Work::Medium => "medium".into(),
            Work::Assoc => "associations".into(),
            Work::Insert(n) => format!("insert_{n}"),
            Work::Seed(op) => op.id().into(),
        }
    }
    pub fn title(self) -> String {
        match self {
            Work::Trivial(n) => format!("trivial query, {n} row{}", if n == 1 { "" } else { "s" }),
            Work::Medium => format!("medium: {MEDIUM_USERS} users ⟕ posts, hair = black"),
            Work::Assoc => format!(
                "associations: {ASSOC_USERS} users × {ASSOC_POSTS} posts × {ASSOC_COMMENTS} comments"
            ),
            Work::Insert(n) => format!("insert batch of {n}"),
            Work::Seed(op) => op.title(),
        }
    }
    fn parse(s: &str) -> Option<Work> {
        all_works().into_iter().find(|w| w.id() == s)
    }
}

/// Every implementation's connection pool, on the same database.
pub struct Ctx {
    ours: orm_runtime::Client,
    /// The same database through a client with one hook.
    hooked: orm_runtime::Client,
    floor: floor::Db,
    sea: sea_orm::DatabaseConnection,
    diesel: dsl::Db,
    seq: AtomicUsize,
    /// The seed data set's database (set up when a seed workload is selected).
    blog: Option<blog::BlogCtx>,
}

impl Ctx {
    async fn run(&self, imp: Imp, work: Work) -> AnyResult<Fp> {
        match work {
            Work::Trivial(_) => match imp {
                Imp::Sqlx | Imp::SqlxSameSql => floor::trivial(&self.floor).await,
                Imp::Ours | Imp::OursIncludeQuery | Imp::OursIncludeJoin | Imp::OursManual => {
                    ours::trivial(&self.ours).await
                }
                Imp::OursHooked => ours::trivial(&self.hooked).await,
                Imp::SeaOrm => seaorm::trivial(&self.sea).await,
                Imp::Diesel => dsl::trivial(&self.diesel).await,
            },
            Work::Medium => match imp {
                Imp::Sqlx => floor::medium(&self.floor).await,
                Imp::SqlxSameSql => floor::same_sql::medium(&self.floor).await,
                Imp::OursIncludeQuery => {
                    ours::include_medium(&self.ours, orm_runtime::Strategy::Query).await
                }
                Imp::OursIncludeJoin => {
                    ours::include_medium(&self.ours, orm_runtime::Strategy::Join).await
                }
                Imp::Ours | Imp::OursManual => ours::medium(&self.ours).await,
                Imp::OursHooked => ours::medium(&self.hooked).await,
                Imp::SeaOrm => seaorm::medium(&self.sea).await,
                Imp::Diesel => dsl::medium(&self.diesel).await,
            },
            Work::Assoc => match imp {
                Imp::Sqlx => floor::associations(&self.floor).await,
                Imp::SqlxSameSql => floor::same_sql::associations(&self.floor).await,
                Imp::OursIncludeQuery => {
                    ours::include_associations(&self.ours, Some(orm_runtime::Strategy::Query)).await
                }
                Imp::OursIncludeJoin => {
                    ours::include_associations(&self.ours, Some(orm_runtime::Strategy::Join)).await
                }
                Imp::Ours => ours::ours_associations(&self.ours).await,
                Imp::OursHooked => ours::ours_associations(&self.hooked).await,
                Imp::OursManual => ours::manual_associations(&self.ours).await,
                Imp::SeaOrm => seaorm::associations(&self.sea).await,
                Imp::Diesel => dsl::associations(&self.diesel).await,
            },
            Work::Insert(n) => {
                let seq = self.seq.fetch_add(n, Ordering::Relaxed);
                match imp {
                    Imp::Sqlx | Imp::SqlxSameSql => floor::insert(&self.floor, n, seq).await,
                    Imp::Ours | Imp::OursIncludeQuery | Imp::OursIncludeJoin | Imp::OursManual => {
                        ours::insert(&self.ours, n, seq).await
                    }
                    Imp::OursHooked => ours::insert(&self.hooked, n, seq).await,
                    Imp::SeaOrm => seaorm::insert(&self.sea, n, seq).await,
                    Imp::Diesel => dsl::insert(&self.diesel, n, seq).await,
                }
            }
            Work::Seed(op) => self.blog()?.run(imp, op).await,
        }
    }

    fn blog(&self) -> AnyResult<&blog::BlogCtx> {
        Ok(self
            .blog
            .as_ref()
            .ok_or("the seed data set was not set up")?)
    }

    /// Undoes what a write workload created (untimed; the seed workloads delete their rows, the
    /// classic inserts let `users` grow).
    async fn cleanup(&self, work: Work) -> AnyResult<()> {
        match work {
            Work::Seed(op) => self.blog()?.cleanup(op).await,
            _ => Ok(()),
        }
    }
}

struct Args {
    backends: Vec<Backend>,
    quick: bool,
    write: bool,
    imps: Vec<Imp>,
    works: Vec<Work>,
    concurrency: usize,
    pool: u32,
    postgres_url: String,
    mysql_url: String,
    /// `--loop IMP:WORKLOAD:N`: run one implementation N times (for perf/callgrind), report nothing.
    profile: Option<(Imp, Work, usize)>,
}

fn usage() -> ! {
    eprintln!(
        "usage: orm-bench [--backend postgres|mysql|sqlite|all[,..]] [--quick] [--no-write]\n\
         \x20                [--only sqlx,ours,seaorm,diesel,ours-include-query,ours-include-join,sqlx-same-sql,ours-manual,ours-hooked]\n\
         \x20                [--workload trivial_1,trivial_100,trivial_10000,medium,associations,insert_1,insert_10,insert_100,\n\
         \x20                            seed_user_stats,seed_posts_page,seed_posts_cursor,seed_posts_search,\n\
         \x20                            seed_search_posts,seed_search_posts_broad,\n\
         \x20                            seed_popular_tags,seed_create_post,seed_notifications]\n\
         \x20                [--concurrency 16] [--pool 16] [--loop IMP:WORKLOAD:N]\n\
         env: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test),\n\
         \x20    BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/test); the benchmark creates and\n\
         \x20    uses databases named orm_bench and orm_bench_blog on those servers, and SQLite files in\n\
         \x20    the temp dir."
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        backends: vec![Backend::Postgres],
        quick: false,
        write: true,
        imps: DEFAULT_IMPS.to_vec(),
        works: all_works(),
        concurrency: 16,
        pool: 16,
        postgres_url: std::env::var("BENCH_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()),
        mysql_url: std::env::var("BENCH_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into()),
        profile: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--backend" => {
                a.backends = val()
                    .split(',')
                    .flat_map(|b| match b {
                        "postgres" | "pg" => vec![Backend::Postgres],
                        "mysql" | "mariadb" => vec![Backend::MySql],
                        "sqlite" => vec![Backend::Sqlite],
                        "all" => vec![Backend::Postgres, Backend::MySql, Backend::Sqlite],
                        _ => usage(),
                    })
                    .collect()
            }
            "--quick" => a.quick = true,
            "--no-write" => a.write = false,
            "--only" => {
                let mut v: Vec<Imp> = val()
                    .split(',')
                    .map(|s| Imp::parse(s).unwrap_or_else(|| usage()))
                    .collect();
                if !v.contains(&Imp::Sqlx) {
                    v.insert(0, Imp::Sqlx); // ratios need the floor
                }
                a.imps = ALL_IMPS.into_iter().filter(|i| v.contains(i)).collect();
            }
            "--workload" => {
                a.works = val()
                    .split(',')
                    .map(|s| Work::parse(s).unwrap_or_else(|| usage()))
                    .collect()
            }
            "--concurrency" => a.concurrency = val().parse().unwrap_or_else(|_| usage()),
            "--pool" => a.pool = val().parse().unwrap_or_else(|_| usage()),
            "--loop" => {
                let v = val();
                let parts: Vec<&str> = v.split(':').collect();
                if parts.len() != 3 {
                    usage()
                }
                a.profile = Some((
                    Imp::parse(parts[0]).unwrap_or_else(|| usage()),
                    Work::parse(parts[1]).unwrap_or_else(|| usage()),
                    parts[2].parse().unwrap_or_else(|_| usage()),
                ));
            }
            _ => usage(),
        }
    }
    a
}

/// Timing knobs: the full run takes about 2–3 minutes per backend, `--quick` a few seconds.
pub struct Plan {
    /// Wall-clock budget for the interleaved single-caller rounds of one workload (all impls).
    budget: Duration,
    min_iters: usize,
    max_iters: usize,
    warmup: Duration,
    concurrent: Duration,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                budget: Duration::from_millis(800),
                min_iters: 5,
                max_iters: 300,
                warmup: Duration::from_millis(100),
                concurrent: Duration::from_millis(400),
            }
        } else {
            Plan {
                budget: Duration::from_secs(12),
                min_iters: 40,
                max_iters: 5000,
                warmup: Duration::from_millis(600),
                concurrent: Duration::from_millis(2500),
            }
        }
    }
}

/// One implementation's single-caller samples on one workload.
pub struct Series {
    pub imp: Imp,
    pub samples: Vec<Duration>,
    pub error: Option<String>,
}

impl Series {
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        if self.samples.is_empty() {
            return None;
        }
        let mut s = self.samples.clone();
        s.sort_unstable();
        let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
        Some(s[rank - 1])
    }
}

pub struct WorkResult {
    pub work: Work,
    pub iters: usize,
    pub series: Vec<Series>,
}

pub struct ConcResult {
    pub work: Work,
    pub imp: Imp,
    pub ops_per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub error: Option<String>,
}

pub struct BackendRun {
    pub backend: Backend,
    pub server_version: String,
    pub works: Vec<WorkResult>,
    pub conc: Vec<ConcResult>,
    pub concurrency: usize,
    pub pool: u32,
    pub quick: bool,
    pub imps: Vec<Imp>,
    pub elapsed: Duration,
    pub load_start: String,
    /// What the seed data set holds (when seed workloads ran).
    pub data_set: Option<String>,
}

fn with_db(url: &str, db: &str) -> String {
    // scheme://user@host:port/dbname[?params] -> same with dbname replaced
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

async fn prepare(args: &Args, backend: Backend) -> AnyResult<(String, Admin, String)> {
    Ok(match backend {
        Backend::Postgres => {
            let server = sqlx::PgPool::connect(&args.postgres_url).await?;
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = 'orm_bench'")
                    .fetch_optional(&server)
                    .await?;
            if exists.is_none() {
                sqlx::raw_sql("CREATE DATABASE orm_bench")
                    .execute(&server)
                    .await?;
            }
            server.close().await;
            let url = with_db(&args.postgres_url, "orm_bench");
            let admin = Admin::Postgres(sqlx::PgPool::connect(&url).await?);
            let v = admin.scalar("SHOW server_version").await?;
            (url, admin, format!("PostgreSQL {v}"))
        }
        Backend::MySql => {
            let server = sqlx::MySqlPool::connect(&args.mysql_url).await?;
            sqlx::raw_sql("CREATE DATABASE IF NOT EXISTS orm_bench")
                .execute(&server)
                .await?;
            server.close().await;
            let url = with_db(&args.mysql_url, "orm_bench");
            let admin = Admin::MySql(sqlx::MySqlPool::connect(&url).await?);
            let v = admin.scalar("SELECT VERSION()").await?;
            let v = if v.to_ascii_lowercase().contains("mariadb") {
                format!("MariaDB {v}")
            } else {
                format!("MySQL {v}")
            };
            (url, admin, v)
        }
        Backend::Sqlite => {
            let path = std::env::temp_dir().join("orm_bench.sqlite");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let url = format!("sqlite://{}", path.display());
            let opts: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
            let opts = opts
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
            let admin = Admin::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(opts)
                    .await?,
            );
            let v = admin.scalar("SELECT sqlite_version()").await?;
            (
                url,
                admin,
                format!("SQLite {v} (file in the temp dir, WAL)"),
            )
        }
    })
}

async fn seed(admin: &Admin, backend: Backend, work: Work) -> AnyResult<()> {
    if let Work::Seed(_) = work {
        return Ok(()); // the seed data set is created once per backend (blog::setup)
    }
    admin.truncate(backend).await?;
    match work {
        Work::Trivial(n) => admin.seed_users(n).await?,
        Work::Medium => {
            admin.seed_users(MEDIUM_USERS).await?;
            admin.seed_posts(MEDIUM_USERS, |u| u % 3, 0).await?;
        }
        Work::Assoc => {
            admin.seed_users(ASSOC_USERS).await?;
            admin
                .seed_posts(ASSOC_USERS, |_| ASSOC_POSTS, ASSOC_COMMENTS)
                .await?;
        }
        Work::Insert(_) | Work::Seed(_) => {}
    }
    let analyze = match backend {
        Backend::Postgres => "ANALYZE users, posts, comments",
        Backend::MySql => "ANALYZE TABLE users, posts, comments",
        Backend::Sqlite => "ANALYZE",
    };
    admin.exec(analyze).await
}

/// The expected fingerprint: what hand-written sqlx returns (or the inserted count).
async fn expected(ctx: &Ctx, work: Work) -> AnyResult<Fp> {
    match work {
        Work::Insert(n) => Ok(Fp::rows(n as u64)),
        _ => {
            let fp = ctx.run(Imp::Sqlx, work).await?;
            ctx.cleanup(work).await?;
            Ok(fp)
        }
    }
}

async fn bench_work(
    ctx: &Ctx,
    admin: &Admin,
    backend: Backend,
    work: Work,
    imps: &[Imp],
    plan: &Plan,
) -> AnyResult<WorkResult> {
    seed(admin, backend, work).await?;
    let want = expected(ctx, work).await?;
    let mut series: Vec<Series> = imps
        .iter()
        .filter(|i| i.applies(work))
        .map(|&imp| Series {
            imp,
            samples: Vec::new(),
            error: None,
        })
        .collect();
    // Correctness: every implementation must return the same data as the floor.
    for s in &mut series {
        match ctx.run(s.imp, work).await {
            Ok(fp) if fp == want => {}
            Ok(fp) => s.error = Some(format!("wrong result: {fp:?}, expected {want:?}")),
            Err(e) => s.error = Some(format!("error: {e}")),
        }
    }
    ctx.cleanup(work).await?;
    let live: Vec<usize> = (0..series.len())
        .filter(|&i| series[i].error.is_none())
        .collect();
    // Warm-up (statement caches, pools, allocator) and calibration of the iteration count.
    let started = Instant::now();
    let mut rounds = 0usize;
    while started.elapsed() < plan.warmup || rounds < 3 {
        for &i in &live {
            if let Err(e) = ctx.run(series[i].imp, work).await {
                series[i].error = Some(format!("error: {e}"));
            }
        }
        ctx.cleanup(work).await?;
        rounds += 1;
    }
    let per_round = started.elapsed() / rounds as u32;
    let iters = ((plan.budget.as_secs_f64() / per_round.as_secs_f64().max(1e-9)) as usize)
        .clamp(plan.min_iters, plan.max_iters);
    // Interleaved rounds, rotating the order, so drift (autovacuum, caches, table growth on inserts)
    // hits every implementation alike.
    let live: Vec<usize> = live
        .into_iter()
        .filter(|&i| series[i].error.is_none())
        .collect();
    for s in &mut series {
        s.samples.reserve(iters);
    }
    for round in 0..iters {
        for k in 0..live.len() {
            let i = live[(round + k) % live.len()];
            if series[i].error.is_some() {
                continue;
            }
            let t = Instant::now();
            let r = ctx.run(series[i].imp, work).await;
            let dt = t.elapsed();
            match r {
                Ok(_) => series[i].samples.push(dt),
                Err(e) => series[i].error = Some(format!("error: {e}")),
            }
        }
        ctx.cleanup(work).await?;
    }
    Ok(WorkResult {
        work,
        iters,
        series,
    })
}

async fn bench_concurrent(
    ctx: Arc<Ctx>,
    admin: &Admin,
    backend: Backend,
    work: Work,
    imps: &[Imp],
    plan: &Plan,
    tasks: usize,
) -> AnyResult<Vec<ConcResult>> {
    seed(admin, backend, work).await?;
    let imps: Vec<Imp> = imps.iter().copied().filter(|i| i.applies(work)).collect();
    // Warm every pooled connection first.
    for &imp in &imps {
        let _ = run_tasks(ctx.clone(), imp, work, tasks, plan.warmup / 2).await;
        ctx.cleanup(work).await?;
    }
    // Interleaved slices, rotating the order, so a burst of outside load lands on every
    // implementation alike; throughput is the median over an implementation's slices.
    let slices = if plan.concurrent < Duration::from_secs(1) {
        2
    } else {
        5
    };
    let slice = plan.concurrent / slices as u32;
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); imps.len()];
    let mut lats: Vec<Vec<Duration>> = vec![Vec::new(); imps.len()];
    let mut errors: Vec<Option<String>> = vec![None; imps.len()];
    for round in 0..slices {
        for k in 0..imps.len() {
            let i = (round + k) % imps.len();
            if errors[i].is_some() {
                continue;
            }
            match run_tasks(ctx.clone(), imps[i], work, tasks, slice).await {
                Ok((ops, elapsed, lat)) => {
                    rates[i].push(ops as f64 / elapsed.as_secs_f64());
                    lats[i].extend(lat);
                }
                Err(e) => errors[i] = Some(e.to_string()),
            }
            ctx.cleanup(work).await?;
        }
    }
    let mut out = Vec::new();
    for (i, &imp) in imps.iter().enumerate() {
        let lat = &mut lats[i];
        lat.sort_unstable();
        rates[i].sort_by(f64::total_cmp);
        let q = |q: f64| {
            if lat.is_empty() {
                Duration::ZERO
            } else {
                lat[((q * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1]
            }
        };
        out.push(ConcResult {
            work,
            imp,
            ops_per_sec: rates[i].get(rates[i].len() / 2).copied().unwrap_or(0.0),
            p50: q(0.5),
            p99: q(0.99),
            error: errors[i].take(),
        });
    }
    Ok(out)
}

async fn run_tasks(
    ctx: Arc<Ctx>,
    imp: Imp,
    work: Work,
    tasks: usize,
    dur: Duration,
) -> AnyResult<(usize, Duration, Vec<Duration>)> {
    let started = Instant::now();
    let deadline = started + dur;
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    ctx.run(imp, work).await.map_err(|e| e.to_string())?;
                    lat.push(t.elapsed());
                }
                Ok::<_, String>(lat)
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        all.extend(
            h.await?
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?,
        );
    }
    let elapsed = started.elapsed();
    if all.is_empty() {
        return Err("no operation completed".into());
    }
    Ok((all.len(), elapsed, all))
}

async fn run_backend(args: &Args, backend: Backend) -> AnyResult<BackendRun> {
    let started = Instant::now();
    let load_start = report::loadavg();
    let plan = Plan::new(args.quick);
    let (url, admin, server_version) = prepare(args, backend).await?;
    eprintln!("== {} ({server_version})", backend.title());
    admin.create_schema(backend).await?;
    // The seed data set is created only when a seed workload runs (or is profiled).
    let needs_blog = match args.profile {
        Some((_, work, _)) => matches!(work, Work::Seed(_)),
        None => args.works.iter().any(|w| matches!(w, Work::Seed(_))),
    };
    let ctx = Arc::new(Ctx {
        ours: ours::connect(&url, args.pool).await?,
        hooked: ours::connect_hooked(&url, args.pool).await?,
        floor: floor::connect(&url, args.pool).await?,
        sea: seaorm::connect(&url, args.pool).await?,
        diesel: dsl::connect(&url, args.pool as usize).await?,
        seq: AtomicUsize::new(0),
        blog: if needs_blog {
            Some(blog::setup(backend, &args.postgres_url, &args.mysql_url, args.pool).await?)
        } else {
            None
        },
    });

    if let Some((imp, work, n)) = args.profile {
        seed(&admin, backend, work).await?;
        let want = expected(&ctx, work).await?;
        let got = ctx.run(imp, work).await?;
        assert_eq!(got, want, "{} returned different data", imp.name());
        let t = Instant::now();
        for _ in 0..n {
            ctx.run(imp, work).await?;
        }
        let dt = t.elapsed();
        ctx.cleanup(work).await?;
        eprintln!(
            "{} {} x{n}: {:?} total, {:?} per op",
            imp.name(),
            work.id(),
            dt,
            dt / n as u32
        );
        std::process::exit(0);
    }

    let mut works = Vec::new();
    for &work in &args.works {
        let r = bench_work(&ctx, &admin, backend, work, &args.imps, &plan).await?;
        report::print_work(&r);
        works.push(r);
    }
    let mut conc = Vec::new();
    for work in concurrent_works() {
        if !args.works.contains(&work) {
            continue;
        }
        let r = bench_concurrent(
            ctx.clone(),
            &admin,
            backend,
            work,
            &args.imps,
            &plan,
            args.concurrency,
        )
        .await?;
        report::print_conc(&r);
        conc.extend(r);
    }
    floor::close(&ctx.floor).await;
    Ok(BackendRun {
        backend,
        server_version,
        works,
        conc,
        concurrency: args.concurrency,
        pool: args.pool,
        quick: args.quick,
        imps: args.imps.clone(),
        elapsed: started.elapsed(),
        load_start,
        data_set: ctx.blog.as_ref().map(|b| b.data_set.clone()),
    })
}

fn main() -> AnyResult<()> {
    let args = parse_args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        for &backend in &args.backends {
            match run_backend(&args, backend).await {
                Ok(run) => {
                    eprintln!("== {} done in {:.1?}", backend.title(), run.elapsed);
                    if args.write {
                        report::write_markdown(&run)?;
                    }
                }
                Err(e) => {
                    eprintln!("== {}: FAILED: {e}", backend.title());
                    if args.backends.len() == 1 {
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    })
}
