//! Soft delete: `#[orm(soft_delete)]` makes `delete`/`delete_many` mark rows, and every read path
//! — unique lookups, lists, counts, aggregates, group by, includes, relation counts, relation
//! filters, ordering by a relation's column, with both load strategies — leaves marked rows out;
//! `with_deleted`/`only_deleted` see them, `restore` brings them back, `force` removes them.

use chrono::{DateTime, Utc};
use orm_runtime::prelude::*;
use orm_tests::backend_test;

/// An author.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sd_authors")]
pub struct Author {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Name.
    pub name: String,
    /// When it was deleted.
    #[orm(soft_delete)]
    pub deleted_at: Option<DateTime<Utc>>,
    /// Books.
    #[orm(has_many)]
    pub books: HasMany<Book>,
}

/// A book.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sd_books")]
pub struct Book {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Its author.
    pub author_id: i64,
    /// Title.
    pub title: String,
    /// Pages.
    pub pages: i64,
    /// When it was deleted.
    #[orm(soft_delete)]
    pub deleted_at: Option<DateTime<Utc>>,
    /// The author.
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<Author>,
}

fn schema() -> Schema {
    Schema::new().model::<Author>().model::<Book>()
}

const STRATEGIES: [Strategy; 2] = [Strategy::Query, Strategy::Join];

/// Ada (books 1, 2, 3) and Bob (book 4).
async fn seed(db: &Client) -> orm_runtime::Result<()> {
    for (id, name) in [(1, "Ada"), (2, "Bob")] {
        Author::create(NewAuthor {
            id,
            name: name.into(),
            deleted_at: None,
        })
        .exec(db)
        .await?;
    }
    for (id, author_id, pages) in [(1, 1, 100), (2, 1, 200), (3, 1, 300), (4, 2, 400)] {
        Book::create(NewBook {
            id,
            author_id,
            title: format!("book {id}"),
            pages,
            deleted_at: None,
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

fn ids(books: &[Book]) -> Vec<i64> {
    books.iter().map(|b| b.id).collect()
}

backend_test!(
    a_deleted_row_is_marked_and_every_read_leaves_it_out,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        let deleted = Book::delete(Book::ID.eq(2)).exec(&db).await?;
        assert_eq!(deleted.id, 2);
        assert!(
            deleted.deleted_at.is_some(),
            "delete returns the marked row"
        );

        // The row is still there, marked.
        let raw = orm_runtime::sql!("SELECT COUNT(*) FROM sd_books WHERE deleted_at IS NOT NULL")
            .fetch_one::<(i64,), _>(&db)
            .await?;
        assert_eq!(raw.0, 1);

        assert_eq!(Book::find_unique(Book::ID.eq(2)).exec(&db).await?, None);
        assert!(matches!(
            Book::find_unique_or_throw(Book::ID.eq(2)).exec(&db).await,
            Err(Error::NotFound { .. })
        ));
        assert_eq!(
            ids(&Book::find_many().order_by(Book::ID.asc()).exec(&db).await?),
            [1, 3, 4]
        );
        assert_eq!(
            Book::find_first()
                .filter(Book::TITLE.eq("book 2"))
                .exec(&db)
                .await?,
            None
        );
        assert_eq!(Book::count().exec(&db).await?, 3);
        assert_eq!(
            Book::find_many()
                .filter(Book::AUTHOR_ID.eq(1))
                .count(&db)
                .await?,
            2
        );
        let (sum,) = Book::aggregate((Book::PAGES.sum(),)).exec(&db).await?;
        assert_eq!(sum, Some(100 + 300 + 400));
        let groups = Book::group_by((Book::AUTHOR_ID,))
            .select(Agg::count_rows())
            .exec(&db)
            .await?;
        let mut groups: Vec<(i64, i64)> = groups.into_iter().map(|((a,), n)| (a, n)).collect();
        groups.sort();
        assert_eq!(groups, [(1, 2), (2, 1)]);

        for st in STRATEGIES {
            // Includes and relation counts.
            let ada = Author::find_unique(Author::ID.eq(1))
                .include(Author::BOOKS.order_by(Book::ID.asc()))
                .with_count(Author::BOOKS)
                .strategy(st)
                .exec(&db)
                .await?
                .expect("ada");
            assert_eq!(ids(ada.books.get().unwrap()), [1, 3], "{st:?}");
            assert_eq!(ada.books.count(), Some(2), "{st:?}");
            // Relation filters.
            let with_long = Author::find_many()
                .filter(Author::BOOKS.some(Book::PAGES.eq(200)))
                .strategy(st)
                .exec(&db)
                .await?;
            assert!(
                with_long.is_empty(),
                "{st:?}: the only 200-page book is deleted"
            );
            let all_short = Author::find_many()
                .filter(Author::BOOKS.every(Book::PAGES.ne(200)))
                .order_by(Author::ID.asc())
                .strategy(st)
                .exec(&db)
                .await?;
            assert_eq!(all_short.len(), 2, "{st:?}");
        }
        assert_eq!(Book::find_many().only_deleted().exec(&db).await?.len(), 1);
        assert_eq!(Book::find_many().with_deleted().exec(&db).await?.len(), 4);
        assert_eq!(Book::count().with_deleted().exec(&db).await?, 4);
        assert!(
            Book::find_unique(Book::ID.eq(2))
                .with_deleted()
                .exec(&db)
                .await?
                .is_some()
        );
        let (n,) = Book::aggregate((Agg::count_rows(),))
            .only_deleted()
            .exec(&db)
            .await?;
        assert_eq!(n, 1);
        Ok(())
    }
);

backend_test!(
    a_deleted_parent_is_no_related_row,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        Author::delete(Author::ID.eq(2)).exec(&db).await?;
        for st in STRATEGIES {
            let book = Book::find_unique(Book::ID.eq(4))
                .include(Book::AUTHOR)
                .strategy(st)
                .exec(&db)
                .await?
                .expect("bob's book is not deleted");
            assert!(book.author.get().is_none(), "{st:?}: its author is");
            let by_bob = Book::find_many()
                .filter(Book::AUTHOR.is(Author::NAME.eq("Bob")))
                .strategy(st)
                .exec(&db)
                .await?;
            assert!(by_bob.is_empty(), "{st:?}");
        }
        Ok(())
    }
);

backend_test!(
    writes_skip_deleted_rows_and_restore_and_force_delete,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        assert_eq!(
            Book::delete_many()
                .filter(Book::AUTHOR_ID.eq(1))
                .exec(&db)
                .await?,
            3
        );
        // Deleting again touches nothing; a deleted row is not found.
        assert_eq!(
            Book::delete_many()
                .filter(Book::AUTHOR_ID.eq(1))
                .exec(&db)
                .await?,
            0
        );
        assert!(matches!(
            Book::delete(Book::ID.eq(1)).exec(&db).await,
            Err(Error::NotFound { .. })
        ));
        // Updates leave deleted rows alone unless asked.
        let changed = Book::update_many()
            .data(BookUpdate {
                pages: Patch::set(1),
                ..Default::default()
            })
            .exec(&db)
            .await?;
        assert_eq!(changed, 1, "only bob's live book");
        assert!(matches!(
            Book::update(Book::ID.eq(1))
                .data(BookUpdate {
                    pages: Patch::set(1),
                    ..Default::default()
                })
                .exec(&db)
                .await,
            Err(Error::NotFound { .. })
        ));
        // Restore one, then the rest; each sends what its `to_sql` says.
        let (rec_db, recording) = db.recording();
        let expected = Book::restore(Book::ID.eq(1)).to_sql(db.dialect())?;
        let back = Book::restore(Book::ID.eq(1)).exec(&rec_db).await?;
        let sent: Vec<String> = recording
            .take()
            .into_iter()
            .filter(|s| s.model.is_some())
            .map(|s| s.sql)
            .collect();
        assert_eq!(
            sent,
            expected.into_iter().map(|s| s.sql).collect::<Vec<_>>()
        );
        assert_eq!((back.id, back.deleted_at, back.pages), (1, None, 100));
        assert!(matches!(
            Book::restore(Book::ID.eq(1)).exec(&db).await,
            Err(Error::NotFound { .. })
        ));
        let expected = Book::restore_many()
            .filter(Book::AUTHOR_ID.eq(1))
            .to_sql(db.dialect())?;
        assert_eq!(
            Book::restore_many()
                .filter(Book::AUTHOR_ID.eq(1))
                .exec(&rec_db)
                .await?,
            2
        );
        let sent = recording.take();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(
            (&sent[0].sql, &sent[0].binds),
            (&expected.sql, &expected.binds)
        );
        assert_eq!(Book::count().exec(&db).await?, 4);
        // Force: gone for good, a soft-deleted row too.
        Book::delete(Book::ID.eq(3)).exec(&db).await?;
        Book::delete(Book::ID.eq(3)).force().exec(&db).await?;
        assert_eq!(Book::count().with_deleted().exec(&db).await?, 3);
        assert_eq!(
            Book::delete_many()
                .filter(Book::AUTHOR_ID.eq(1))
                .force()
                .exec(&db)
                .await?,
            2
        );
        assert_eq!(Book::count().with_deleted().exec(&db).await?, 1);
        // A nested delete marks too.
        Author::update(Author::ID.eq(2))
            .with(Author::BOOKS.delete_many(Book::ID.eq(4)))
            .exec(&db)
            .await?;
        assert_eq!(Book::count().exec(&db).await?, 0);
        assert_eq!(Book::count().only_deleted().exec(&db).await?, 1);
        Ok(())
    }
);

/// Which books the model says exist: `Some(deleted)` per id.
type Oracle = std::collections::BTreeMap<i64, bool>;

// Random deletes, restores, forced deletes, updates and nested deletes (a fixed-seed sequence),
// each checked against an oracle of which rows exist and which are marked: the rows each read
// path returns, the counts writes report.
backend_test!(
    random_soft_delete_sequences_match_the_oracle,
    schema(),
    |db: Client| async move {
        Author::create(NewAuthor {
            id: 1,
            name: "Ada".into(),
            deleted_at: None,
        })
        .exec(&db)
        .await?;
        let mut oracle = Oracle::new();
        for id in 1..=12 {
            Book::create(NewBook {
                id,
                author_id: 1,
                title: format!("book {id}"),
                pages: id * 10,
                deleted_at: None,
            })
            .exec(&db)
            .await?;
            oracle.insert(id, false);
        }
        let mut seed: u64 = 0x5eed_50f7_de1e_7e00;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for step in 0..80 {
            let id = next(14) as i64 + 1; // ids 13 and 14 never exist
            let below = next(130) as i64;
            let live = |o: &Oracle, id: i64| o.get(&id) == Some(&false);
            let marked = |o: &Oracle, id: i64| o.get(&id) == Some(&true);
            // The live rows with fewer pages than `below` (pages are ten times the id).
            let live_below = |o: &Oracle| -> Vec<i64> {
                o.iter()
                    .filter(|(id, d)| !**d && **id * 10 < below)
                    .map(|(id, _)| *id)
                    .collect()
            };
            match next(6) {
                0 => {
                    let r = Book::delete(Book::ID.eq(id)).exec(&db).await;
                    assert_eq!(
                        r.is_ok(),
                        live(&oracle, id),
                        "step {step}: delete {id}: {r:?}"
                    );
                    if r.is_ok() {
                        oracle.insert(id, true);
                    }
                }
                1 => {
                    let n = Book::delete_many()
                        .filter(Book::PAGES.lt(below))
                        .exec(&db)
                        .await?;
                    let hit = live_below(&oracle);
                    assert_eq!(n, hit.len() as u64, "step {step}: delete_many < {below}");
                    for id in hit {
                        oracle.insert(id, true);
                    }
                }
                2 => {
                    let r = Book::restore(Book::ID.eq(id)).exec(&db).await;
                    assert_eq!(
                        r.is_ok(),
                        marked(&oracle, id),
                        "step {step}: restore {id}: {r:?}"
                    );
                    if r.is_ok() {
                        oracle.insert(id, false);
                    }
                }
                3 => {
                    let r = Book::delete(Book::ID.eq(id)).force().exec(&db).await;
                    assert_eq!(
                        r.is_ok(),
                        oracle.contains_key(&id),
                        "step {step}: force {id}"
                    );
                    oracle.remove(&id);
                }
                4 => {
                    let n = Book::update_many()
                        .filter(Book::PAGES.lt(below))
                        .data(BookUpdate {
                            title: Patch::set(format!("step {step}")),
                            ..Default::default()
                        })
                        .exec(&db)
                        .await?;
                    let hit = live_below(&oracle).len();
                    assert_eq!(n, hit as u64, "step {step}: update_many < {below}");
                }
                _ => {
                    Author::update(Author::ID.eq(1))
                        .with(Author::BOOKS.delete_many(Book::ID.eq(id)))
                        .exec(&db)
                        .await?;
                    if live(&oracle, id) {
                        oracle.insert(id, true);
                    }
                }
            }
            let want_live: Vec<i64> = oracle
                .iter()
                .filter(|(_, d)| !**d)
                .map(|(i, _)| *i)
                .collect();
            let want_marked: Vec<i64> = oracle
                .iter()
                .filter(|(_, d)| **d)
                .map(|(i, _)| *i)
                .collect();
            let got = ids(&Book::find_many().order_by(Book::ID.asc()).exec(&db).await?);
            assert_eq!(got, want_live, "step {step}: live rows");
            let got = ids(&Book::find_many()
                .only_deleted()
                .order_by(Book::ID.asc())
                .exec(&db)
                .await?);
            assert_eq!(got, want_marked, "step {step}: marked rows");
            assert_eq!(
                Book::count().with_deleted().exec(&db).await?,
                oracle.len() as i64,
                "step {step}: all rows"
            );
            let st = STRATEGIES[step % 2];
            let ada = Author::find_unique(Author::ID.eq(1))
                .include(Author::BOOKS.order_by(Book::ID.asc()))
                .with_count(Author::BOOKS)
                .strategy(st)
                .exec(&db)
                .await?
                .expect("ada");
            assert_eq!(
                ids(ada.books.get().unwrap()),
                want_live,
                "step {step}: {st:?} include"
            );
            assert_eq!(
                ada.books.count(),
                Some(want_live.len() as i64),
                "step {step}: {st:?} count"
            );
        }
        Ok(())
    }
);
