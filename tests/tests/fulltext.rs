//! Full-text search on every backend: the web-search syntax on a fixed corpus, weighted ranking,
//! stemming where the backend has it, the index following inserts, updates and deletes (SQLite's
//! triggers), composition with other filters, includes, counts and both load strategies, cursor
//! pages over relevance, hostile queries against an oracle, and the index in the plan.

use std::collections::BTreeSet;

use orm_runtime::Value;
use orm_runtime::prelude::*;
use orm_runtime::query::{Snippet, TextQuery};
use orm_runtime::sql::Backend;
use orm_tests::{backend_test, backend_test_with_url};
use proptest::prelude::{Strategy as _, prop, prop_oneof};
use proptest::strategy::{BoxedStrategy, ValueTree};

/// An author.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ft_authors")]
pub struct Writer {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Name.
    pub name: String,
    /// Articles.
    #[orm(has_many)]
    pub articles: HasMany<Article>,
}

/// An article: title weighted above body, English stemming.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(
    table = "ft_articles",
    fulltext(title(weight = "A"), body, language = "english")
)]
pub struct Article {
    /// Key.
    #[orm(id, default = autoincrement)]
    pub id: i64,
    /// Its author.
    pub writer_id: i64,
    /// Title.
    pub title: String,
    /// Body.
    pub body: Option<String>,
    /// Published.
    pub published: bool,
    /// The author.
    #[orm(belongs_to(fk = writer_id))]
    pub writer: BelongsTo<Writer>,
}

/// A note: one unweighted column, the `simple` language, a text key (no integer rowid alias on
/// SQLite).
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ft_notes", fulltext(text))]
pub struct Note {
    /// Key.
    #[orm(id)]
    pub id: String,
    /// Text.
    pub text: String,
}

fn schema() -> Schema {
    Schema::new()
        .model::<Writer>()
        .model::<Article>()
        .model::<Note>()
}

const CORPUS: &[(&str, &str, bool)] = &[
    // 1
    (
        "Rust ownership explained",
        "Borrowing and lifetimes in practice",
        true,
    ),
    // 2
    ("Cooking pasta", "A rust coloured sauce with tomatoes", true),
    // 3
    (
        "Async rust with tokio",
        "Futures, executors and wakers",
        true,
    ),
    // 4
    (
        "Java streams",
        "Collectors and lambdas; rust is not mentioned much",
        true,
    ),
    // 5
    (
        "Gardening notes",
        "Running water keeps the roses healthy",
        true,
    ),
    // 6
    ("Unpublished rust draft", "Work in progress", false),
    // 7
    ("Marathon training", "She runs every morning", true),
    // 8
    (
        "Tokio internals",
        "The scheduler, the reactor and async tasks",
        true,
    ),
];

async fn seed(db: &Client) -> orm_runtime::Result<()> {
    Writer::create(NewWriter {
        id: 1,
        name: "ann".into(),
    })
    .exec(db)
    .await?;
    Writer::create(NewWriter {
        id: 2,
        name: "bob".into(),
    })
    .exec(db)
    .await?;
    for (i, (title, body, published)) in CORPUS.iter().enumerate() {
        Article::create(NewArticle {
            id: Some(i as i64 + 1),
            writer_id: 1 + (i as i64 % 2),
            title: (*title).into(),
            body: Some((*body).into()),
            published: *published,
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

async fn ids(db: &Client, q: &str) -> orm_runtime::Result<Vec<i64>> {
    Ok(Article::find_many()
        .filter(Article::TITLE_BODY_FTS.matches(q))
        .order_by(Article::ID.asc())
        .exec(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect())
}

backend_test!(
    the_search_syntax_on_a_fixed_corpus,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        let mysql = db.backend() == Backend::MySql;
        // Every word, in any indexed column, any case.
        assert_eq!(ids(&db, "rust").await?, vec![1, 2, 3, 4, 6]);
        assert_eq!(ids(&db, "RUST tokio").await?, vec![3]);
        assert_eq!(ids(&db, "async tokio").await?, vec![3, 8]);
        // A phrase: in order, next to each other.
        assert_eq!(ids(&db, "\"async rust\"").await?, vec![3]);
        assert_eq!(ids(&db, "\"rust async\"").await?, Vec::<i64>::new());
        // OR.
        assert_eq!(ids(&db, "pasta OR java").await?, vec![2, 4]);
        assert_eq!(ids(&db, "rust pasta OR java").await?, vec![2, 4]);
        // Exclusion.
        assert_eq!(ids(&db, "rust -java -draft").await?, vec![1, 2, 3]);
        assert_eq!(
            ids(&db, "rust -\"coloured sauce\"").await?,
            vec![1, 3, 4, 6]
        );
        // Nothing to find: no row.
        for q in ["", "   ", "-rust", "\"\"", "*", "-(", "OR"] {
            assert_eq!(ids(&db, q).await?, Vec::<i64>::new(), "{q:?}");
        }
        // Stemming (English) where the backend has it: `running` finds `runs` and `running`.
        let stemmed = ids(&db, "running").await?;
        if mysql {
            assert_eq!(stemmed, vec![5], "MySQL has no stemming");
        } else {
            assert_eq!(stemmed, vec![5, 7]);
        }
        // With other filters, counts, includes, both strategies.
        let filter = Article::PUBLISHED.eq(true) & Article::TITLE_BODY_FTS.matches("rust");
        assert_eq!(
            Article::find_many()
                .filter(filter.clone())
                .count(&db)
                .await?,
            4
        );
        assert_eq!(
            Writer::find_many()
                .filter(Writer::ARTICLES.some(Article::TITLE_BODY_FTS.matches("tokio")))
                .exec(&db)
                .await?
                .len(),
            2
        );
        for st in [Strategy::Query, Strategy::Join] {
            let rows = Writer::find_many()
                .include(
                    Writer::ARTICLES
                        .query()
                        .filter(filter.clone())
                        .order_by(Article::ID.asc()),
                )
                .with_count(Writer::ARTICLES.filter(Article::TITLE_BODY_FTS.matches("rust")))
                .order_by(Writer::ID.asc())
                .strategy(st)
                .exec(&db)
                .await?;
            let got: Vec<(i64, Vec<i64>)> = rows
                .iter()
                .map(|w| (w.id, w.articles.iter().map(|a| a.id).collect()))
                .collect();
            assert_eq!(got, vec![(1, vec![1, 3]), (2, vec![2, 4])], "{st:?}");
            // Counted with the unpublished draft (article 6, by the second writer).
            let counts: Vec<Option<i64>> = rows.iter().map(|w| w.articles.count()).collect();
            assert_eq!(counts, vec![Some(2), Some(3)], "{st:?}");
        }
        Ok(())
    }
);

backend_test!(
    relevance_ranks_title_hits_above_body_hits,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        let ranked: Vec<i64> = Article::find_many()
            .filter(Article::PUBLISHED.eq(true) & Article::TITLE_BODY_FTS.matches("tokio"))
            .order_by(Article::TITLE_BODY_FTS.relevance("tokio").desc())
            .order_by(Article::ID.asc())
            .exec(&db)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        // Both match in the title; MySQL ranks without weights, the others with them.
        assert_eq!(BTreeSet::from_iter(ranked.clone()), BTreeSet::from([3, 8]));
        let title_vs_body: Vec<i64> = Article::find_many()
            .filter(Article::TITLE_BODY_FTS.matches("rust") & Article::ID.in_([1, 4]))
            .order_by(Article::TITLE_BODY_FTS.relevance("rust").desc())
            .order_by(Article::ID.desc())
            .exec(&db)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        if db.backend() == Backend::MySql {
            assert_eq!(BTreeSet::from_iter(title_vs_body), BTreeSet::from([1, 4]));
        } else {
            // A title hit (weight A) outranks a body hit (D), whatever the id order says.
            assert_eq!(title_vs_body, vec![1, 4]);
        }
        // A query with nothing to find orders every row equally (by the tie-break).
        let all: Vec<i64> = Article::find_many()
            .order_by(Article::TITLE_BODY_FTS.relevance("-").desc())
            .order_by(Article::ID.asc())
            .exec(&db)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(all, (1..=8).collect::<Vec<_>>());
        Ok(())
    }
);

backend_test!(
    the_index_follows_inserts_updates_and_deletes,
    schema(),
    |db: Client| async move {
        let note = |id: &str, text: &str| NewNote {
            id: id.into(),
            text: text.into(),
        };
        let found = |q: &'static str| {
            let db = db.clone();
            async move {
                let mut ids: Vec<String> = Note::find_many()
                    .filter(Note::TEXT_FTS.matches(q))
                    .exec(&db)
                    .await?
                    .into_iter()
                    .map(|n| n.id)
                    .collect();
                ids.sort();
                Ok::<_, orm_runtime::Error>(ids)
            }
        };
        Note::create(note("a", "alpha bravo")).exec(&db).await?;
        Note::create_many(vec![
            note("b", "bravo charlie"),
            note("c", "charlie delta"),
            note("d", "delta echo"),
        ])
        .exec(&db)
        .await?;
        assert_eq!(found("bravo").await?, ["a", "b"]);
        // An update of the indexed column re-indexes the row: the old words no longer find it.
        Note::update(Note::ID.eq("a"))
            .set(Note::TEXT, "foxtrot golf")
            .exec(&db)
            .await?;
        assert_eq!(found("bravo").await?, ["b"]);
        assert_eq!(found("foxtrot").await?, ["a"]);
        // A change of the key keeps the row found under its new key.
        Note::update(Note::ID.eq("a"))
            .set(Note::ID, "z")
            .exec(&db)
            .await?;
        assert_eq!(found("golf").await?, ["z"]);
        // Many rows at once.
        Note::update_many()
            .filter(Note::TEXT_FTS.matches("charlie"))
            .set(Note::TEXT, "hotel")
            .exec(&db)
            .await?;
        assert_eq!(found("charlie").await?, Vec::<String>::new());
        assert_eq!(found("hotel").await?, ["b", "c"]);
        Note::delete(Note::ID.eq("b")).exec(&db).await?;
        assert_eq!(found("hotel").await?, ["c"]);
        Note::delete_many()
            .filter(Note::TEXT_FTS.matches("delta OR hotel"))
            .exec(&db)
            .await?;
        assert_eq!(found("delta OR hotel OR golf").await?, ["z"]);
        Ok(())
    }
);

backend_test!(
    cursor_pages_over_relevance_visit_each_match_once,
    schema(),
    |db: Client| async move {
        // Many ties and many distinct scores.
        let rows: Vec<NewNote> = (0..60)
            .map(|i| NewNote {
                id: format!("n{i:03}"),
                text: format!(
                    "{} {}",
                    "kilo ".repeat(1 + i % 4),
                    if i % 3 == 0 { "lima" } else { "mike" }
                ),
            })
            .collect();
        Note::create_many(rows).exec(&db).await?;
        let q = "kilo OR lima";
        let base = || {
            Note::find_many()
                .filter(Note::TEXT_FTS.matches(q))
                .order_by(Note::TEXT_FTS.relevance(q).desc())
                .order_by(Note::ID.asc())
        };
        let all: Vec<String> = base().exec(&db).await?.into_iter().map(|n| n.id).collect();
        assert_eq!(all.len(), 60);
        let mut paged: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut page = base().take(7);
            if let Some(c) = &cursor {
                page = page.cursor(Note::ID.eq(c.clone())).skip(1);
            }
            let ids: Vec<String> = page.exec(&db).await?.into_iter().map(|n| n.id).collect();
            let Some(last) = ids.last().cloned() else {
                break;
            };
            paged.extend(ids);
            cursor = Some(last);
        }
        assert_eq!(paged, all, "cursor pages over relevance");
        Ok(())
    }
);

/// A search hit: an article's title with its relevance.
#[derive(Select, Debug, Clone, PartialEq)]
#[orm(model = Article)]
pub struct Hit {
    /// Key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// How well it matches the query's search.
    #[orm(relevance = TITLE_BODY_FTS)]
    pub score: f64,
}

/// A writer's name.
#[derive(Select, Debug, Clone, PartialEq)]
#[orm(model = Writer)]
pub struct WriterName {
    /// Name.
    pub name: String,
}

/// A hit with its writer (a relation: JSON in the row with `Strategy::Join`).
#[derive(Select, Debug, Clone, PartialEq)]
#[orm(model = Article)]
pub struct HitCard {
    /// Key.
    pub id: i64,
    /// The author.
    #[orm(relation)]
    pub writer: WriterName,
    /// Relevance.
    #[orm(relevance = TITLE_BODY_FTS)]
    pub score: f64,
}

/// Each hit's key and relevance.
fn pairs(hits: &[Hit]) -> Vec<(i64, f64)> {
    hits.iter().map(|h| (h.id, h.score)).collect()
}

backend_test!(
    a_select_reads_the_relevance_it_is_ordered_by,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        let q = "rust OR tokio";
        let ranked = || {
            Article::find_many()
                .filter(Article::TITLE_BODY_FTS.matches(q))
                .order_by(Article::TITLE_BODY_FTS.relevance(q).desc())
                .order_by(Article::ID.asc())
        };
        let hits = ranked().select::<Hit>().exec(&db).await?;
        let models: Vec<i64> = ranked().exec(&db).await?.iter().map(|a| a.id).collect();
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), models);
        assert_eq!(hits.len(), 6, "{hits:?}");
        // The values are the order's: best first, every match above zero.
        assert!(
            hits.windows(2).all(|w| w[0].score >= w[1].score),
            "{hits:?}"
        );
        assert!(hits.iter().all(|h| h.score > 0.0), "{hits:?}");
        let score = |id: i64| hits.iter().find(|h| h.id == id).map(|h| h.score).unwrap();
        if db.backend() != Backend::MySql {
            // A title hit (weight A) above a body hit (D).
            assert!(score(1) > score(4), "{hits:?}");
        }
        // Read from the filter's search when the query is not ordered by it: the same values.
        let mut unordered = Article::find_many()
            .filter(Article::TITLE_BODY_FTS.matches(q))
            .order_by(Article::ID.desc())
            .select::<Hit>()
            .exec(&db)
            .await?;
        unordered.sort_by_key(|h| h.id);
        let mut expected = pairs(&hits);
        expected.sort_by_key(|p| p.0);
        assert_eq!(pairs(&unordered), expected);
        // With a relation in the row (JSON, the page read first) or loaded after it, paged by a
        // cursor: the same rows and values.
        for st in [Strategy::Join, Strategy::Query] {
            let mut got: Vec<(i64, f64, String)> = Vec::new();
            let mut cursor: Option<i64> = None;
            loop {
                let mut page = ranked().take(4);
                if let Some(c) = cursor {
                    page = page.cursor(Article::ID.eq(c)).skip(1);
                }
                let cards = page.select::<HitCard>().strategy(st).exec(&db).await?;
                let Some(last) = cards.last().map(|c| c.id) else {
                    break;
                };
                got.extend(cards.into_iter().map(|c| (c.id, c.score, c.writer.name)));
                cursor = Some(last);
            }
            let writers = |id: i64| if id % 2 == 1 { "ann" } else { "bob" };
            let want: Vec<(i64, f64, String)> = pairs(&hits)
                .into_iter()
                .map(|(id, s)| (id, s, writers(id).to_string()))
                .collect();
            assert_eq!(got, want, "{st:?}");
        }
        // One row, and the best hit of each writer (`distinct`).
        let first = ranked().select::<Hit>().exec(&db).await?.remove(0);
        let best = Article::find_first()
            .filter(Article::TITLE_BODY_FTS.matches(q))
            .order_by(Article::TITLE_BODY_FTS.relevance(q).desc())
            .order_by(Article::ID.asc())
            .select::<Hit>()
            .exec(&db)
            .await?;
        assert_eq!(best, Some(first));
        let per_writer = ranked()
            .distinct(Article::WRITER_ID)
            .select::<Hit>()
            .exec(&db)
            .await?;
        let mut want: Vec<(i64, f64)> = Vec::new();
        for w in [1, 2] {
            let top = hits.iter().find(|h| h.id % 2 == w % 2).unwrap();
            want.push((top.id, top.score));
        }
        let mut got = pairs(&per_writer);
        got.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        assert_eq!(got, want);
        // Nothing to find: no row, no error; ordered by such a query, every row scores zero.
        let none = Article::find_many()
            .filter(Article::TITLE_BODY_FTS.matches("-("))
            .select::<Hit>()
            .exec(&db)
            .await?;
        assert_eq!(none, Vec::<Hit>::new());
        let zeros = Article::find_many()
            .order_by(Article::TITLE_BODY_FTS.relevance("").desc())
            .order_by(Article::ID.asc())
            .select::<Hit>()
            .exec(&db)
            .await?;
        assert_eq!(zeros.len(), 8);
        assert!(zeros.iter().all(|h| h.score == 0.0), "{zeros:?}");
        // No search to read, two to choose from, or a stream: refused before anything is sent.
        for query in [
            Article::find_many(),
            Article::find_many().filter(
                Article::TITLE_BODY_FTS.matches("rust") | Article::TITLE_BODY_FTS.matches("tokio"),
            ),
        ] {
            let err = query.select::<Hit>().exec(&db).await.unwrap_err();
            assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
        }
        let mut stream = ranked().select::<Hit>().stream(&db);
        let err = futures_util::StreamExt::next(&mut stream)
            .await
            .unwrap()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
        Ok(())
    }
);

/// A hit with its title and body around the matches.
#[derive(Select, Debug, Clone, PartialEq)]
#[orm(model = Article)]
pub struct Excerpt {
    /// Key.
    pub id: i64,
    /// The title, matches marked.
    #[orm(snippet = title)]
    pub title: Option<Snippet>,
    /// The body, matches marked.
    #[orm(snippet = body)]
    pub body: Option<Snippet>,
    /// Relevance.
    #[orm(relevance = TITLE_BODY_FTS)]
    pub score: f64,
}

backend_test!(
    a_select_reads_snippets_of_the_matches,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        Article::create(NewArticle {
            id: Some(9),
            writer_id: 1,
            title: "Rust notes".into(),
            body: None,
            published: true,
        })
        .exec(&db)
        .await?;
        let mysql = db.backend() == Backend::MySql;
        let ranked = |q: &'static str| {
            Article::find_many()
                .filter(Article::TITLE_BODY_FTS.matches(q))
                .order_by(Article::TITLE_BODY_FTS.relevance(q).desc())
                .order_by(Article::ID.asc())
        };
        // A page (computed for its rows only) and every row read the same snippets.
        let all = ranked("rust").select::<Excerpt>().exec(&db).await?;
        let page = ranked("rust").take(3).select::<Excerpt>().exec(&db).await?;
        assert_eq!(page[..], all[..3]);
        assert_eq!(all.len(), 6, "{all:?}");
        let hit = |id: i64| all.iter().find(|e| e.id == id).unwrap().clone();
        if mysql {
            // MySQL/MariaDB have no snippets.
            assert!(
                all.iter().all(|e| e.title.is_none() && e.body.is_none()),
                "{all:?}"
            );
        } else {
            let html = |s: &Option<Snippet>| s.as_ref().map(Snippet::to_html);
            assert_eq!(
                html(&hit(1).title).as_deref(),
                Some("<mark>Rust</mark> ownership explained")
            );
            assert_eq!(
                html(&hit(2).body).as_deref(),
                Some("A <mark>rust</mark> coloured sauce with tomatoes")
            );
            // No match in the column: its text, nothing marked.
            let title = hit(2).title.unwrap();
            assert_eq!(title.to_string(), "Cooking pasta");
            assert!(title.parts().all(|(_, hit)| !hit), "{title:?}");
            // Stemmed matches are marked too.
            let runs = ranked("running").select::<Excerpt>().exec(&db).await?;
            let seven = runs.iter().find(|e| e.id == 7).expect("article 7");
            let marked: Vec<&str> = seven
                .body
                .as_ref()
                .unwrap()
                .parts()
                .filter(|p| p.1)
                .map(|p| p.0)
                .collect();
            assert_eq!(marked, ["runs"], "{seven:?}");
        }
        // A NULL column has no snippet.
        let notes = all.iter().find(|e| e.id == 9).expect("the new article");
        assert_eq!(notes.body, None);
        // Read from the filter's search when the query is not ordered by one.
        let mut unordered = Article::find_many()
            .filter(Article::TITLE_BODY_FTS.matches("rust"))
            .order_by(Article::ID.desc())
            .take(10)
            .select::<Excerpt>()
            .exec(&db)
            .await?;
        unordered.sort_by_key(|e| e.id);
        let mut by_id = all.clone();
        by_id.sort_by_key(|e| e.id);
        assert_eq!(unordered, by_id);
        // Hostile input reads snippets as safely as it searches.
        let hostile = ranked("\"rust\"* -(java")
            .take(5)
            .select::<Excerpt>()
            .exec(&db)
            .await?;
        assert!(!hostile.is_empty());
        // A snippet of a column no searched index holds is refused before anything is sent.
        let err = Article::find_many()
            .select::<Excerpt>()
            .exec(&db)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
        Ok(())
    }
);

// ---- Hostile queries against an oracle ----

const VOCABULARY: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
];

/// The corpus's words: the vocabulary, some capitalised or in capitals, some with punctuation.
const CORPUS_WORDS: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "Alpha", "BRAVO",
    "Charlie,", "delta.", "(echo)", "Golf!",
];

/// Whether `text` matches `q` as the ORM documents it (words are lowercase letters and digits).
fn oracle(text: &str, q: &TextQuery) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let has = |term: &[String]| words.windows(term.len()).any(|w| w == term);
    !q.is_empty()
        && q.groups().iter().all(|g| g.iter().any(|t| has(t)))
        && !q.exclusions().iter().any(|t| has(t))
}

fn hostile() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        prop::sample::select(VOCABULARY).prop_map(str::to_owned),
        prop::sample::select(vec![
            "\"",
            "(",
            ")",
            "*",
            "-",
            "--",
            "OR",
            "or",
            "AND",
            "NOT",
            "NEAR",
            "NEAR(",
            "text:",
            "title:alpha",
            "^",
            "+",
            "~",
            "<",
            ">",
            "@",
            "'",
            "''",
            "\\",
            "%",
            "_",
            ";",
            "\0",
            "{",
            "}",
            ":",
            "*alpha",
            "alpha*",
            "-alpha",
            "\"alpha bravo\"",
            "e-mail",
            "ß",
            "é",
            "ALPHA",
            "Bravo",
            "\"Charlie delta\"",
            "-\"echo foxtrot\"",
            "GoLf",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec((piece, prop::bool::ANY), 0..10)
        .prop_map(|parts| {
            parts
                .into_iter()
                .map(|(p, glue)| if glue { p } else { format!("{p} ") })
                .collect()
        })
        .boxed()
}

/// A note as a search hit: its relevance and its text around the matches.
#[derive(Select, Debug, Clone, PartialEq)]
#[orm(model = Note)]
pub struct NoteHit {
    /// Key.
    pub id: String,
    /// Relevance.
    #[orm(relevance = TEXT_FTS)]
    pub score: f64,
    /// The text, matches marked.
    #[orm(snippet = text)]
    pub text: Option<Snippet>,
}

backend_test!(
    hostile_queries_never_fail_and_match_exactly_what_they_say,
    schema(),
    |db: Client| async move {
        // Notes of vocabulary words only: every backend indexes them alike.
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let texts = prop::collection::vec(
            prop::collection::vec(prop::sample::select(CORPUS_WORDS), 1..6)
                .prop_map(|w| w.join(" ")),
            40,
        );
        let corpus = texts.new_tree(&mut runner).expect("corpus").current();
        let rows: Vec<NewNote> = corpus
            .iter()
            .enumerate()
            .map(|(i, t)| NewNote {
                id: format!("h{i:02}"),
                text: t.clone(),
            })
            .collect();
        Note::create_many(rows).exec(&db).await?;
        let mut queries: Vec<String> = (0..150)
            .map(|_| hostile().new_tree(&mut runner).expect("query").current())
            .collect();
        queries.push("alpha ".repeat(200_000));
        queries.push(format!("{}bravo", "(\"*-".repeat(250_000)));
        queries.push("\0alpha\0".into());
        queries.push("x".repeat(5000));
        let mut nonempty = 0;
        for q in &queries {
            let parsed = TextQuery::parse(q);
            let expected: Vec<String> = corpus
                .iter()
                .enumerate()
                .filter(|(_, t)| oracle(t, &parsed))
                .map(|(i, _)| format!("h{i:02}"))
                .collect();
            let got: Vec<String> = Note::find_many()
                .filter(Note::TEXT_FTS.matches(q))
                .order_by(Note::TEXT_FTS.relevance(q).desc())
                .order_by(Note::ID.asc())
                .exec(&db)
                .await
                .unwrap_or_else(|e| panic!("query {:?}: {e}", abbreviate(q)))
                .into_iter()
                .map(|n| n.id)
                .collect();
            let mut sorted = got.clone();
            sorted.sort();
            assert_eq!(sorted, expected, "query {:?} ({parsed})", abbreviate(q));
            // Read as hits (relevance and snippets, a page read first): the same rows in the
            // same order, each snippet the note's text unaltered (none on MySQL/MariaDB).
            let hits = Note::find_many()
                .filter(Note::TEXT_FTS.matches(q))
                .order_by(Note::TEXT_FTS.relevance(q).desc())
                .order_by(Note::ID.asc())
                .take(50)
                .select::<NoteHit>()
                .exec(&db)
                .await
                .unwrap_or_else(|e| panic!("hits of {:?}: {e}", abbreviate(q)));
            assert_eq!(
                hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>(),
                got,
                "hits of {:?}",
                abbreviate(q)
            );
            for h in &hits {
                let i: usize = h.id[1..].parse().expect("a note id");
                let text = h.text.as_ref().map(Snippet::to_string);
                if db.backend() == Backend::MySql {
                    assert_eq!(text, None);
                } else {
                    assert_eq!(text.as_deref(), Some(corpus[i].as_str()), "{h:?}");
                }
            }
            let n = Note::find_many()
                .filter(Note::TEXT_FTS.matches(q))
                .count(&db)
                .await?;
            assert_eq!(n as usize, expected.len());
            nonempty += usize::from(!expected.is_empty());
        }
        assert!(
            nonempty > 30,
            "the generated queries find rows ({nonempty})"
        );
        Ok(())
    }
);

fn abbreviate(q: &str) -> String {
    q.chars().take(60).collect()
}

// ---- The index in the plan ----

backend_test_with_url!(
    the_statement_uses_the_full_text_index,
    schema(),
    |url: String, db: Client| async move {
        seed(&db).await?;
        let st = Article::find_many()
            .filter(Article::PUBLISHED.eq(true) & Article::TITLE_BODY_FTS.matches("rust tokio"))
            .order_by(Article::TITLE_BODY_FTS.relevance("rust tokio").desc())
            .order_by(Article::ID.asc())
            .take(10)
            .to_sql(db.dialect())?;
        let plan = explain(&url, db.backend(), &st).await;
        let index = "ft_articles_title_body_fts";
        match db.backend() {
            Backend::Postgres => assert!(
                plan.contains(&format!("Bitmap Index Scan on {index}")),
                "{plan}"
            ),
            Backend::MySql => assert!(plan.contains("fulltext"), "{plan}"),
            Backend::Sqlite => assert!(
                plan.contains("VIRTUAL TABLE INDEX") && plan.contains(index),
                "{plan}"
            ),
        }
        Ok(())
    }
);

/// The plan of `st` as text (PostgreSQL with sequential scans discouraged: the tables are tiny).
async fn explain(url: &str, backend: Backend, st: &orm_runtime::sql::Statement) -> String {
    use sqlx::Row;
    macro_rules! bind_all {
        ($q:expr) => {{
            let mut q = $q;
            for b in &st.binds {
                q = match b {
                    Value::String(s) => q.bind(s.clone()),
                    Value::Bool(v) => q.bind(*v),
                    Value::I64(v) => q.bind(*v),
                    other => panic!("unexpected bind {other:?}"),
                };
            }
            q
        }};
    }
    match backend {
        Backend::Postgres => {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query("SET enable_seqscan = off")
                .execute(&mut c)
                .await
                .expect("set");
            let sql = format!("EXPLAIN {}", st.sql);
            let rows = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql)))
                .fetch_all(&mut c)
                .await
                .expect("explain");
            rows.iter()
                .map(|r| r.get::<String, _>(0))
                .collect::<Vec<_>>()
                .join("\n")
        }
        Backend::MySql => {
            use sqlx::Connection;
            let mut c = sqlx::MySqlConnection::connect(url).await.expect("connect");
            let sql = format!("EXPLAIN {}", st.sql);
            let rows = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql)))
                .fetch_all(&mut c)
                .await
                .expect("explain");
            rows.iter()
                .map(|r| {
                    let table: Option<String> = r.try_get("table").ok();
                    let ty: Option<String> = r.try_get("type").ok();
                    let key: Option<String> = r.try_get("key").ok();
                    format!("{table:?} {} {key:?}", ty.unwrap_or_default())
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        Backend::Sqlite => {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
            let sql = format!("EXPLAIN QUERY PLAN {}", st.sql);
            let rows = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql)))
                .fetch_all(&mut c)
                .await
                .expect("explain");
            rows.iter()
                .map(|r| r.get::<String, _>(3))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}
