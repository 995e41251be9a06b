//! `sql!("... {expr} ...")`: literal text with bound holes.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::LitStr;

pub fn expand(input: TokenStream) -> TokenStream {
    match expand_inner(input) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

fn expand_inner(input: TokenStream) -> syn::Result<TokenStream> {
    let lit: LitStr = syn::parse2(input).map_err(|e| {
        syn::Error::new(e.span(), "sql! takes one string literal; write values as `{expr}` holes so they are bound, never spliced")
    })?;
    let text = lit.value();
    let mut parts = vec![String::new()];
    let mut binds = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                parts.last_mut().unwrap().push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                parts.last_mut().unwrap().push('}');
            }
            '{' => {
                let mut expr = String::new();
                let mut depth = 0;
                loop {
                    match chars.next() {
                        Some('}') if depth == 0 => break,
                        Some(c) => {
                            if c == '{' {
                                depth += 1;
                            } else if c == '}' {
                                depth -= 1;
                            }
                            expr.push(c);
                        }
                        None => {
                            return Err(syn::Error::new(
                                lit.span(),
                                "unclosed `{` in sql!: write `{{` for a literal brace",
                            ));
                        }
                    }
                }
                let parsed: syn::Expr = syn::parse_str(&expr).map_err(|e| {
                    syn::Error::new(
                        lit.span(),
                        format!("invalid expression `{expr}` in sql!: {e}"),
                    )
                })?;
                binds.push(parsed);
                parts.push(String::new());
            }
            '}' => {
                return Err(syn::Error::new(
                    lit.span(),
                    "unmatched `}` in sql!: write `}}` for a literal brace",
                ));
            }
            c => parts.last_mut().unwrap().push(c),
        }
    }
    let binds = binds.iter().map(|e| {
        quote_spanned! {lit.span()=> ::orm_runtime::RawBind::into_bind(#e) }
    });
    Ok(quote! {
        ::orm_runtime::RawSql::__new(&[#(#parts),*], ::std::vec![#(#binds),*])
    })
}
