//! Stage 3 of `#[derive(Select)]`: `impl Select`, whose includes and counts are built by the
//! runtime's select glue, each call spanned at the field so a mismatch is reported there; and
//! the check that each column field has the column's type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Read, Select};
use super::attr::Need;
use crate::internals::naming;
use crate::internals::ty::respan;

/// Every relation count a select reads — its count fields' and its computed fields' — as
/// `(relation, filter)`.
fn counts_read<'a>(s: &'a Select<'_>) -> Vec<(&'a syn::Ident, Option<&'a syn::Expr>)> {
    let mut out = Vec::new();
    for f in &s.fields {
        match &f.read {
            Read::Count { name, filter } => out.push((name, filter.as_ref())),
            Read::Computed { needs, .. } => {
                for need in needs {
                    if let Need::Count { name, filter } = need {
                        out.push((name, filter.as_ref()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A model read holds one count per relation: two counts of one relation must count the same rows.
pub fn check_counts(cx: &crate::internals::ctxt::Ctxt, s: &Select<'_>) {
    let counts = counts_read(s);
    for (i, (name, filter)) in counts.iter().enumerate() {
        let text = |f: &Option<&syn::Expr>| f.map(|e| quote!(#e).to_string());
        if counts[..i]
            .iter()
            .any(|(n, f)| n == name && text(f) != text(filter))
        {
            cx.error_spanned_by(
                name,
                format_args!(
                    "`{name}` is counted twice with different filters; a select reads one count per \
                     relation: use one filter for both, or compute the other in a separate query"
                ),
            );
        }
    }
}

/// The full expansion of a checked select.
pub fn expand(s: &Select<'_>) -> TokenStream {
    let krate = &s.krate;
    let p = crate::internals::private(krate);
    let g = quote!(#p::select);
    let ident = s.ident;
    let model = &s.model;
    let model_name = quote!(#model).to_string().replace(' ', "");
    let mut includes = Vec::new();
    let mut counts = Vec::new();
    let mut checks = Vec::new();
    let mut inits = Vec::new();
    let mut pre = Vec::new();
    let mut computed = Vec::new();
    let mut relevance = Vec::new();
    let mut snippets = Vec::new();

    for f in &s.fields {
        let fident = f.ident;
        let fname = fident.to_string();
        let ty = f.ty;
        // The glue's path spanned at the field type, so type errors land there.
        let gs = respan(g.clone(), ty.span());
        match &f.read {
            Read::Column(col) => {
                let c = handle(col);
                checks.push(
                    quote_spanned! {ty.span()=> #g::column::<#model, #ty, _>(<#model>::#c); },
                );
                inits.push(quote! { #fident: m.#col });
            }
            Read::Count { name, filter } => {
                let c = handle(name);
                let arg = match filter {
                    Some(f) => quote_spanned! {f.span()=> <#model>::#c.filter(#f) },
                    None => quote!(<#model>::#c),
                };
                counts.push(quote_spanned! {name.span()=> #g::count::<#model, _>(#arg) });
                // Read before relations move out of `m`.
                let tmp = format_ident!("__orm_count_{}", fident);
                pre.push(
                    quote_spanned! {ty.span()=> let #tmp: #ty = m.#name.count().unwrap_or(0); },
                );
                inits.push(quote! { #fident: #tmp });
            }
            Read::Computed { with, needs } => {
                // The needs are read before anything moves out of `m`; the call is spanned at the
                // function, so a signature that does not fit the needs is reported there.
                let mut args = Vec::new();
                for (i, need) in needs.iter().enumerate() {
                    match need {
                        Need::Column(col) => {
                            let c = handle(col);
                            checks.push(quote_spanned! {col.span()=> #g::column::<#model, _, _>(<#model>::#c); });
                            args.push(quote_spanned! {col.span()=> &m.#col });
                        }
                        Need::Count { name, filter } => {
                            let c = handle(name);
                            let arg = match filter {
                                Some(f) => quote_spanned! {f.span()=> <#model>::#c.filter(#f) },
                                None => quote!(<#model>::#c),
                            };
                            counts
                                .push(quote_spanned! {name.span()=> #g::count::<#model, _>(#arg) });
                            let tmp = format_ident!("__orm_need_{}_{}", fident, i);
                            pre.push(quote_spanned! {name.span()=> let #tmp: i64 = m.#name.count().unwrap_or(0); });
                            args.push(quote!(#tmp));
                        }
                    }
                }
                let tmp = format_ident!("__orm_computed_{}", fident);
                computed.push(quote_spanned! {with.span()=> let #tmp: #ty = #with(#(#args),*); });
                inits.push(quote! { #fident: #tmp });
            }
            Read::Relevance(index) => {
                let i = relevance.len();
                relevance.push(
                    quote_spanned! {index.span()=> #g::relevance::<#model>(<#model>::#index) },
                );
                let tmp = format_ident!("__orm_relevance_{}", fident);
                pre.push(
                    quote! { let #tmp: f64 = #g::relevance_value(__orm_search, #i, #fname)?; },
                );
                // Spanned at the field's type: a field that is not `f64` is reported there.
                inits.push(quote_spanned! {ty.span()=> #fident: #tmp });
            }
            Read::Snippet(column) => {
                let i = snippets.len();
                let c = handle(column);
                snippets.push(
                    quote_spanned! {column.span()=> #g::snippet::<#model, _, _>(<#model>::#c) },
                );
                let tmp = format_ident!("__orm_snippet_{}", fident);
                pre.push(quote! {
                    let #tmp: ::core::option::Option<#p::Snippet> =
                        #g::snippet_value(__orm_search, #i, #fname)?;
                });
                // Spanned at the field's type: a field that is not `Option<Snippet>` is reported
                // there.
                inits.push(quote_spanned! {ty.span()=> #fident: #tmp });
            }
            Read::Through {
                name,
                through,
                select,
                order_by,
            } => {
                let c = handle(name);
                let shape = shape(order_by);
                includes.push(quote_spanned! {through.span()=> #g::include_through::<#model, _, _, #select>(<#model>::#c, #through, #shape) });
                inits.push(quote_spanned! {ty.span()=> #fident: #g::take_through::<_, _, #select>(m.#name, #through, #model_name, #fname)? });
            }
            Read::Many {
                name,
                select,
                order_by,
            } => {
                let c = handle(name);
                let shape = shape(order_by);
                includes.push(quote_spanned! {ty.span()=> #gs::include_many::<#model, _, #select>(<#model>::#c, #shape) });
                inits.push(
                    quote_spanned! {ty.span()=> #fident: #gs::take_many::<_, #select>(m.#name)? },
                );
            }
            Read::Optional { name, select } => {
                let c = handle(name);
                includes.push(quote_spanned! {ty.span()=> #gs::include_optional::<#model, _, #select>(<#model>::#c) });
                inits.push(quote_spanned! {ty.span()=> #fident: #gs::take_optional::<_, #select>(m.#name)? });
            }
            Read::One { name } => {
                let c = handle(name);
                includes.push(
                    quote_spanned! {ty.span()=> #gs::include_one::<#model, _, #ty>(<#model>::#c) },
                );
                inits.push(quote_spanned! {ty.span()=> #fident: #gs::take_one::<_, #ty>(m.#name, #model_name, #fname)? });
            }
        }
    }
    let reads = !relevance.is_empty() || !snippets.is_empty();
    let ranked = if reads {
        quote!(#p::ReadsSearch)
    } else {
        quote!(#p::NoSearch)
    };
    let reads_fn = reads.then(|| {
        quote! {
            fn __search_reads() -> #p::SearchReads {
                #p::SearchReads {
                    relevance: ::std::vec![#(#relevance),*],
                    snippets: ::std::vec![#(#snippets),*],
                }
            }
        }
    });
    quote! {
        const _: () = {
            #[allow(dead_code)]
            fn __orm_select_checks() {
                #(#checks)*
            }

            #[automatically_derived]
            impl #p::Select for #ident {
                type Model = #model;
                type __Search = #ranked;
                fn __includes() -> ::std::vec::Vec<#p::Include<#model>> {
                    ::std::vec![#(#includes),*]
                }
                fn __counts() -> ::std::vec::Vec<#p::CountInclude<#model>> {
                    ::std::vec![#(#counts),*]
                }
                #reads_fn
                fn __from_model(m: #model, __orm_search: &#p::SearchValues) -> ::core::result::Result<Self, #p::Error> {
                    #(#pre)*
                    #(#computed)*
                    ::core::result::Result::Ok(#ident { #(#inits,)* })
                }
            }
        };
    }
}

/// The impl of a select the derive reported errors on: the trait, so nested selects and
/// `.select::<S>()` naming it compile, with bodies that never run.
pub fn fallback(s: &Select<'_>) -> TokenStream {
    let p = crate::internals::private(&s.krate);
    let ident = s.ident;
    let model = &s.model;
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #p::Select for #ident {
                type Model = #model;
                type __Search = #p::NoSearch;
                fn __includes() -> ::std::vec::Vec<#p::Include<#model>> {
                    ::core::unreachable!()
                }
                fn __counts() -> ::std::vec::Vec<#p::CountInclude<#model>> {
                    ::core::unreachable!()
                }
                fn __from_model(_: #model, _: &#p::SearchValues) -> ::core::result::Result<Self, #p::Error> {
                    ::core::unreachable!()
                }
            }
        };
    }
}

/// What a to-many field does to its relation query: orders it by `order_by`, spanned there.
fn shape(order_by: &Option<syn::Expr>) -> TokenStream {
    match order_by {
        Some(o) => quote_spanned! {o.span()=> |q| q.order_by(#o) },
        None => quote!(|q| q),
    }
}

/// The model's handle for a field name: `POSTS` for `posts`, spanned at the name.
fn handle(name: &syn::Ident) -> syn::Ident {
    format_ident!(
        "{}",
        naming::const_name(&name.to_string()),
        span = name.span()
    )
}
