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
    /// `#[orm(relation)]`, `relation = name` or `relation(name = .., through = ..)`.
    Relation {
        name: Ident,
        through: Option<syn::Path>,
    },
    /// `#[orm(count = name)]` or `count(name, filter = ..)`.
    Count {
        name: Ident,
        filter: Option<syn::Expr>,
    },
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
                if meta.input.peek(syn::Token![=]) {
                    name = meta.value()?.parse()?;
                } else if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|inner| {
                        if inner.path == NAME {
                            name = inner.value()?.parse()?;
                        } else if inner.path == THROUGH {
                            through = Some(inner.value()?.parse()?);
                        } else {
                            common::unknown_key(
                                cx,
                                &inner,
                                format_args!(
                                    "unknown key `{}` in `relation(..)`; expected `name` or `through`",
                                    path_str(&inner.path)
                                ),
                            )?;
                        }
                        Ok(())
                    })?;
                }
                Field::Relation { name, through }
            } else if meta.path == COUNT {
                if meta.input.peek(syn::Token![=]) {
                    Field::Count {
                        name: meta.value()?.parse()?,
                        filter: None,
                    }
                } else {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let name: Ident = content.parse()?;
                    let mut filter = None;
                    if content.parse::<Option<syn::Token![,]>>()?.is_some() && !content.is_empty() {
                        let key: Ident = content.parse()?;
                        if key != FILTER {
                            return Err(syn::Error::new(
                                key.span(),
                                "expected `filter = <Filter>`",
                            ));
                        }
                        content.parse::<syn::Token![=]>()?;
                        filter = Some(content.parse()?);
                    }
                    Field::Count { name, filter }
                }
            } else {
                return common::unknown_key(
                    cx,
                    &meta,
                    format_args!(
                        "unknown orm attribute `{}` on a select field; expected `field = ..`, `relation`, `relation = ..`, `relation(name = .., through = ..)` or `count = ..`",
                        path_str(&meta.path)
                    ),
                );
            };
            if kind.replace(parsed).is_some() {
                cx.error_spanned_by(
                    &meta.path,
                    "a select field is one of: a column (`field`), a `relation` or a `count`",
                );
            }
            Ok(())
        });
        kind.unwrap_or_else(|| Field::Column(fident.clone()))
    }
}
