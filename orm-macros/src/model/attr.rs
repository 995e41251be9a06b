//! Stage 1 of `#[derive(Model)]`: the `#[orm(...)]` attributes of the struct and of each field, as
//! written. Unknown and duplicate keys are spanned errors in the [`Ctxt`]; nothing here looks at a
//! second field (that is [`super::ast`]'s job).

use proc_macro2::Span;
use syn::Ident;
use syn::meta::ParseNestedMeta;
use syn::parse::Parse;
use syn::spanned::Spanned;

use crate::internals::attr::{self as common, Attr};
use crate::internals::ctxt::Ctxt;
use crate::internals::symbol::*;
use crate::internals::ty::path_str;

/// `#[orm(...)]` on the model struct.
pub struct Container {
    pub table: Option<String>,
    pub krate: Option<syn::Path>,
    pub id: Option<Vec<Ident>>,
    pub uniques: Vec<Vec<Ident>>,
    pub indexes: Vec<Vec<Ident>>,
    pub fulltexts: Vec<FullText>,
    pub renamed_from: Option<String>,
}

impl Container {
    pub fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Self {
        let mut table = Attr::none(cx, TABLE);
        let mut krate = Attr::none(cx, CRATE);
        let mut id = Attr::none(cx, ID);
        let mut renamed_from = Attr::none(cx, RENAMED_FROM);
        let mut uniques = Vec::new();
        let mut indexes = Vec::new();
        let mut fulltexts = Vec::new();
        common::parse_orm(cx, &input.attrs, |meta| {
            if meta.path == TABLE {
                table.set(&meta.path, common::lit_str(&meta)?.value());
            } else if meta.path == CRATE {
                krate.set(&meta.path, common::krate(&meta)?);
            } else if meta.path == ID {
                id.set(&meta.path, ident_list(&meta)?);
            } else if meta.path == UNIQUE {
                uniques.push(ident_list(&meta)?);
            } else if meta.path == INDEX {
                indexes.push(ident_list(&meta)?);
            } else if meta.path == FULLTEXT {
                fulltexts.push(FullText::parse(&meta)?);
            } else if meta.path == RENAMED_FROM {
                renamed_from.set(&meta.path, common::lit_str(&meta)?.value());
            } else {
                common::unknown_key(
                    cx,
                    &meta,
                    format_args!(
                        "unknown orm attribute `{}` on a model; expected `table`, `id(..)`, `unique(..)`, `index(..)`, `fulltext(..)`, `renamed_from` or `crate`",
                        path_str(&meta.path)
                    ),
                )?;
            }
            Ok(())
        });
        Container {
            table: table.get(),
            krate: krate.get(),
            id: id.get(),
            uniques,
            indexes,
            fulltexts,
            renamed_from: renamed_from.get(),
        }
    }
}

/// `fulltext(a, b(weight = "A"), language = "english")`: the fields of a full-text index, each
/// optionally weighted, and the index's language.
pub struct FullText {
    pub columns: Vec<Ident>,
    /// Per column, its weight and where it was written.
    pub weights: Vec<Option<(char, Span)>>,
    pub language: Option<(String, Span)>,
}

impl FullText {
    fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<Self> {
        let mut out = FullText {
            columns: Vec::new(),
            weights: Vec::new(),
            language: None,
        };
        meta.parse_nested_meta(|item| {
            let Some(ident) = item.path.get_ident().cloned() else {
                return Err(item.error("expected a field name or `language = \"..\"`"));
            };
            if item.input.peek(syn::Token![=]) {
                if ident != "language" {
                    return Err(item.error(format!(
                        "unknown full-text option `{ident}`; expected `language = \"..\"` (weigh a field with `{ident}(weight = \"A\")`)"
                    )));
                }
                let lit = common::lit_str(&item)?;
                let language = lit.value();
                if language.is_empty()
                    || !language
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return Err(syn::Error::new(
                        lit.span(),
                        "a text-search language is a lowercase name such as \"english\" or \"simple\"",
                    ));
                }
                out.language = Some((language, lit.span()));
                return Ok(());
            }
            if out.columns.contains(&ident) {
                return Err(syn::Error::new(ident.span(), format!("`{ident}` is listed twice")));
            }
            let mut weight = None;
            if item.input.peek(syn::token::Paren) {
                item.parse_nested_meta(|w| {
                    if !w.path.is_ident("weight") {
                        return Err(w.error("expected `weight = \"A\"` (A, B, C or D)"));
                    }
                    let lit = common::lit_str(&w)?;
                    let v = lit.value();
                    match v.as_str() {
                        "A" | "B" | "C" | "D" => {
                            weight = v.chars().next().map(|c| (c, lit.span()));
                            Ok(())
                        }
                        _ => Err(syn::Error::new(
                            lit.span(),
                            "a weight is \"A\" (highest), \"B\", \"C\" or \"D\" (lowest)",
                        )),
                    }
                })?;
            }
            out.columns.push(ident);
            out.weights.push(weight);
            Ok(())
        })?;
        if out.columns.is_empty() {
            return Err(meta.error("name at least one field: `fulltext(title, content)`"));
        }
        Ok(out)
    }
}

/// `(a)` or `(a, b)`: the fields of a key, each named once.
fn ident_list(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<Ident>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let list: Vec<Ident> = content
        .parse_terminated(Ident::parse, syn::Token![,])?
        .into_iter()
        .collect();
    if list.is_empty() {
        return Err(meta.error("name at least one field: `(a)` or `(a, b)`"));
    }
    for (i, a) in list.iter().enumerate() {
        if list[..i].contains(a) {
            return Err(syn::Error::new(a.span(), format!("`{a}` is listed twice")));
        }
    }
    Ok(list)
}

/// What a field's `default = ..` says.
pub enum Default {
    Cuid(Span),
    Uuid(Span),
    UuidV7(Span),
    Autoincrement(Span),
    Now(Span),
    Value(syn::Expr),
}

impl Default {
    fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<Self> {
        let expr: syn::Expr = meta.value()?.parse()?;
        let special = match &expr {
            syn::Expr::Path(p) if p.qself.is_none() => p.path.get_ident(),
            _ => None,
        };
        Ok(match special {
            Some(i) if i == CUID => Default::Cuid(i.span()),
            Some(i) if i == UUID => Default::Uuid(i.span()),
            Some(i) if i == UUID_V7 => Default::UuidV7(i.span()),
            Some(i) if i == AUTOINCREMENT => Default::Autoincrement(i.span()),
            Some(i) if i == NOW => Default::Now(i.span()),
            _ => Default::Value(expr),
        })
    }
}

/// The relation kinds, named by their attribute key and by their field type.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    BelongsTo,
    HasOne,
    HasMany,
}

impl RelationKind {
    pub const ALL: [RelationKind; 3] = [
        RelationKind::BelongsTo,
        RelationKind::HasOne,
        RelationKind::HasMany,
    ];

    pub fn attr(self) -> Symbol {
        match self {
            RelationKind::BelongsTo => BELONGS_TO,
            RelationKind::HasOne => HAS_ONE,
            RelationKind::HasMany => HAS_MANY,
        }
    }

    pub fn type_name(self) -> &'static str {
        match self {
            RelationKind::BelongsTo => "BelongsTo",
            RelationKind::HasOne => "HasOne",
            RelationKind::HasMany => "HasMany",
        }
    }
}

/// The referential actions `on_delete` / `on_update` accept (the runtime's `Action` variants).
pub const ACTIONS: &[&str] = &["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"];

/// `#[orm(belongs_to(..))]`, `has_one(..)` or `has_many(..)` as written.
pub struct Relation {
    pub kind: RelationKind,
    /// The key's span (`belongs_to`), where relation-level mistakes are reported.
    pub span: Span,
    pub fk: Option<Ident>,
    /// Only known actions: an unknown one is reported here and left out.
    pub on_delete: Option<Ident>,
    pub on_update: Option<Ident>,
    pub index: Option<bool>,
    pub inverse: Option<Ident>,
}

impl Relation {
    /// Parses the keys of a relation attribute (`meta` is at `belongs_to`, `has_one` or `has_many`).
    /// Sets `*failed` when a key is unknown, so the field's later checks stay quiet.
    fn parse(
        cx: &Ctxt,
        kind: RelationKind,
        meta: &ParseNestedMeta<'_>,
        failed: &mut bool,
    ) -> syn::Result<Self> {
        let within = kind.attr().as_str();
        let mut fk = Attr::none_within(cx, FK, within);
        let mut on_delete = Attr::none_within(cx, ON_DELETE, within);
        let mut on_update = Attr::none_within(cx, ON_UPDATE, within);
        let mut index = Attr::none_within(cx, INDEX, within);
        let mut inverse = Attr::none_within(cx, INVERSE, within);
        if meta.input.peek(syn::token::Paren) {
            meta.parse_nested_meta(|inner| {
                let belongs_to = kind == RelationKind::BelongsTo;
                if belongs_to && inner.path == FK {
                    fk.set(&inner.path, inner.value()?.parse()?);
                } else if belongs_to && (inner.path == ON_DELETE || inner.path == ON_UPDATE) {
                    let v: Ident = inner.value()?.parse()?;
                    let slot = if inner.path == ON_DELETE {
                        &mut on_delete
                    } else {
                        &mut on_update
                    };
                    if ACTIONS.contains(&v.to_string().as_str()) {
                        slot.set(&inner.path, v);
                    } else {
                        cx.error_spanned_by(
                            &v,
                            format!(
                                "unknown referential action `{v}`; expected one of {}",
                                ACTIONS.join(", ")
                            ),
                        );
                    }
                } else if belongs_to && inner.path == INDEX {
                    let v: syn::LitBool = inner.value()?.parse()?;
                    index.set(&inner.path, v.value);
                } else if !belongs_to && inner.path == INVERSE {
                    inverse.set(&inner.path, inner.value()?.parse()?);
                } else {
                    let expected = if belongs_to {
                        "`fk`, `on_delete`, `on_update` or `index`"
                    } else {
                        "`inverse`"
                    };
                    *failed = true;
                    common::unknown_key(
                        cx,
                        &inner,
                        format_args!(
                            "unknown key `{}` in `{within}`; expected {expected}",
                            path_str(&inner.path)
                        ),
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(Relation {
            kind,
            span: meta.path.span(),
            fk: fk.get(),
            on_delete: on_delete.get(),
            on_update: on_update.get(),
            index: index.get(),
            inverse: inverse.get(),
        })
    }
}

/// `#[orm(...)]` on a field.
pub struct Field {
    pub id: bool,
    pub unique: bool,
    pub index: bool,
    pub column: Option<String>,
    pub default: Option<Default>,
    /// The `updated_at` key's span.
    pub updated_at: Option<Span>,
    /// The `soft_delete` key's span.
    pub soft_delete: Option<Span>,
    pub db_type: Option<String>,
    pub renamed_from: Option<String>,
    pub relation: Option<Relation>,
    /// A relation key was written, whether or not it parsed.
    pub relation_written: bool,
    /// The column keys as written, in order: on a relation field each is a mistake.
    pub column_keys: Vec<syn::Path>,
    /// A key failed to parse or is unknown: what the field is meant to be is uncertain, so checks
    /// that would guess stay quiet.
    pub failed: bool,
}

impl Field {
    pub fn from_ast(cx: &Ctxt, field: &syn::Field) -> Self {
        let mut id = Attr::none(cx, ID);
        let mut unique = Attr::none(cx, UNIQUE);
        let mut index = Attr::none(cx, INDEX);
        let mut column = Attr::none(cx, COLUMN);
        let mut default = Attr::none(cx, DEFAULT);
        let mut updated_at = Attr::none(cx, UPDATED_AT);
        let mut soft_delete = Attr::none(cx, SOFT_DELETE);
        let mut db_type = Attr::none(cx, DB_TYPE);
        let mut renamed_from = Attr::none(cx, RENAMED_FROM);
        let mut relation: Option<Relation> = None;
        let mut relation_key: Option<Symbol> = None;
        let mut column_keys = Vec::new();
        let mut failed = false;
        let parsed = common::parse_orm(cx, &field.attrs, |meta| {
            if let Some(kind) = RelationKind::ALL
                .into_iter()
                .find(|k| meta.path == k.attr())
            {
                match relation_key {
                    Some(prev) if prev == kind.attr() => cx.error_spanned_by(
                        &meta.path,
                        format!("duplicate orm attribute `{prev}`"),
                    ),
                    Some(_) => cx.error_spanned_by(
                        &meta.path,
                        "a field holds one relation: remove one of `belongs_to`, `has_one`, `has_many`",
                    ),
                    None => {
                        relation_key = Some(kind.attr());
                        relation = Some(Relation::parse(cx, kind, &meta, &mut failed)?);
                    }
                }
                return Ok(());
            }
            const COLUMN_KEYS: [Symbol; 9] = [
                ID,
                UNIQUE,
                INDEX,
                UPDATED_AT,
                SOFT_DELETE,
                COLUMN,
                DB_TYPE,
                DEFAULT,
                RENAMED_FROM,
            ];
            if COLUMN_KEYS.iter().any(|k| meta.path == *k) {
                column_keys.push(meta.path.clone());
            }
            if meta.path == ID {
                id.set(&meta.path, ());
            } else if meta.path == UNIQUE {
                unique.set(&meta.path, ());
            } else if meta.path == INDEX {
                index.set(&meta.path, ());
            } else if meta.path == UPDATED_AT {
                updated_at.set(&meta.path, meta.path.span());
            } else if meta.path == SOFT_DELETE {
                soft_delete.set(&meta.path, meta.path.span());
            } else if meta.path == COLUMN {
                column.set(&meta.path, common::lit_str(&meta)?.value());
            } else if meta.path == DB_TYPE {
                db_type.set(&meta.path, common::lit_str(&meta)?.value());
            } else if meta.path == RENAMED_FROM {
                renamed_from.set(&meta.path, common::lit_str(&meta)?.value());
            } else if meta.path == DEFAULT {
                default.set(&meta.path, Default::parse(&meta)?);
            } else {
                let key = path_str(&meta.path);
                let hint = if key.contains("belong") {
                    " (did you mean `belongs_to`?)"
                } else if key.contains("has") {
                    " (did you mean `has_many` or `has_one`?)"
                } else {
                    ""
                };
                failed = true;
                common::unknown_key(
                    cx,
                    &meta,
                    format_args!(
                        "unknown orm attribute `{key}` on a field{hint}; expected `id`, `unique`, `index`, `column`, `default`, `updated_at`, `soft_delete`, `db_type`, `renamed_from`, `belongs_to(..)`, `has_one` or `has_many`"
                    ),
                )?;
            }
            Ok(())
        });
        Field {
            id: id.get().is_some(),
            unique: unique.get().is_some(),
            index: index.get().is_some(),
            column: column.get(),
            default: default.get(),
            updated_at: updated_at.get(),
            soft_delete: soft_delete.get(),
            db_type: db_type.get(),
            renamed_from: renamed_from.get(),
            relation,
            relation_written: relation_key.is_some(),
            column_keys,
            failed: failed || !parsed,
        }
    }
}
