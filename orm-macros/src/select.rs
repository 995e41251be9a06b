//! `#[derive(Select)]`: a struct shaped after a model — columns, nested relation selects, counts.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, LitStr};

use crate::ctxt::Ctxt;
use crate::model::generic_arg;
use crate::naming;

enum Kind {
    Column(Ident),
    Relation {
        name: Ident,
        through: Option<syn::Path>,
    },
    Count {
        name: Ident,
        filter: Option<syn::Expr>,
    },
}

enum Card<'a> {
    One,
    Optional(&'a syn::Type),
    Many(&'a syn::Type),
}

/// The same tokens, all spanned at `span`, so errors in generated calls land on the user's token.
fn respan(ts: TokenStream, span: proc_macro2::Span) -> TokenStream {
    ts.into_iter()
        .map(|mut t| {
            if let proc_macro2::TokenTree::Group(g) = &t {
                let mut ng = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(span);
                t = proc_macro2::TokenTree::Group(ng);
            } else {
                t.set_span(span);
            }
            t
        })
        .collect()
}

pub fn derive(input: DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let mut model: Option<syn::Path> = None;
    let mut krate: syn::Path = syn::parse_quote!(::orm_runtime);
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("orm")) {
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("model") {
                model = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("crate") {
                krate = meta.value()?.parse::<LitStr>()?.parse()?;
            } else {
                return Err(meta
                    .error("unknown orm attribute on a select; expected `model = ..` or `crate`"));
            }
            Ok(())
        });
        if let Err(e) = r {
            cx.push(e);
        }
    }
    let Some(model) = model else {
        cx.error(
            &input.ident,
            "a select needs `#[orm(model = <Model>)]`: the model it reads",
        );
        return cx.check().unwrap_err();
    };
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(named),
        ..
    }) = &input.data
    else {
        cx.error(
            &input.ident,
            "#[derive(Select)] needs a struct with named fields",
        );
        return cx.check().unwrap_err();
    };
    if !input.generics.params.is_empty() {
        cx.error(&input.generics, "a select cannot be generic");
    }

    let p = quote!(#krate::__private);
    let g = quote!(#p::select);
    let ident = &input.ident;
    let model_name = quote!(#model).to_string().replace(' ', "");
    let mut includes = Vec::new();
    let mut counts = Vec::new();
    let mut checks = Vec::new();
    let mut inits = Vec::new();
    let mut pre = Vec::new();

    for f in &named.named {
        let fident = f.ident.as_ref().expect("named");
        let fname = fident.to_string();
        let ty = &f.ty;
        let mut kind: Option<Kind> = None;
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("orm")) {
            let r = attr.parse_nested_meta(|meta| {
                let set = |cx: &mut Ctxt, kind: &mut Option<Kind>, k: Kind| {
                    if kind.replace(k).is_some() {
                        cx.error(&meta.path, "a select field is one of: a column (`field`), a `relation` or a `count`");
                    }
                };
                if meta.path.is_ident("field") {
                    let v: Ident = meta.value()?.parse()?;
                    set(&mut cx, &mut kind, Kind::Column(v));
                } else if meta.path.is_ident("relation") {
                    let mut name = fident.clone();
                    let mut through: Option<syn::Path> = None;
                    if meta.input.peek(syn::Token![=]) {
                        name = meta.value()?.parse()?;
                    } else if meta.input.peek(syn::token::Paren) {
                        meta.parse_nested_meta(|inner| {
                            if inner.path.is_ident("name") {
                                name = inner.value()?.parse()?;
                            } else if inner.path.is_ident("through") {
                                through = Some(inner.value()?.parse()?);
                            } else {
                                return Err(inner.error("unknown key in `relation(..)`; expected `name` or `through`"));
                            }
                            Ok(())
                        })?;
                    }
                    set(&mut cx, &mut kind, Kind::Relation { name, through });
                } else if meta.path.is_ident("count") {
                    if meta.input.peek(syn::Token![=]) {
                        let name: Ident = meta.value()?.parse()?;
                        set(&mut cx, &mut kind, Kind::Count { name, filter: None });
                    } else {
                        let content;
                        syn::parenthesized!(content in meta.input);
                        let name: Ident = content.parse()?;
                        let mut filter = None;
                        if content.parse::<Option<syn::Token![,]>>()?.is_some() && !content.is_empty() {
                            let key: Ident = content.parse()?;
                            if key != "filter" {
                                return Err(syn::Error::new(key.span(), "expected `filter = <Filter>`"));
                            }
                            content.parse::<syn::Token![=]>()?;
                            filter = Some(content.parse()?);
                        }
                        set(&mut cx, &mut kind, Kind::Count { name, filter });
                    }
                } else {
                    return Err(meta.error("unknown orm attribute on a select field; expected `field = ..`, `relation`, `relation = ..`, `relation(name = .., through = ..)` or `count = ..`"));
                }
                Ok(())
            });
            if let Err(e) = r {
                cx.push(e);
            }
        }
        match kind.unwrap_or_else(|| Kind::Column(fident.clone())) {
            Kind::Column(col) => {
                let c = format_ident!(
                    "{}",
                    naming::const_name(&col.to_string()),
                    span = col.span()
                );
                checks.push(
                    quote_spanned! {ty.span()=> #g::column::<#model, #ty, _>(<#model>::#c); },
                );
                inits.push(quote! { #fident: m.#col });
            }
            Kind::Count { name, filter } => {
                let c = format_ident!(
                    "{}",
                    naming::const_name(&name.to_string()),
                    span = name.span()
                );
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
            Kind::Relation { name, through } => {
                // The glue's path spanned at the field type, so type errors land there.
                let gs = respan(g.clone(), ty.span());
                let c = format_ident!(
                    "{}",
                    naming::const_name(&name.to_string()),
                    span = name.span()
                );
                let card = if let Some(t) = generic_arg(ty, "Vec") {
                    Card::Many(t)
                } else if let Some(t) = generic_arg(ty, "Option") {
                    Card::Optional(t)
                } else {
                    Card::One
                };
                match (through, card) {
                    (Some(through), Card::Many(s)) => {
                        includes.push(quote_spanned! {through.span()=> #g::include_through::<#model, _, _, #s>(<#model>::#c, #through) });
                        inits.push(quote_spanned! {ty.span()=> #fident: #g::take_through::<_, _, #s>(m.#name, #through, #model_name, #fname)? });
                    }
                    (Some(through), _) => {
                        cx.error(&through, "`through` selects a to-many relation through a join model: the field must be a `Vec<..>`");
                    }
                    (None, Card::Many(s)) => {
                        includes.push(quote_spanned! {ty.span()=> #gs::include_many::<#model, _, #s>(<#model>::#c) });
                        inits.push(quote_spanned! {ty.span()=> #fident: #gs::take_many::<_, #s>(m.#name)? });
                    }
                    (None, Card::Optional(s)) => {
                        includes.push(quote_spanned! {ty.span()=> #gs::include_optional::<#model, _, #s>(<#model>::#c) });
                        inits.push(quote_spanned! {ty.span()=> #fident: #gs::take_optional::<_, #s>(m.#name)? });
                    }
                    (None, Card::One) => {
                        includes.push(quote_spanned! {ty.span()=> #gs::include_one::<#model, _, #ty>(<#model>::#c) });
                        inits.push(quote_spanned! {ty.span()=> #fident: #gs::take_one::<_, #ty>(m.#name, #model_name, #fname)? });
                    }
                }
            }
        }
    }
    if let Err(e) = cx.check() {
        return e;
    }
    quote! {
        const _: () = {
            #[allow(dead_code)]
            fn __orm_select_checks() {
                #(#checks)*
            }

            #[automatically_derived]
            impl #krate::Select for #ident {
                type Model = #model;
                fn __includes() -> ::std::vec::Vec<#krate::relation::Include<#model>> {
                    ::std::vec![#(#includes),*]
                }
                fn __counts() -> ::std::vec::Vec<#krate::relation::CountInclude<#model>> {
                    ::std::vec![#(#counts),*]
                }
                fn __from_model(m: #model) -> ::core::result::Result<Self, #krate::Error> {
                    #(#pre)*
                    ::core::result::Result::Ok(#ident { #(#inits,)* })
                }
            }
        };
    }
}
