//! Relation counts against an oracle: random authors, books (some soft-deleted) and reviews, then
//! `with_count` — plain and filtered, on lists with and without pagination, a cursor, a filter, an
//! order, with both load strategies and on related rows loaded by `Strategy::Query` — compared
//! with the counts computed in Rust over the rows inserted. A read of several rows aggregates its
//! counts once over its rows (PostgreSQL, MySQL/MariaDB) and a single-row read counts per row:
//! both must give exactly the per-row numbers.

use chrono::{DateTime, Utc};
use orm_runtime::prelude::*;
use orm_tests::backend_test;

/// An author.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cn_authors")]
pub struct Author {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Rank, to order by (ties on purpose).
    pub rank: i64,
    /// Books.
    #[orm(has_many)]
    pub books: HasMany<Book>,
}

/// A book.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cn_books")]
pub struct Book {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Its author.
    pub author_id: i64,
    /// Pages.
    pub pages: i64,
    /// When it was deleted.
    #[orm(soft_delete)]
    pub deleted_at: Option<DateTime<Utc>>,
    /// The author.
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<Author>,
    /// Reviews.
    #[orm(has_many)]
    pub reviews: HasMany<Review>,
}

/// A review of a book.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cn_reviews")]
pub struct Review {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// The book.
    pub book_id: i64,
    /// Stars.
    pub stars: i32,
    /// The book.
    #[orm(belongs_to(fk = book_id))]
    pub book: BelongsTo<Book>,
}

fn schema() -> Schema {
    Schema::new()
        .model::<Author>()
        .model::<Book>()
        .model::<Review>()
}

const AUTHORS: i64 = 40;
const STRATEGIES: [Strategy; 2] = [Strategy::Query, Strategy::Join];

/// The rows inserted.
struct Data {
    authors: Vec<(i64, i64)>,
    /// `(id, author, pages, deleted)`
    books: Vec<(i64, i64, i64, bool)>,
    /// `(id, book, stars)`
    reviews: Vec<(i64, i64, i32)>,
}

impl Data {
    /// Live books of `author` with at least `min_pages` pages.
    fn books_of(&self, author: i64, min_pages: i64) -> i64 {
        self.books
            .iter()
            .filter(|b| b.1 == author && !b.3 && b.2 >= min_pages)
            .count() as i64
    }
    fn reviews_of(&self, book: i64, min_stars: i32) -> i64 {
        self.reviews
            .iter()
            .filter(|r| r.1 == book && r.2 >= min_stars)
            .count() as i64
    }
}

async fn seed(db: &Client) -> orm_runtime::Result<Data> {
    let mut state: u64 = 0xC0A7_5EED;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let authors: Vec<(i64, i64)> = (1..=AUTHORS).map(|id| (id, next(5) as i64)).collect();
    Author::create_many(authors.iter().map(|&(id, rank)| NewAuthor { id, rank }))
        .exec(db)
        .await?;
    // Authors 1.. have skewed book counts; some have none.
    let mut books = Vec::new();
    for &(author, _) in &authors {
        for _ in 0..next(7) * next(3) {
            let id = books.len() as i64 + 1;
            books.push((id, author, next(500) as i64, next(5) == 0));
        }
    }
    Book::create_many(books.iter().map(|&(id, author_id, pages, _)| NewBook {
        id,
        author_id,
        pages,
        deleted_at: None,
    }))
    .exec(db)
    .await?;
    let deleted: Vec<i64> = books.iter().filter(|b| b.3).map(|b| b.0).collect();
    Book::delete_many()
        .filter(Book::ID.in_(deleted))
        .exec(db)
        .await?;
    let mut reviews = Vec::new();
    for b in &books {
        for _ in 0..next(4) {
            let id = reviews.len() as i64 + 1;
            reviews.push((id, b.0, next(5) as i32 + 1));
        }
    }
    Review::create_many(reviews.iter().map(|&(id, book_id, stars)| NewReview {
        id,
        book_id,
        stars,
    }))
    .exec(db)
    .await?;
    Ok(Data {
        authors,
        books,
        reviews,
    })
}

backend_test!(
    relation_counts_match_the_oracle_on_every_read_shape,
    schema(),
    |db: Client| async move {
        let data = seed(&db).await?;
        let mut checked = 0;
        for st in STRATEGIES {
            // Pages of authors in several orders, with plain and filtered counts.
            for (skip, take) in [
                (None, None),
                (Some(0), Some(7)),
                (Some(5), Some(9)),
                (Some(35), Some(10)),
            ] {
                let mut q = Author::find_many()
                    .with_count(Author::BOOKS)
                    .order_by(Author::RANK.desc())
                    .strategy(st);
                if let Some(s) = skip {
                    q = q.skip(s);
                }
                if let Some(t) = take {
                    q = q.take(t);
                }
                let page = q.exec(&db).await?;
                let mut want: Vec<_> = data.authors.clone();
                // Ties broken by the key, in the order's direction.
                want.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
                let want: Vec<i64> = want
                    .iter()
                    .skip(skip.unwrap_or(0) as usize)
                    .take(take.unwrap_or(u64::MAX) as usize)
                    .map(|a| a.0)
                    .collect();
                assert_eq!(
                    page.iter().map(|a| a.id).collect::<Vec<_>>(),
                    want,
                    "{st:?} {skip:?} {take:?}"
                );
                for a in &page {
                    assert_eq!(
                        a.books.count(),
                        Some(data.books_of(a.id, 0)),
                        "author {}",
                        a.id
                    );
                    checked += 1;
                }
            }
            // A filtered count, a filter on the authors, and a cursor.
            let page = Author::find_many()
                .filter(Author::RANK.gte(2))
                .with_count(Author::BOOKS.filter(Book::PAGES.gte(250)))
                .order_by(Author::ID.asc())
                .cursor(Author::ID.eq(10))
                .take(12)
                .strategy(st)
                .exec(&db)
                .await?;
            let want: Vec<i64> = data
                .authors
                .iter()
                .filter(|a| a.1 >= 2 && a.0 >= 10)
                .take(12)
                .map(|a| a.0)
                .collect();
            assert_eq!(page.iter().map(|a| a.id).collect::<Vec<_>>(), want);
            for a in &page {
                assert_eq!(
                    a.books.count(),
                    Some(data.books_of(a.id, 250)),
                    "author {}",
                    a.id
                );
                checked += 1;
            }
            // Included books with their review counts (plain and filtered), and a unique lookup.
            let authors = Author::find_many()
                .include(
                    Author::BOOKS
                        .order_by(Book::ID.asc())
                        .with_count(Book::REVIEWS.filter(Review::STARS.gte(3))),
                )
                .with_count(Author::BOOKS)
                .take(25)
                .strategy(st)
                .exec(&db)
                .await?;
            for a in &authors {
                let books = a.books.get().expect("included");
                assert_eq!(books.len() as i64, data.books_of(a.id, 0));
                assert_eq!(a.books.count(), Some(books.len() as i64));
                for b in books {
                    assert_eq!(
                        b.reviews.count(),
                        Some(data.reviews_of(b.id, 3)),
                        "book {}",
                        b.id
                    );
                    checked += 1;
                }
            }
            let books = Book::find_many()
                .with_count(Book::REVIEWS)
                .with_deleted()
                .order_by(Book::ID.asc())
                .strategy(st)
                .exec(&db)
                .await?;
            assert_eq!(books.len(), data.books.len());
            for b in &books {
                assert_eq!(
                    b.reviews.count(),
                    Some(data.reviews_of(b.id, 0)),
                    "book {}",
                    b.id
                );
                checked += 1;
            }
            for id in [1, 7, AUTHORS] {
                let a = Author::find_unique(Author::ID.eq(id))
                    .with_count(Author::BOOKS.filter(Book::PAGES.gte(100)))
                    .strategy(st)
                    .exec(&db)
                    .await?
                    .expect("author");
                assert_eq!(a.books.count(), Some(data.books_of(id, 100)));
            }
        }
        // The data set was not trivial: some authors have no live book, some have several.
        let counts: Vec<i64> = data.authors.iter().map(|a| data.books_of(a.0, 0)).collect();
        assert!(
            counts.contains(&0) && counts.iter().any(|&n| n >= 4),
            "{counts:?}"
        );
        assert!(
            data.books.iter().any(|b| b.3),
            "some books are soft-deleted"
        );
        assert!(checked > 200, "{checked} counts checked");
        Ok(())
    }
);
