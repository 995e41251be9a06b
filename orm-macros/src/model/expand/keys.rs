//! Keys: the `UniqueDef`s and `IndexDef`s, the composite primary key's descriptor, a handle per
//! compound key (`Like::USER_ID_POST_ID`), and `SingleKey` (what a `belongs_to` can reference).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Gen;
use crate::internals::naming;

pub fn unique_defs(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    g.m.uniques
        .iter()
        .map(|u| {
            let n = &u.name;
            let cols = &u.fields;
            quote!(#p::UniqueDef { name: #n, columns: &[#(#cols),*] })
        })
        .collect()
}

pub fn index_defs(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    g.m.indexes
        .iter()
        .map(|u| {
            let n = &u.name;
            let cols = &u.fields;
            let fulltext = match &u.fulltext {
                Some((language, weights)) => quote! {
                    ::core::option::Option::Some(#p::FullTextDef { language: #language, weights: &[#(#weights),*] })
                },
                None => quote!(::core::option::Option::None),
            };
            quote!(#p::IndexDef { name: #n, columns: &[#(#cols),*], fulltext: #fulltext })
        })
        .collect()
}

/// The composite primary key as a `UniqueDef`, for its handle.
pub fn pk_def(g: &Gen<'_>) -> TokenStream {
    let p = &g.p;
    let pk = &g.m.primary_key;
    if pk.len() > 1 {
        let pk_name = format!("{}_pkey", g.m.table);
        quote! { static __ORM_PK_KEY: #p::UniqueDef = #p::UniqueDef { name: #pk_name, columns: &[#(#pk),*] }; }
    } else {
        quote!()
    }
}

/// A handle per compound unique key, then one for a composite primary key, named after their fields.
pub fn consts(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    let vis = m.vis;
    let mut keys: Vec<(&[usize], TokenStream)> = m
        .uniques
        .iter()
        .enumerate()
        .filter(|(_, u)| u.fields.len() > 1)
        .map(|(k, u)| (u.fields.as_slice(), quote!(&__ORM_UNIQUES[#k])))
        .collect();
    if m.primary_key.len() > 1 {
        keys.push((&m.primary_key, quote!(&__ORM_PK_KEY)));
    }
    let fulltexts = m
        .indexes
        .iter()
        .enumerate()
        .filter(|(_, i)| i.fulltext.is_some())
        .map(|(k, i)| {
            let names: Vec<String> = i
                .fields
                .iter()
                .map(|&c| naming::const_name(&m.fields[c].ident.to_string()))
                .collect();
            let const_ident = format_ident!("{}_FTS", names.join("_"));
            let doc = format!(
                "The full-text index over ({}): `matches` filters, `relevance` orders.",
                names.join(", ").to_lowercase()
            );
            quote! {
                #[doc = #doc]
                #vis const #const_ident: #p::FullText<#ident> = #p::FullText::new(&__ORM_INDEXES[#k]);
            }
        });
    keys.into_iter()
        .map(|(cols, def)| {
            let names: Vec<String> = cols
                .iter()
                .map(|&c| naming::const_name(&m.fields[c].ident.to_string()))
                .collect();
            let const_ident = format_ident!("{}", names.join("_"));
            let tys = cols.iter().map(|&c| m.fields[c].ty);
            let doc = format!("The compound key ({}).", names.join(", ").to_lowercase());
            quote! {
                #[doc = #doc]
                #vis const #const_ident: #p::UniqueKey<#ident, (#(#tys,)*)> = #p::UniqueKey::new(#def);
            }
        })
        .chain(fulltexts)
        .collect()
}

/// A full-text index reads text fields only (spanned at the field's type).
pub fn assertions(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    g.m.indexes
        .iter()
        .filter(|i| i.fulltext.is_some())
        .flat_map(|i| i.fields.iter())
        .map(|&c| {
            let ty = g.m.fields[c].ty;
            quote::quote_spanned! {syn::spanned::Spanned::span(ty)=> #p::assert_text::<#ty>(); }
        })
        .collect()
}

/// `SingleKey` for a model whose primary key is one column.
pub fn single_key(g: &Gen<'_>) -> TokenStream {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    if let [pk] = m.primary_key[..] {
        let key_ty = m.fields[pk].ty;
        quote! {
            #[automatically_derived]
            impl #p::SingleKey for #ident { type Key = #key_ty; }
        }
    } else {
        quote!()
    }
}
