//! `#[derive(FromRow)]`: decode raw query rows by column name.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, LitStr};

use crate::ctxt::Ctxt;

pub fn derive(input: DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let krate: syn::Path = syn::parse_quote!(::orm_runtime);
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(named),
        ..
    }) = &input.data
    else {
        cx.error(
            &input.ident,
            "#[derive(FromRow)] needs a struct with named fields",
        );
        return cx.check().unwrap_err();
    };
    let mut fields = Vec::new();
    for f in &named.named {
        let ident = f.ident.as_ref().expect("named");
        let mut column = ident.to_string();
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("orm")) {
            if let Err(e) = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("column") {
                    column = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("unknown orm attribute on a FromRow field; expected `column`"))
                }
            }) {
                cx.push(e);
            }
        }
        let ty = &f.ty;
        let p = quote!(#krate::__private);
        let decode = quote_spanned! {ty.span()=> <#ty as #p::FieldType>::decode };
        fields.push(quote! {
            #ident: {
                let i = row.index_of(#column).map_err(|e| #p::decode_error("row", #column, e))?;
                #decode(row, i).map_err(|e| #p::decode_error("row", #column, e))?
            }
        });
    }
    if let Err(e) = cx.check() {
        return e;
    }
    let ident = &input.ident;
    quote! {
        #[automatically_derived]
        impl #krate::FromRow for #ident {
            fn from_row(row: #krate::__private::RowRef<'_>) -> ::core::result::Result<Self, #krate::Error> {
                ::core::result::Result::Ok(#ident { #(#fields,)* })
            }
        }
    }
}
