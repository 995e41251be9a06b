//! Full-text search as data: a user's query string parsed once into words, phrases, alternatives
//! and exclusions, which each dialect renders into its own query language (`to_tsquery`,
//! `MATCH .. AGAINST` in boolean mode, FTS5 `MATCH`). Only words reach the database: no
//! character of the input can change what the query means there.

use std::fmt;
use std::sync::Arc;

use crate::model::def::{FullTextDef, IndexDef, ModelDef};

/// The longest word a full-text index keeps (PostgreSQL's limit, in bytes): a query word longer
/// than this can match no row.
pub(crate) const MAX_WORD_BYTES: usize = 2047;

/// A search query in the web-search syntax every backend shares:
///
/// - `rust async`: rows that contain every word (in any indexed column);
/// - `"async rust"`: the words as a phrase, in this order and next to each other;
/// - `rust OR go`: either (`OR` joins the terms on each side; it binds tighter than the implicit
///   AND, so `web rust OR go` is `web AND (rust OR go)`);
/// - `-java` or `-"java beans"`: rows without the word or phrase.
///
/// Words are the letters and digits of the input, compared case-insensitively; everything else
/// separates words (so `e-mail` is the phrase `"e mail"` and `c++` the word `c`). Any input is a
/// valid query, and none changes how the SQL reads: the parsed words are all that is sent. A query
/// without a word to find (empty, only punctuation, or only exclusions) matches no row.
///
/// ```
/// use orm_runtime::query::TextQuery;
/// let q = TextQuery::parse(r#"rust "async io" OR tokio -java"#);
/// assert_eq!(q.to_string(), r#"rust ("async io" OR tokio) -java"#);
/// assert!(TextQuery::parse(" -java \"(* ").is_empty());
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TextQuery {
    /// Every group must match; a group matches when one of its terms does.
    pub(crate) required: Vec<Vec<Term>>,
    /// No excluded term may match.
    pub(crate) excluded: Vec<Term>,
}

/// A word, or a phrase of several words in order.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Term(pub(crate) Vec<String>);

impl Term {
    pub(crate) fn words(&self) -> &[String] {
        &self.0
    }

    fn matchable(&self) -> bool {
        self.0.iter().all(|w| w.len() <= MAX_WORD_BYTES)
    }
}

/// One token of the input before terms are grouped.
enum Token {
    Term { term: Term, negated: bool },
    Or,
}

impl TextQuery {
    /// Parses a user's query string; never fails.
    pub fn parse(input: &str) -> TextQuery {
        let tokens = tokenize(input);
        let mut required: Vec<Vec<Term>> = Vec::new();
        let mut excluded: Vec<Term> = Vec::new();
        // `OR` joins the next positive term to the group of the previous one.
        let mut join_next = false;
        let mut last_positive = false;
        for token in tokens {
            match token {
                Token::Or => {
                    join_next = last_positive;
                }
                Token::Term {
                    term,
                    negated: true,
                } => {
                    join_next = false;
                    last_positive = false;
                    // A word no index keeps is in no row: excluding it excludes nothing.
                    if term.matchable() && !excluded.contains(&term) {
                        excluded.push(term);
                    }
                }
                Token::Term {
                    term,
                    negated: false,
                } => {
                    match required.last_mut() {
                        Some(group) if join_next => group.push(term),
                        _ => required.push(vec![term]),
                    }
                    join_next = false;
                    last_positive = true;
                }
            }
        }
        // A term with a word no index keeps matches nothing: drop it from its group; a group left
        // empty cannot match, and neither can the query.
        let mut groups = Vec::with_capacity(required.len());
        for group in required {
            let mut kept: Vec<Term> = Vec::with_capacity(group.len());
            for t in group {
                if t.matchable() && !kept.contains(&t) {
                    kept.push(t);
                }
            }
            if kept.is_empty() {
                return TextQuery::default();
            }
            if !groups.contains(&kept) {
                groups.push(kept);
            }
        }
        if groups.is_empty() {
            return TextQuery::default();
        }
        TextQuery {
            required: groups,
            excluded,
        }
    }

    /// Whether the query has nothing to find (it matches no row).
    pub fn is_empty(&self) -> bool {
        self.required.is_empty()
    }

    /// The query in a backend's words: each required group as its one term or `any` of its
    /// alternatives, and each excluded term, written by `term`. The dialects join them with
    /// their operators.
    pub(crate) fn render(
        &self,
        term: impl Fn(&Term) -> String,
        any: impl Fn(Vec<String>) -> String,
    ) -> (Vec<String>, Vec<String>) {
        let required = self
            .required
            .iter()
            .map(|g| match g.as_slice() {
                [t] => term(t),
                alternatives => any(alternatives.iter().map(&term).collect()),
            })
            .collect();
        (required, self.excluded.iter().map(&term).collect())
    }

    /// What a matching row must contain: every group, each a list of alternatives, each a word
    /// or a phrase (its words in order).
    pub fn groups(&self) -> Vec<Vec<&[String]>> {
        self.required
            .iter()
            .map(|g| g.iter().map(Term::words).collect())
            .collect()
    }

    /// The words and phrases a matching row must not contain.
    pub fn exclusions(&self) -> Vec<&[String]> {
        self.excluded.iter().map(Term::words).collect()
    }
}

fn tokenize(input: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negated = false;
        if c == '-' {
            // `-` right before a word or phrase excludes it; alone, it is punctuation.
            while chars.peek() == Some(&'-') {
                chars.next();
            }
            match chars.peek() {
                Some(n) if !n.is_whitespace() => negated = true,
                _ => continue,
            }
        }
        let quoted = chars.peek() == Some(&'"');
        let mut text = String::new();
        if quoted {
            chars.next();
            for n in chars.by_ref() {
                if n == '"' {
                    break;
                }
                text.push(n);
            }
        } else {
            while let Some(&n) = chars.peek() {
                if n.is_whitespace() || n == '"' {
                    break;
                }
                text.push(n);
                chars.next();
            }
        }
        if !quoted && !negated && text.eq_ignore_ascii_case("or") {
            out.push(Token::Or);
            continue;
        }
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if !words.is_empty() {
            out.push(Token::Term {
                term: Term(words),
                negated,
            });
        }
    }
    out
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [w] => f.write_str(w),
            words => write!(f, "\"{}\"", words.join(" ")),
        }
    }
}

/// The query in its canonical form (what it was understood as).
impl fmt::Display for TextQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            if !std::mem::take(&mut first) {
                f.write_str(" ")?;
            }
            Ok(())
        };
        for group in &self.required {
            sep(f)?;
            if group.len() == 1 {
                write!(f, "{}", group[0])?;
            } else {
                f.write_str("(")?;
                for (i, t) in group.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" OR ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(")")?;
            }
        }
        for t in &self.excluded {
            sep(f)?;
            write!(f, "-{t}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for TextQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TextQuery({self})")
    }
}

/// A search of one model's full-text index.
#[derive(Clone)]
pub struct TextSearch {
    pub(crate) model: &'static ModelDef,
    pub(crate) index: &'static IndexDef,
    pub(crate) query: Arc<TextQuery>,
}

impl TextSearch {
    pub(crate) fn options(&self) -> &'static FullTextDef {
        self.index
            .fulltext
            .as_ref()
            .expect("a text search names a full-text index")
    }

    /// Whether `other` searches the same index for the same query (one relevance computes both).
    pub(crate) fn same(&self, other: &TextSearch) -> bool {
        std::ptr::eq(self.index, other.index) && self.query == other.query
    }

    /// The index's columns.
    pub(crate) fn columns(&self) -> impl Iterator<Item = &'static crate::model::def::ColumnDef> {
        let columns: &'static [crate::model::def::ColumnDef] = self.model.columns;
        self.index.columns.iter().map(move |&c| &columns[c])
    }
}

impl fmt::Debug for TextSearch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "search {} {:?}", self.index.name, self.query)
    }
}

#[cfg(test)]
mod tests {
    use super::TextQuery;

    fn canon(s: &str) -> String {
        TextQuery::parse(s).to_string()
    }

    #[test]
    fn the_web_search_syntax() {
        assert_eq!(canon("Rust  Async"), "rust async");
        assert_eq!(canon(r#""async rust" io"#), r#""async rust" io"#);
        assert_eq!(canon("web rust OR go"), "web (rust OR go)");
        assert_eq!(canon("a or b OR c d"), "(a OR b OR c) d");
        assert_eq!(
            canon("rust -java -\"java beans\""),
            r#"rust -java -"java beans""#
        );
        assert_eq!(canon("e-mail c++ foo.bar"), r#""e mail" c "foo bar""#);
        assert_eq!(canon("rust rust RUST"), "rust");
        assert_eq!(canon("OR rust OR"), "rust");
        assert_eq!(canon("-java OR rust"), "rust -java");
        assert_eq!(canon("\"unterminated phrase"), r#""unterminated phrase""#);
        assert_eq!(canon("café naïve"), "café naïve");
    }

    #[test]
    fn queries_with_nothing_to_find_are_empty() {
        for q in [
            "",
            "   ",
            "-java",
            "\"(*",
            "* - -- OR",
            "\0\0",
            "\"\"",
            "-\"a b\"",
        ] {
            assert!(TextQuery::parse(q).is_empty(), "{q:?}");
        }
    }

    #[test]
    fn words_no_index_keeps_match_nothing() {
        let long = "x".repeat(3000);
        assert!(TextQuery::parse(&format!("rust {long}")).is_empty());
        assert_eq!(canon(&format!("rust OR {long}")), "rust");
        assert_eq!(canon(&format!("rust -{long}")), "rust");
    }
}
