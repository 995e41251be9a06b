//! Stage 2 of `#[derive(Select)]`: the checked select, each field resolved to what it reads and how
//! (a column, a count, or a relation selected as one, an optional one, many, or many through a join
//! model).

use syn::{DeriveInput, Ident};

use super::attr;
use crate::internals::ctxt::Ctxt;
use crate::internals::ty::generic_arg;

pub struct Select<'a> {
    pub ident: &'a Ident,
    /// The model read, `#[orm(model = ..)]`.
    pub model: syn::Path,
    pub krate: syn::Path,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a syn::Type,
    pub read: Read<'a>,
}

/// What a field reads; `select` is the nested select type.
pub enum Read<'a> {
    Column(Ident),
    Count {
        name: Ident,
        filter: Option<syn::Expr>,
    },
    /// A required `BelongsTo`, selected as `S`.
    One {
        name: Ident,
    },
    /// An optional `BelongsTo` or a `HasOne`, selected as `Option<S>`.
    Optional {
        name: Ident,
        select: &'a syn::Type,
    },
    /// A `HasMany`, selected as `Vec<S>`, in `order_by`'s order when given.
    Many {
        name: Ident,
        select: &'a syn::Type,
        order_by: Option<syn::Expr>,
    },
    /// The relevance of the query's search through the model's full-text index (its handle).
    Relevance(Ident),
    /// The column's text around the matches of the query's search.
    Snippet(Ident),
    /// Computed by `with` from `needs` (columns by reference, counts as `i64`).
    Computed {
        with: syn::Path,
        needs: Vec<attr::Need>,
    },
    /// A `HasMany` of join rows, selected as `Vec<S>` of their `through` relation, the join rows in
    /// `order_by`'s order when given.
    Through {
        name: Ident,
        through: syn::Path,
        select: &'a syn::Type,
        order_by: Option<syn::Expr>,
    },
}

impl<'a> Select<'a> {
    /// The checked select; `None` when there is no model to read or no struct to fill, which
    /// leaves nothing to fall back on.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Select<'a>> {
        let container = attr::Container::from_ast(cx, input);
        let Some(model) = container.model else {
            cx.error_spanned_by(
                &input.ident,
                "a select needs `#[orm(model = <Model>)]`: the model it reads",
            );
            return None;
        };
        let syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) = &input.data
        else {
            cx.error_spanned_by(
                &input.ident,
                "#[derive(Select)] needs a struct with named fields",
            );
            return None;
        };
        let generic = !input.generics.params.is_empty();
        if generic {
            cx.error_spanned_by(&input.generics, "a select cannot be generic");
        }
        let fields = named
            .named
            .iter()
            .filter_map(|f| {
                let ident = f.ident.as_ref().expect("named field");
                let ty = &f.ty;
                let read = match attr::Field::from_ast(cx, f) {
                    attr::Field::Column(c) => Read::Column(c),
                    attr::Field::Count { name, filter } => Read::Count { name, filter },
                    attr::Field::Computed { with, needs } => Read::Computed { with, needs },
                    attr::Field::Relevance(index) => Read::Relevance(index),
                    attr::Field::Snippet(column) => Read::Snippet(column),
                    attr::Field::Relation {
                        name,
                        through,
                        order_by,
                    } => {
                        let many = generic_arg(ty, "Vec");
                        if let (Some(o), None) = (&order_by, many) {
                            cx.error_spanned_by(o, "`order_by` orders a to-many relation: the field must be a `Vec<..>`");
                            return None;
                        }
                        match (through, many, generic_arg(ty, "Option")) {
                            (Some(through), Some(select), _) => Read::Through {
                                name,
                                through,
                                select,
                                order_by,
                            },
                            (Some(through), None, _) => {
                                cx.error_spanned_by(&through, "`through` selects a to-many relation through a join model: the field must be a `Vec<..>`");
                                return None;
                            }
                            (None, Some(select), _) => Read::Many {
                                name,
                                select,
                                order_by,
                            },
                            (None, None, Some(select)) => Read::Optional { name, select },
                            (None, None, None) => Read::One { name },
                        }
                    }
                };
                Some(Field { ident, ty, read })
            })
            .collect();
        if generic {
            return None;
        }
        Some(Select {
            ident: &input.ident,
            model,
            krate: crate::internals::krate_or_default(container.krate),
            fields,
        })
    }
}
