//! `impl Model`: the descriptor, the input types, decoding a row by position and reading a column's
//! value back.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Gen, body, columns};

pub fn impl_model(g: &Gen<'_>) -> TokenStream {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    let name = ident.to_string();
    let (new_ident, update_ident) = super::input_idents(m);
    // A fallback's bodies never run, so they name no parameter.
    let (row, offset, index) = if g.fallback {
        (quote!(_), quote!(_), quote!(_))
    } else {
        (quote!(row), quote!(offset), quote!(index))
    };

    let mut decode_fields: Vec<TokenStream> = m
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let fident = f.ident;
            let column = &f.column;
            let field_type = columns::field_type(g, f);
            quote! {
                #fident: #field_type::decode(row, offset + #i).map_err(|e| #p::decode_error(#name, #column, e))?
            }
        })
        .collect();
    // Relations load separately (`include`); a decoded row starts with them unloaded.
    decode_fields.extend(m.relations.iter().map(|r| {
        let rident = r.ident;
        quote! { #rident: ::core::default::Default::default() }
    }));
    let decode = body(
        g,
        quote!(::core::result::Result::Ok(#ident { #(#decode_fields,)* })),
    );

    let value_arms = m.fields.iter().enumerate().map(|(i, f)| {
        let fident = f.ident;
        quote! { #i => #p::FieldType::to_value(&self.#fident) }
    });
    let column_value = body(
        g,
        quote! {
            match index {
                #(#value_arms,)*
                _ => ::core::panic!("column index out of range"),
            }
        },
    );

    quote! {
        #[automatically_derived]
        impl #p::Model for #ident {
            const DEF: &'static #p::ModelDef = &__ORM_MODEL;
            type Create = #new_ident;
            type Update = #update_ident;

            fn decode(#row: #p::RowRef<'_>, #offset: usize) -> ::core::result::Result<Self, #p::Error> {
                #decode
            }

            fn column_value(&self, #index: usize) -> #p::Value {
                #column_value
            }
        }
    }
}
