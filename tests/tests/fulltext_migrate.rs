//! Full-text indexes in the migration engine, on every backend: `migrate dev` creates them (on
//! SQLite an FTS5 table and its triggers, filled from the rows already there), introspection
//! reads them back as the models declare them, a change of columns, language or weights is a
//! migration, a table rebuild (SQLite) keeps the index working, and `down` drops them.

use orm_runtime::migrate::DevOptions;
use orm_runtime::prelude::*;
use orm_runtime::schema::diff;
use orm_runtime::sql::Backend;
use orm_tests::migrate_test;

mod v1 {
    use super::*;

    /// A document, indexed on its title.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "fm_docs", fulltext(title))]
    pub struct Doc {
        #[orm(id)]
        pub id: i64,
        pub title: String,
        pub body: Option<String>,
        pub rank: i32,
    }

    pub fn schema() -> Schema {
        Schema::new().model::<Doc>()
    }
}

mod v2 {
    use super::*;

    /// The same table, indexed on title (weighted) and body, in English.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(
        table = "fm_docs",
        fulltext(title(weight = "A"), body, language = "english")
    )]
    pub struct Doc {
        #[orm(id)]
        pub id: i64,
        pub title: String,
        pub body: Option<String>,
        pub rank: i32,
    }

    pub fn schema() -> Schema {
        Schema::new().model::<Doc>()
    }
}

mod v3 {
    use super::*;

    /// `rank` becomes a 64-bit integer (SQLite rebuilds the table).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(
        table = "fm_docs",
        fulltext(title(weight = "A"), body, language = "english")
    )]
    pub struct Doc {
        #[orm(id)]
        pub id: i64,
        pub title: String,
        pub body: Option<String>,
        pub rank: i64,
        #[orm(default = 0)]
        pub extra: i32,
    }

    pub fn schema() -> Schema {
        Schema::new().model::<Doc>()
    }
}

migrate_test!(full_text_indexes_through_migrations, |env| async move {
    let db = &env.db;
    let m1 = env.migrator(v1::schema());
    m1.dev(db, "init", DevOptions::default())
        .await?
        .expect("init");
    assert_eq!(env.changes_to(&v1::schema()).await, Vec::<String>::new());
    for (id, title, body) in [
        (1, "Running shoes", Some("for the road")),
        (2, "Road bikes", None),
        (3, "Trail guide", Some("runs through the hills")),
    ] {
        v1::Doc::create(v1::NewDoc {
            id,
            title: title.into(),
            body: body.map(Into::into),
            rank: id as i32,
        })
        .exec(db)
        .await?;
    }
    let found = v1::Doc::find_many()
        .filter(v1::Doc::TITLE_FTS.matches("road"))
        .exec(db)
        .await?;
    assert_eq!(found.iter().map(|d| d.id).collect::<Vec<_>>(), vec![2]);

    // Columns, language and weights change: one migration; the new index holds the old rows.
    let m2 = env.migrator(v2::schema());
    let change = m2
        .dev(db, "search_body", DevOptions::default())
        .await?
        .expect("a migration");
    assert!(change.up.contains("full-text"), "{}", change.up);
    assert_eq!(env.changes_to(&v2::schema()).await, Vec::<String>::new());
    let ids = |q: &'static str| async move {
        let mut ids: Vec<i64> = v2::Doc::find_many()
            .filter(v2::Doc::TITLE_BODY_FTS.matches(q))
            .exec(db)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect();
        ids.sort();
        Ok::<_, orm_runtime::Error>(ids)
    };
    assert_eq!(ids("road").await?, vec![1, 2]);
    if db.backend() != Backend::MySql {
        // English stemming: `running` and `runs` are `run`.
        assert_eq!(ids("run").await?, vec![1, 3]);
    }

    // A change SQLite makes by rebuilding the table: the index and its triggers come back.
    let m3 = env.migrator(v3::schema());
    m3.dev(db, "wider_rank", DevOptions::default())
        .await?
        .expect("a migration");
    assert_eq!(env.changes_to(&v3::schema()).await, Vec::<String>::new());
    v3::Doc::create(v3::NewDoc {
        id: 4,
        title: "Road atlas".into(),
        body: None,
        rank: 4,
        extra: None,
    })
    .exec(db)
    .await?;
    v3::Doc::delete(v3::Doc::ID.eq(1)).exec(db).await?;
    let mut road: Vec<i64> = v3::Doc::find_many()
        .filter(v3::Doc::TITLE_BODY_FTS.matches("road"))
        .exec(db)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    road.sort();
    assert_eq!(road, vec![2, 4]);

    // Down, all the way: nothing of the index is left.
    m3.down(db, None).await?;
    m3.down(db, None).await?;
    m3.down(db, None).await?;
    let live = env.live().await;
    assert!(live.tables.is_empty(), "{:?}", live.tables);
    Ok(())
});

migrate_test!(
    a_full_text_index_the_orm_did_not_create_is_replaced,
    |env| async move {
        let db = &env.db;
        let d = db.dialect();
        // The table as the models describe it, with a full-text index of another form on `title`.
        v1::schema().push(db).await?;
        let live = env.live().await;
        let ours = live
            .table("fm_docs")
            .and_then(|t| t.indexes.iter().find(|i| i.fulltext))
            .expect("the models' full-text index")
            .clone();
        let mut conn = orm_runtime::__migrate::MigConn::acquire(db).await?;
        conn.batch(&d.ddl().drop_fulltext("fm_docs", &ours)).await?;
        match db.backend() {
        Backend::Postgres => {
            sql!("CREATE INDEX fm_docs_title_fts ON fm_docs USING GIN (to_tsvector('english', title))")
                .execute(db)
                .await?
        }
        Backend::MySql => {
            sql!("CREATE FULLTEXT INDEX fm_docs_title_fts ON fm_docs (title)")
                .execute(db)
                .await?
        }
        Backend::Sqlite => {
            sql!("CREATE VIRTUAL TABLE fm_docs_title_fts USING fts5(title, content='fm_docs', tokenize='porter unicode61')")
                .execute(db)
                .await?
        }
    };
        v1::Doc::create(v1::NewDoc {
            id: 1,
            title: "Road Bikes".into(),
            body: None,
            rank: 1,
        })
        .exec(db)
        .await?;
        // The differ sees the other form, and replaces it with the models' (which finds the row).
        let steps = diff(&env.live().await, &v1::schema().describe(d), d);
        let described: Vec<String> = steps.iter().map(|s| s.describe()).collect();
        assert_eq!(
            described,
            [
                "drop index `fm_docs_title_fts` on `fm_docs`",
                "create full-text index `fm_docs_title_fts` on `fm_docs` (title)"
            ],
            "{described:?}"
        );
        for step in &steps {
            conn.batch(&step.sql(d).join(";\n")).await?;
        }
        drop(conn);
        assert!(env.changes_to(&v1::schema()).await.is_empty());
        let found = v1::Doc::find_many()
            .filter(v1::Doc::TITLE_FTS.matches("bikes"))
            .exec(db)
            .await?;
        assert_eq!(found.len(), 1);
        Ok(())
    }
);
