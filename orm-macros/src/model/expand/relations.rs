//! Relations: a `RelationDef` per relation field, the typed handle `Post::AUTHOR`, the fluent
//! `post.author_query()`, `BelongsToOf<T>` (the relation a `has_many` on `T` mirrors), and the checks
//! the compiler evaluates across models (relation types, foreign key against the target's key).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::Gen;
use crate::internals::naming;
use crate::model::attr::RelationKind;

pub fn defs(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    m.relations
        .iter()
        .map(|r| {
            let rname = r.ident.to_string();
            let target = r.target;
            let optional = r.optional;
            let kind = match r.kind {
                RelationKind::BelongsTo => quote!(#p::RelationKind::BelongsTo),
                RelationKind::HasOne => quote!(#p::RelationKind::HasOne),
                RelationKind::HasMany => quote!(#p::RelationKind::HasMany),
            };
            let fk = match &r.fk {
                Some((pos, _)) => quote!(&[#pos]),
                None => quote!(&[]),
            };
            // The `belongs_to` a `has_one`/`has_many` mirrors is looked up in the other model, a
            // check a fallback leaves out.
            let inverse = match &r.inverse {
                _ if r.kind == RelationKind::BelongsTo || g.fallback => {
                    quote!(::core::option::Option::None)
                }
                Some(inv) => {
                    let inv_const = format_ident!(
                        "{}",
                        naming::const_name(&inv.to_string()),
                        span = inv.span()
                    );
                    let inv = quote_spanned! {inv.span()=> #p::inverse::<#ident, _, _>(<#target>::#inv_const) };
                    quote!(::core::option::Option::Some(|| #inv))
                }
                None => {
                    let inv = quote_spanned! {r.ty.span()=> <#target as #p::BelongsToOf<#ident>>::RELATION };
                    quote!(::core::option::Option::Some(|| #inv))
                }
            };
            let on_delete = format_ident!("{}", r.on_delete);
            let on_update = format_ident!("{}", r.on_update);
            let fk_index = r.fk_index;
            quote! {
                #p::RelationDef {
                    name: #rname,
                    kind: #kind,
                    optional: #optional,
                    model: || &__ORM_MODEL,
                    target: || <#target as #p::Model>::DEF,
                    fk: #fk,
                    inverse: #inverse,
                    on_delete: #p::Action::#on_delete,
                    on_update: #p::Action::#on_update,
                    fk_index: #fk_index,
                }
            }
        })
        .collect()
}

/// The handle per relation, `Relation<Model, FieldType>`.
pub fn consts(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    let ident = g.m.ident;
    let vis = g.m.vis;
    g.m.relations
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let rident = r.ident;
            let rty = r.ty;
            let const_ident = handle(r.ident);
            let doc = format!("The `{rident}` relation.");
            quote! {
                #[doc = #doc]
                #vis const #const_ident: #p::Relation<#ident, #rty> = #p::Relation::new(&__ORM_RELATIONS[#k], |m: &mut #ident| &mut m.#rident);
            }
        })
        .collect()
}

fn handle(field: &syn::Ident) -> syn::Ident {
    format_ident!(
        "{}",
        naming::const_name(&field.to_string()),
        span = field.span()
    )
}

/// `<relation>_query(&self)`: the relation's rows of this row, as a query.
pub fn methods(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    g.m.relations
        .iter()
        .map(|r| {
            let rname = r.ident.to_string();
            let target = r.target;
            let rvis = r.vis;
            let const_ident = handle(r.ident);
            let method = format_ident!("{}_query", rname.trim_start_matches("r#"));
            let mdoc = format!("A query over this row's `{rname}` (the fluent API).");
            quote! {
                #[doc = #mdoc]
                #rvis fn #method(&self) -> #p::FindMany<#target> {
                    Self::#const_ident.of(self)
                }
            }
        })
        .collect()
}

/// `BelongsToOf<T>` for each model `T` this one belongs to exactly once.
pub fn belongs_to_impls(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    let target_of = |r: &crate::model::ast::Relation<'_>| {
        let t = r.target;
        (r.kind == RelationKind::BelongsTo).then(|| quote!(#t).to_string())
    };
    let targets: Vec<Option<String>> = m.relations.iter().map(target_of).collect();
    m.relations
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            targets[*k].is_some() && targets.iter().filter(|t| **t == targets[*k]).count() == 1
        })
        .map(|(k, r)| {
            let target = r.target;
            quote! {
                #[automatically_derived]
                impl #p::BelongsToOf<#target> for #ident {
                    const RELATION: &'static #p::RelationDef = &__ORM_RELATIONS[#k];
                }
            }
        })
        .collect()
}

/// Per relation: its type fits a relation, and a `belongs_to`'s foreign key has the type of the
/// target's primary key.
pub fn assertions(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    let mut out = Vec::new();
    for r in &g.m.relations {
        let rty = r.ty;
        let target = r.target;
        out.push(quote_spanned! {rty.span()=> #p::assert_relation::<#rty>(); });
        if let Some((pos, fk_ident)) = &r.fk {
            let fk_ty = g.m.fields[*pos].ty;
            out.push(
                quote_spanned! {fk_ident.span()=> #p::assert_foreign_key::<#target, #fk_ty>(); },
            );
        }
    }
    out
}
