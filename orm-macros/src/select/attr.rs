//! Stage 1 of `#[derive(Select)]`: `#[orm(model = .., crate = "..")]` on the struct and what each
//! field's `#[orm(...)]` says it reads.

use syn::Ident;

use crate::internals::attr::{self as common, Attr};
use crate::internals::ctxt::Ctxt;
use crate::internals::symbol::*;
use crate::internals::ty::path_str;

/// `#[orm(...)]` on the select struct.
pub struct Container {
    pub model: Option<syn::Path>,
    pub krate: Option<syn::Path>,
}

impl Container {
    pub fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Self {
        let mut model = Attr::none(cx, MODEL);
        let mut krate = Attr::none(cx, CRATE);
        common::parse_orm(cx, &input.attrs, |meta| {
            if meta.path == MODEL {
                model.set(&meta.path, meta.value()?.parse()?);
            } else if meta.path == CRATE {
                krate.set(&meta.path, common::krate(&meta)?);
            } else {
                common::unknown_key(
                    cx,
                    &meta,
                    format_args!(
                        "unknown orm attribute `{}` on a select; expected `model = ..` or `crate`",
                        path_str(&meta.path)
                    ),
                )?;
            }
            Ok(())
        });
        Container {
            model: model.get(),
            krate: krate.get(),
        }
    }
}

/// What a select field reads.
pub enum Field {
    /// A column: `#[orm(field = name)]`, or the field's own name without an attribute.
    Column(Ident),
    /// `#[orm(relation)]`, `relation = name` or `relation(name = .., through = .., order_by = ..)`.
    Relation {
        name: Ident,
        through: Option<syn::Path>,
        order_by: Option<syn::Expr>,
    },
    /// `#[orm(count = name)]` or `count(name, filter = ..)`.
    Count {
        name: Ident,
        filter: Option<syn::Expr>,
    },
    /// `#[orm(computed(with = path, needs = [column, count(relation, filter = ..), ..]))]`.
    Computed { with: syn::Path, needs: Vec<Need> },
    /// `#[orm(relevance = INDEX)]`: the relevance of the query's search through the model's
    /// full-text index `INDEX` (its handle, `TITLE_CONTENT_FTS`).
    Relevance(Ident),
    /// `#[orm(snippet = column)]`: the column's text around the matches of the query's search
    /// through a full-text index holding it.
    Snippet(Ident),
}

/// What a computed field's function takes, in order.
pub enum Need {
    /// A column of the model, passed by reference.
    Column(Ident),
    /// A relation count, passed as `i64`.
    Count {
        name: Ident,
        filter: Option<syn::Expr>,
    },
}

/// `name` or `name, filter = <Filter>` inside `count(..)`.
fn parse_count_args(
    content: syn::parse::ParseStream<'_>,
) -> syn::Result<(Ident, Option<syn::Expr>)> {
    let name: Ident = content.parse()?;
    let mut filter = None;
    if content.parse::<Option<syn::Token![,]>>()?.is_some() && !content.is_empty() {
        let key: Ident = content.parse()?;
        if key != FILTER {
            return Err(syn::Error::new(key.span(), "expected `filter = <Filter>`"));
        }
        content.parse::<syn::Token![=]>()?;
        filter = Some(content.parse()?);
    }
    Ok((name, filter))
}

/// `[column, count(relation), count(relation, filter = ..), ..]`.
fn parse_needs(input: syn::parse::ParseStream<'_>) -> syn::Result<Vec<Need>> {
    let content;
    syn::bracketed!(content in input);
    let mut needs = Vec::new();
    while !content.is_empty() {
        let name: Ident = content.parse()?;
        if name == COUNT && content.peek(syn::token::Paren) {
            let inner;
            syn::parenthesized!(inner in content);
            let (name, filter) = parse_count_args(&inner)?;
            needs.push(Need::Count { name, filter });
        } else {
            needs.push(Need::Column(name));
        }
        if content.parse::<Option<syn::Token![,]>>()?.is_none() {
            break;
        }
    }
    if !content.is_empty() {
        return Err(content.error("expected `,` between the needs"));
    }
    Ok(needs)
}

impl Field {
    pub fn from_ast(cx: &Ctxt, field: &syn::Field) -> Self {
        let fident = field.ident.as_ref().expect("named field");
        let mut kind: Option<Field> = None;
        common::parse_orm(cx, &field.attrs, |meta| {
            let parsed = if meta.path == FIELD {
                Field::Column(meta.value()?.parse()?)
            } else if meta.path == RELATION {
                let mut name = fident.clone();
                let mut through: Option<syn::Path> = None;
                let mut order_by: Option<syn::Expr> = None;
                if meta.input.peek(syn::Token![=]) {
                    name = meta.value()?.parse()?;
                } else if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|inner| {
                        if inner.path == NAME {
                            name = inner.value()?.parse()?;
                        } else if inner.path == THROUGH {
                            through = Some(inner.value()?.parse()?);
                        } else if inner.path == ORDER_BY {
                            order_by = Some(inner.value()?.parse()?);
                        } else {
                            common::unknown_key(
                                cx,
                                &inner,
                                format_args!(
                                    "unknown key `{}` in `relation(..)`; expected `name`, `through` or `order_by`",
                                    path_str(&inner.path)
                                ),
                            )?;
                        }
                        Ok(())
                    })?;
                }
                Field::Relation {
                    name,
                    through,
                    order_by,
                }
            } else if meta.path == COUNT {
                if meta.input.peek(syn::Token![=]) {
                    Field::Count {
                        name: meta.value()?.parse()?,
                        filter: None,
                    }
                } else {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let (name, filter) = parse_count_args(&content)?;
                    Field::Count { name, filter }
                }
            } else if meta.path == RELEVANCE {
                Field::Relevance(meta.value()?.parse()?)
            } else if meta.path == SNIPPET {
                Field::Snippet(meta.value()?.parse()?)
            } else if meta.path == COMPUTED {
                let mut with: Option<syn::Path> = None;
                let mut needs = Vec::new();
                meta.parse_nested_meta(|inner| {
                    if inner.path == WITH {
                        with = Some(inner.value()?.parse()?);
                    } else if inner.path == NEEDS {
                        needs = parse_needs(inner.value()?)?;
                    } else {
                        common::unknown_key(
                            cx,
                            &inner,
                            format_args!(
                                "unknown key `{}` in `computed(..)`; expected `with = <function>` or `needs = [..]`",
                                path_str(&inner.path)
                            ),
                        )?;
                    }
                    Ok(())
                })?;
                let Some(with) = with else {
                    return Err(meta.error(
                        "a computed field needs `with = <function>`: the function that computes it from its `needs`",
                    ));
                };
                Field::Computed { with, needs }
            } else {
                return common::unknown_key(
                    cx,
                    &meta,
                    format_args!(
                        "unknown orm attribute `{}` on a select field; expected `field = ..`, `relation`, `relation = ..`, `relation(name = .., through = ..)`, `count = ..`, `computed(with = .., needs = [..])` `relevance = <FULL-TEXT INDEX>` or `snippet = <column>`",
                        path_str(&meta.path)
                    ),
                );
            };
            if kind.replace(parsed).is_some() {
                cx.error_spanned_by(
                    &meta.path,
                    "a select field is one of: a column (`field`), a `relation`, a `count`, `computed`, `relevance` or `snippet`",
                );
            }
            Ok(())
        });
        kind.unwrap_or_else(|| Field::Column(fident.clone()))
    }
}
