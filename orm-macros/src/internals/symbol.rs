//! Every `#[orm(...)]` key, spelled once (serde_derive's `internals/symbol.rs`): parsers compare paths
//! and idents against these constants, and messages print them.

use std::fmt::{self, Display};

use syn::{Ident, Path};

#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Symbol(&'static str);

impl Symbol {
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// The attribute itself: `#[orm(...)]`.
pub const ORM: Symbol = Symbol("orm");
/// Every derive: the path to the runtime crate.
pub const CRATE: Symbol = Symbol("crate");

// `#[derive(Model)]` on the struct.
pub const TABLE: Symbol = Symbol("table");
pub const ID: Symbol = Symbol("id");
pub const UNIQUE: Symbol = Symbol("unique");
pub const INDEX: Symbol = Symbol("index");
pub const FULLTEXT: Symbol = Symbol("fulltext");
pub const RENAMED_FROM: Symbol = Symbol("renamed_from");

// `#[derive(Model)]` on a field (besides `id`, `unique`, `index`, `renamed_from`).
pub const COLUMN: Symbol = Symbol("column");
pub const DEFAULT: Symbol = Symbol("default");
pub const UPDATED_AT: Symbol = Symbol("updated_at");
pub const SOFT_DELETE: Symbol = Symbol("soft_delete");
pub const DB_TYPE: Symbol = Symbol("db_type");
pub const BELONGS_TO: Symbol = Symbol("belongs_to");
pub const HAS_ONE: Symbol = Symbol("has_one");
pub const HAS_MANY: Symbol = Symbol("has_many");

// Inside `belongs_to(..)` (besides `index`) and `has_one(..)` / `has_many(..)`.
pub const FK: Symbol = Symbol("fk");
pub const ON_DELETE: Symbol = Symbol("on_delete");
pub const ON_UPDATE: Symbol = Symbol("on_update");
pub const INVERSE: Symbol = Symbol("inverse");

// The generated defaults of `default = ..`.
pub const CUID: Symbol = Symbol("cuid");
pub const UUID: Symbol = Symbol("uuid");
pub const UUID_V7: Symbol = Symbol("uuid_v7");
pub const AUTOINCREMENT: Symbol = Symbol("autoincrement");
pub const NOW: Symbol = Symbol("now");

// `#[derive(DbEnum)]`.
pub const NAME: Symbol = Symbol("name");
pub const RENAME_ALL: Symbol = Symbol("rename_all");
pub const RENAME: Symbol = Symbol("rename");

// `#[derive(Select)]` (besides `name` in `relation(..)`).
pub const MODEL: Symbol = Symbol("model");
pub const FIELD: Symbol = Symbol("field");
pub const RELATION: Symbol = Symbol("relation");
pub const THROUGH: Symbol = Symbol("through");
pub const COUNT: Symbol = Symbol("count");
pub const RELEVANCE: Symbol = Symbol("relevance");
pub const SNIPPET: Symbol = Symbol("snippet");
pub const FILTER: Symbol = Symbol("filter");
pub const COMPUTED: Symbol = Symbol("computed");
pub const WITH: Symbol = Symbol("with");
pub const NEEDS: Symbol = Symbol("needs");
pub const ORDER_BY: Symbol = Symbol("order_by");

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
