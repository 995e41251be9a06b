//! `<Model>Update`: the changes to a row, for `Model::update(..).data(..)`; every field is a `Patch`,
//! unchanged by default.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Gen, ItemAndImpl, body};

pub fn expand(g: &Gen<'_>) -> ItemAndImpl {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    let vis = m.vis;
    let name = ident.to_string();
    let (_, update_ident) = super::input_idents(m);

    let fields = m.fields.iter().map(|f| {
        let (fident, ty, fvis) = (f.ident, f.ty, f.vis);
        let doc = format!("The change to `{fident}`.");
        quote! { #[doc = #doc] #fvis #fident: #p::Patch<#ty> }
    });
    let changes: Vec<TokenStream> = m
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let fident = f.ident;
            quote! {
                if let ::core::option::Option::Some(c) = self.#fident.into_change() { changes.push((#i, c)); }
            }
        })
        .collect();

    let doc = format!(
        "Changes to a `{name}` row, for `{name}::update(..).data(..)`. Every field defaults to unchanged."
    );
    let into_changes = body(
        g,
        quote! {
            let mut changes = ::std::vec::Vec::new();
            #(#changes)*
            changes
        },
    );
    ItemAndImpl {
        item: quote! {
            #[doc = #doc]
            #[derive(::core::default::Default, ::core::fmt::Debug, ::core::clone::Clone)]
            #vis struct #update_ident {
                #(#fields,)*
            }
        },
        impl_input: quote! {
            #[automatically_derived]
            impl #p::UpdateInput<#ident> for #update_ident {
                fn into_changes(self) -> ::std::vec::Vec<(usize, #p::Change)> {
                    #into_changes
                }
            }
        },
    }
}
