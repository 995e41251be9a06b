//! Full-text search: the handle `#[derive(Model)]` generates per full-text index
//! (`Post::TITLE_CONTENT_FTS`), its filter and its relevance.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::ast::{Expr, Order, OrderKey};
pub use crate::ast::{TextQuery, TextSearch};
use crate::model::def::IndexDef;
use crate::model::traits::Model;
use crate::query::{Filter, OrderBy};

/// A model's full-text index, named after its columns: `#[orm(fulltext(title, content))]` on
/// `Post` generates `Post::TITLE_CONTENT_FTS`. Searching through it is checked at compile time: a
/// model without the index has no handle.
///
/// The query is a user's search string in the web-search syntax of [`TextQuery`] (words,
/// `"phrases"`, `OR`, `-exclusions`); any string is valid input, and one with nothing to find
/// matches no row.
///
/// ```
/// # use orm_runtime::prelude::*;
/// #[derive(Model, Debug)]
/// #[orm(fulltext(title(weight = "A"), content, language = "english"))]
/// struct Post { #[orm(id)] id: i64, title: String, content: Option<String>, published: bool }
///
/// let search = "rust -java";
/// let posts = Post::find_many()
///     .filter(Post::PUBLISHED.eq(true) & Post::TITLE_CONTENT_FTS.matches(search))
///     .order_by(Post::TITLE_CONTENT_FTS.relevance(search).desc())
///     .order_by(Post::ID.asc())
///     .take(20);
/// # let _ = posts;
/// ```
pub struct FullText<M> {
    index: &'static IndexDef,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for FullText<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for FullText<M> {}

impl<M> std::fmt::Debug for FullText<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FullText({})", self.index.name)
    }
}

/// What [`FullText::matches`] and [`FullText::relevance`] take: a query string, or a query parsed
/// once with [`TextQuery::parse`].
pub trait IntoTextQuery {
    /// The parsed query.
    fn into_text_query(self) -> Arc<TextQuery>;
}

impl IntoTextQuery for &str {
    fn into_text_query(self) -> Arc<TextQuery> {
        Arc::new(TextQuery::parse(self))
    }
}

impl IntoTextQuery for &String {
    fn into_text_query(self) -> Arc<TextQuery> {
        Arc::new(TextQuery::parse(self))
    }
}

impl IntoTextQuery for String {
    fn into_text_query(self) -> Arc<TextQuery> {
        Arc::new(TextQuery::parse(&self))
    }
}

impl IntoTextQuery for TextQuery {
    fn into_text_query(self) -> Arc<TextQuery> {
        Arc::new(self)
    }
}

impl IntoTextQuery for &TextQuery {
    fn into_text_query(self) -> Arc<TextQuery> {
        Arc::new(self.clone())
    }
}

impl<M: Model> FullText<M> {
    #[doc(hidden)]
    pub const fn new(index: &'static IndexDef) -> Self {
        FullText {
            index,
            _model: PhantomData,
        }
    }

    /// The index's description.
    pub fn def(&self) -> &'static IndexDef {
        self.index
    }

    fn search(&self, query: impl IntoTextQuery) -> TextSearch {
        TextSearch {
            model: M::DEF,
            index: self.index,
            query: query.into_text_query(),
        }
    }

    /// Rows whose indexed columns match `query` (through the index on every backend:
    /// `tsvector @@ to_tsquery` on PostgreSQL, `MATCH .. AGAINST (.. IN BOOLEAN MODE)` on
    /// MySQL/MariaDB, FTS5 `MATCH` on SQLite). A query with nothing to find matches no row.
    pub fn matches(&self, query: impl IntoTextQuery) -> Filter<M> {
        // Kept when empty (it matches nothing): a select reading the relevance finds its query.
        Filter::from_expr(Expr::Search(self.search(query)))
    }

    /// How well a row matches `query`, to order by (`.desc()`: best first): PostgreSQL
    /// `ts_rank_cd` (weighted), MySQL/MariaDB the `MATCH` score (unweighted), SQLite `bm25`
    /// (weighted, negated so that higher is better). A row that does not match scores 0. Add the
    /// primary key after it: equal scores are common, and a cursor needs a total order. A typed
    /// select reads the score as a value with `#[orm(relevance = <INDEX>)]`, and the matched text
    /// with `#[orm(snippet = <column>)]` ([`Snippet`]).
    pub fn relevance(&self, query: impl IntoTextQuery) -> Relevance<M> {
        Relevance {
            search: self.search(query),
            _model: PhantomData,
        }
    }
}

/// The relevance of a row to a search, to order by: [`FullText::relevance`].
pub struct Relevance<M> {
    search: TextSearch,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Relevance<M> {
    fn clone(&self) -> Self {
        Relevance {
            search: self.search.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Relevance<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "relevance of {:?}", self.search)
    }
}

impl<M> Relevance<M> {
    /// Best matches first.
    pub fn desc(self) -> OrderBy<M> {
        OrderBy::with_key(OrderKey::Relevance(self.search), Order::Desc)
    }

    /// Worst matches first.
    pub fn asc(self) -> OrderBy<M> {
        OrderBy::with_key(OrderKey::Relevance(self.search), Order::Asc)
    }
}

/// Where a [`Snippet`]'s text marks a match: the databases write these around each matched
/// word.
const START: char = '\u{2}';
const STOP: char = '\u{3}';

/// A column's text around a search's matches, the matched words marked: what a typed select's
/// `#[orm(snippet = column)]` field reads (PostgreSQL `ts_headline`, SQLite FTS5 `snippet()`;
/// MySQL/MariaDB have none, the field is `None` there).
///
/// The text is the column's, as stored: render it with [`to_html`](Snippet::to_html), which
/// escapes it, rather than by pasting [`marked`](Snippet::marked) into a page.
///
/// ```
/// # use orm_runtime::query::Snippet;
/// let s = Snippet::from_marked("a \u{2}rust\u{3} <coloured> sauce".into());
/// assert_eq!(s.to_string(), "a rust <coloured> sauce");
/// assert_eq!(s.to_html(), "a <mark>rust</mark> &lt;coloured&gt; sauce");
/// assert_eq!(s.marked("[", "]"), "a [rust] <coloured> sauce");
/// assert_eq!(s.parts().filter(|p| p.1).map(|p| p.0).collect::<Vec<_>>(), ["rust"]);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Snippet(String);

impl Snippet {
    /// A snippet from text whose matches are between U+0002 and U+0003 (as the databases return
    /// it).
    pub fn from_marked(text: String) -> Snippet {
        Snippet(text)
    }

    /// The text in order, each part with whether it is a match.
    pub fn parts(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut highlighted = false;
        self.0
            .split([START, STOP])
            .enumerate()
            .map(move |(i, part)| {
                if i > 0 {
                    highlighted = !highlighted;
                }
                (part, highlighted)
            })
            .filter(|(part, _)| !part.is_empty())
    }

    /// The text with each match between `start` and `stop` (not escaped).
    pub fn marked(&self, start: &str, stop: &str) -> String {
        let mut out = String::with_capacity(self.0.len());
        for (part, hit) in self.parts() {
            if hit {
                out.push_str(start);
                out.push_str(part);
                out.push_str(stop);
            } else {
                out.push_str(part);
            }
        }
        out
    }

    /// The text as HTML: escaped, each match in `<mark>`.
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + 16);
        for (part, hit) in self.parts() {
            if hit {
                out.push_str("<mark>");
            }
            for c in part.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&#39;"),
                    c => out.push(c),
                }
            }
            if hit {
                out.push_str("</mark>");
            }
        }
        out
    }
}

/// The plain text, without marks.
impl std::fmt::Display for Snippet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.parts().try_for_each(|(part, _)| f.write_str(part))
    }
}

impl std::fmt::Debug for Snippet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Snippet({:?})", self.marked("[", "]"))
    }
}
