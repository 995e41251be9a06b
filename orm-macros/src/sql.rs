//! `sql!("... {expr} ...")`: literal text with bound holes. An optional leading `crate = path;` names
//! the runtime crate, like `#[orm(crate = "...")]` on the derives: `sql!(crate = ::my_orm; "...")`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{ParseStream, Parser};
use syn::{LitStr, Token};

use crate::internals::ty::respan;

const ONE_LITERAL: &str = "sql! takes one string literal; write values as `{expr}` holes so they are bound, never spliced";

/// `sql!(..)` on `input`.
pub fn expand_sql(input: TokenStream) -> TokenStream {
    expand(input).unwrap_or_else(syn::Error::into_compile_error)
}

/// `[crate = path;] "literal"`.
fn parse(input: ParseStream<'_>) -> syn::Result<(Option<syn::Path>, LitStr)> {
    let krate = if input.peek(Token![crate]) && input.peek2(Token![=]) {
        input.parse::<Token![crate]>()?;
        input.parse::<Token![=]>()?;
        let path = syn::Path::parse_mod_style(input)?;
        input.parse::<Token![;]>()?;
        Some(path)
    } else {
        None
    };
    let lit: LitStr = input
        .parse()
        .map_err(|e| syn::Error::new(e.span(), ONE_LITERAL))?;
    if !input.is_empty() {
        return Err(input.error(ONE_LITERAL));
    }
    Ok((krate, lit))
}

fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let (krate, lit) = parse.parse2(input)?;
    let p = crate::internals::private(&crate::internals::krate_or_default(krate));
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
    // The whole call spanned at the literal, so an unbindable value is reported there.
    let p_bind = respan(p.clone(), lit.span());
    let binds = binds.iter().map(|e| {
        quote_spanned! {lit.span()=> #p_bind::RawBind::into_bind(#e) }
    });
    Ok(quote! {
        #p::RawSql::__new(&[#(#parts),*], ::std::vec![#(#binds),*])
    })
}
