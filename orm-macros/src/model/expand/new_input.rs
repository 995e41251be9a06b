//! `New<Model>`: the values of a new row, for `Model::create`. A field with a default (or
//! `updated_at`) is an `Option`, `None` applying the default; the struct derives `Default` when every
//! other field's type has a known default.

use quote::quote;

use super::{Gen, ItemAndImpl, body};

/// Types whose `Default` is known, so `New<Model>` can implement `Default` when every required field
/// has one of them.
fn has_known_default(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    matches!(
        last.ident.to_string().as_str(),
        "String"
            | "bool"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "f32"
            | "f64"
            | "Vec"
            | "Decimal"
            | "Uuid"
            | "Value"
            | "Option"
    )
}

pub fn expand(g: &Gen<'_>) -> ItemAndImpl {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    let vis = m.vis;
    let name = ident.to_string();
    let (new_ident, _) = super::input_idents(m);

    let mut fields = Vec::new();
    let mut values = Vec::new();
    let mut derive_default = true;
    for f in &m.fields {
        let fident = f.ident;
        let ty = f.ty;
        let fvis = f.vis;
        let optional = f.default.is_some() || f.updated_at.is_some();
        let doc = format!(
            "`{fident}`{}",
            if optional {
                " (`None`: the default)"
            } else {
                ""
            }
        );
        if optional && !f.is_option {
            fields.push(quote! { #[doc = #doc] #fvis #fident: ::core::option::Option<#ty> });
            values.push(
                quote! { ::core::option::Option::map(self.#fident, #p::FieldType::into_value) },
            );
        } else if optional {
            // Already an `Option`: `None` is the default, and a value is never NULL.
            fields.push(quote! { #[doc = #doc] #fvis #fident: #ty });
            values
                .push(quote! { ::core::option::Option::map(self.#fident, #p::Scalar::into_value) });
        } else {
            if !f.is_option && !has_known_default(ty) {
                derive_default = false;
            }
            fields.push(quote! { #[doc = #doc] #fvis #fident: #ty });
            values.push(
                quote! { ::core::option::Option::Some(#p::FieldType::into_value(self.#fident)) },
            );
        }
    }

    let doc = format!(
        "The values of a new `{name}` row, for `{name}::create`. Fields with a default are `Option`s: `None` applies the default."
    );
    let derive_default = if derive_default {
        quote!(#[derive(::core::default::Default)])
    } else {
        quote!()
    };
    let into_values = body(g, quote!(::std::vec![#(#values),*]));
    ItemAndImpl {
        item: quote! {
            #[doc = #doc]
            #derive_default
            #[derive(::core::fmt::Debug, ::core::clone::Clone)]
            #vis struct #new_ident {
                #(#fields,)*
            }
        },
        impl_input: quote! {
            #[automatically_derived]
            impl #p::CreateInput<#ident> for #new_ident {
                fn into_values(self) -> ::std::vec::Vec<::core::option::Option<#p::Value>> {
                    #into_values
                }
            }
        },
    }
}
