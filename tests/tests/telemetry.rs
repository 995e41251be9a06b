//! Telemetry: `orm.operation` and `orm.statement` spans with OpenTelemetry's database attributes,
//! captured by a test subscriber; metrics through the `metrics` facade, captured by a test
//! recorder. Each test runs on a current-thread runtime, so the thread-local subscriber and
//! recorder see everything the operations emit.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use orm_runtime::prelude::*;
use orm_tests::TestBackend;
use tracing::span;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// A tag.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "labels")]
pub struct Label {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Unique name.
    #[orm(unique)]
    pub name: String,
}

fn schema() -> Schema {
    Schema::new().model::<Label>()
}

/// One captured span: its name, fields, and its parent's name.
#[derive(Debug, Clone)]
struct Captured {
    name: &'static str,
    fields: BTreeMap<String, String>,
    parent: Option<&'static str>,
}

#[derive(Default, Clone)]
struct Spans(Arc<Mutex<Vec<Captured>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
}

/// The index of a span's entry in the captured list, kept in the span's extensions.
struct Slot(usize);

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Spans {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let span = ctx.span(id).expect("a new span");
        let parent = span.parent().map(|p| p.name());
        let mut all = self.0.lock().unwrap();
        all.push(Captured {
            name: attrs.metadata().name(),
            fields,
            parent,
        });
        span.extensions_mut().insert(Slot(all.len() - 1));
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).expect("a span");
        let ext = span.extensions();
        let Some(Slot(i)) = ext.get::<Slot>() else {
            return;
        };
        values.record(&mut Fields(&mut self.0.lock().unwrap()[*i].fields));
    }
}

fn system(backend: TestBackend) -> &'static str {
    match backend {
        TestBackend::Postgres => "postgresql",
        TestBackend::MySql => "mysql",
        TestBackend::Sqlite => "sqlite",
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One test at a time: `tracing` caches which callsites are enabled process-wide, and a test on
/// another thread (with its own thread-default subscriber, or none) can reset that cache under a
/// running span test.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn spans_carry_database_attributes(backend: TestBackend) {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    current_thread().block_on(orm_tests::run_on(backend, schema(), |db| async move {
        Label::create(NewLabel {
            id: 1,
            name: "rust".into(),
        })
        .exec(&db)
        .await?;
        Label::find_many().exec(&db).await?;
        let dup = Label::create(NewLabel {
            id: 2,
            name: "rust".into(),
        })
        .exec(&db)
        .await;
        assert!(matches!(dup, Err(Error::UniqueViolation { .. })));
        Ok(())
    }));
    let all = spans.0.lock().unwrap().clone();
    let ops: Vec<&Captured> = all.iter().filter(|s| s.name == "orm.operation").collect();
    let find = ops
        .iter()
        .find(|s| s.fields["db.operation.name"] == "find_many")
        .expect("a find_many operation span");
    let f = &find.fields;
    assert_eq!(f["db.system.name"], system(backend));
    assert_eq!(f["db.collection.name"], "labels");
    assert_eq!(f["otel.name"], "find_many labels");
    assert_eq!(f["db.response.returned_rows"], "1");
    assert!(!f["db.namespace"].is_empty(), "{f:?}");
    match backend {
        TestBackend::Sqlite => assert!(!f.contains_key("server.address"), "{f:?}"),
        _ => {
            assert_eq!(f["server.address"], "127.0.0.1");
            assert!(f.contains_key("server.port"));
        }
    }
    // Each statement is a child of its operation, with its text.
    let stmt = all
        .iter()
        .find(|s| {
            s.name == "orm.statement"
                && s.fields["db.query.text"].starts_with("SELECT")
                && s.fields.get("db.collection.name").map(String::as_str) == Some("labels")
        })
        .expect("a statement span");
    assert_eq!(stmt.parent, Some("orm.operation"));
    assert_eq!(stmt.fields["db.system.name"], system(backend));
    assert_eq!(stmt.fields["db.response.returned_rows"], "1");
    // The failed create: its operation and its statement carry the error's kind.
    let failed = ops
        .iter()
        .filter(|s| s.fields["db.operation.name"] == "create")
        .find(|s| s.fields.contains_key("error.type"))
        .expect("a failed create span");
    assert_eq!(failed.fields["error.type"], "unique_violation");
    assert!(all.iter().any(|s| s.name == "orm.statement"
        && s.fields.get("error.type").map(String::as_str) == Some("unique_violation")));
}

// ------------------------------------------------------------------------------------------
// Metrics
// ------------------------------------------------------------------------------------------

/// What the test recorder saw: per metric name and labels, a count of records and the last value.
#[derive(Default, Clone)]
struct Recorded(Arc<Mutex<BTreeMap<MetricKey, (u64, f64)>>>);

/// A metric's name and sorted labels.
type MetricKey = (String, Vec<(String, String)>);

struct Handle {
    key: MetricKey,
    seen: Recorded,
    total: AtomicU64,
}

impl Handle {
    fn put(&self, v: f64, add: bool) {
        let mut m = self.seen.0.lock().unwrap();
        let e = m.entry(self.key.clone()).or_default();
        e.0 += 1;
        e.1 = if add { e.1 + v } else { v };
    }
}

impl metrics::CounterFn for Handle {
    fn increment(&self, value: u64) {
        self.total.fetch_add(value, Ordering::Relaxed);
        self.put(value as f64, true);
    }
    fn absolute(&self, value: u64) {
        self.put(value as f64, false);
    }
}
impl metrics::GaugeFn for Handle {
    fn increment(&self, value: f64) {
        self.put(value, true);
    }
    fn decrement(&self, value: f64) {
        self.put(-value, true);
    }
    fn set(&self, value: f64) {
        self.put(value, false);
    }
}
impl metrics::HistogramFn for Handle {
    fn record(&self, value: f64) {
        self.put(value, false);
    }
}

impl Recorded {
    fn handle(&self, key: &metrics::Key) -> Arc<Handle> {
        let mut labels: Vec<(String, String)> = key
            .labels()
            .map(|l| (l.key().to_owned(), l.value().to_owned()))
            .collect();
        labels.sort();
        Arc::new(Handle {
            key: (key.name().to_owned(), labels),
            seen: self.clone(),
            total: AtomicU64::new(0),
        })
    }

    /// Records of `name` whose labels include every pair of `with`.
    fn find(&self, name: &str, with: &[(&str, &str)]) -> Vec<(u64, f64)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|((n, labels), _)| {
                n == name
                    && with
                        .iter()
                        .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
            })
            .map(|(_, v)| *v)
            .collect()
    }
}

impl metrics::Recorder for Recorded {
    fn describe_counter(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn describe_gauge(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn describe_histogram(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn register_counter(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Counter {
        metrics::Counter::from_arc(self.handle(key))
    }
    fn register_gauge(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Gauge {
        metrics::Gauge::from_arc(self.handle(key))
    }
    fn register_histogram(
        &self,
        key: &metrics::Key,
        _: &metrics::Metadata<'_>,
    ) -> metrics::Histogram {
        metrics::Histogram::from_arc(self.handle(key))
    }
}

fn metrics_count_operations_statements_and_errors(backend: TestBackend) {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let rec = Recorded::default();
    metrics::with_local_recorder(&rec, || {
        current_thread().block_on(orm_tests::run_on(backend, schema(), |db| async move {
            for id in 1..=3 {
                Label::create(NewLabel {
                    id,
                    name: format!("l{id}"),
                })
                .exec(&db)
                .await?;
            }
            assert_eq!(Label::count().exec(&db).await?, 3);
            let dup = Label::create(NewLabel {
                id: 9,
                name: "l1".into(),
            })
            .exec(&db)
            .await;
            assert!(dup.is_err());
            Ok(())
        }))
    });
    let ok_creates = rec.find(
        "orm.operation.duration",
        &[
            ("model", "Label"),
            ("operation", "create"),
            ("outcome", "ok"),
        ],
    );
    assert_eq!(ok_creates.len(), 1);
    assert_eq!(ok_creates[0].0, 3, "three successful creates");
    assert!(ok_creates[0].1 > 0.0);
    let counts = rec.find(
        "orm.operation.duration",
        &[("model", "Label"), ("operation", "count")],
    );
    assert_eq!(counts.iter().map(|c| c.0).sum::<u64>(), 1);
    let errors = rec.find(
        "orm.errors",
        &[
            ("model", "Label"),
            ("operation", "create"),
            ("kind", "unique_violation"),
        ],
    );
    assert_eq!(errors, [(1, 1.0)]);
    let statements = rec.find(
        "orm.statement.duration",
        &[("db.system.name", system(backend)), ("model", "Label")],
    );
    assert!(statements.iter().map(|s| s.0).sum::<u64>() >= 5);
    let pool = rec.find(
        "orm.pool.connections",
        &[("db.system.name", system(backend))],
    );
    assert!(pool.iter().any(|p| p.1 >= 1.0), "{pool:?}");
    assert!(!rec.find("orm.pool.idle", &[]).is_empty());
}

macro_rules! per_backend {
    ($($name:ident),*) => {$(
        mod $name {
            use super::*;
            #[test]
            fn sqlite() {
                super::$name(TestBackend::Sqlite);
            }
            #[cfg(orm_postgres)]
            #[test]
            fn postgres() {
                super::$name(TestBackend::Postgres);
            }
            #[cfg(orm_mysql)]
            #[test]
            fn mysql() {
                super::$name(TestBackend::MySql);
            }
        }
    )*};
}

per_backend!(
    spans_carry_database_attributes,
    metrics_count_operations_statements_and_errors
);
