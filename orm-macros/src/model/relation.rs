//! Relation fields: `#[orm(belongs_to(fk = ..))]`, `#[orm(has_one)]`, `#[orm(has_many)]` on fields of
//! type `BelongsTo<T>` / `BelongsTo<Option<T>>`, `HasOne<T>`, `HasMany<T>`.

use proc_macro2::Span;
use syn::Ident;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    BelongsTo,
    HasOne,
    HasMany,
}

impl Wrapper {
    pub fn attr(self) -> &'static str {
        match self {
            Wrapper::BelongsTo => "belongs_to",
            Wrapper::HasOne => "has_one",
            Wrapper::HasMany => "has_many",
        }
    }
    pub fn type_name(self) -> &'static str {
        match self {
            Wrapper::BelongsTo => "BelongsTo",
            Wrapper::HasOne => "HasOne",
            Wrapper::HasMany => "HasMany",
        }
    }
}

/// `#[orm(belongs_to(..))]` / `has_one` / `has_many` as written.
pub struct RelAttr {
    pub kind: Wrapper,
    pub span: Span,
    pub fk: Option<Ident>,
    pub on_delete: Option<Ident>,
    pub on_update: Option<Ident>,
    pub index: Option<bool>,
    pub inverse: Option<Ident>,
}

pub const ACTIONS: &[&str] = &["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"];

/// Parses the relation keys of a field attribute (`meta` is at `belongs_to`, `has_one` or `has_many`).
pub fn parse_attr(
    cx: &mut Ctxt,
    kind: Wrapper,
    meta: &syn::meta::ParseNestedMeta<'_>,
) -> syn::Result<RelAttr> {
    let mut attr = RelAttr {
        kind,
        span: meta.path.span(),
        fk: None,
        on_delete: None,
        on_update: None,
        index: None,
        inverse: None,
    };
    if !meta.input.peek(syn::token::Paren) {
        return Ok(attr);
    }
    meta.parse_nested_meta(|inner| {
        let key = inner
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        let dup = |cx: &mut Ctxt, taken: bool| {
            if taken {
                cx.error(
                    &inner.path,
                    format!("duplicate `{key}` in `{}`", kind.attr()),
                );
            }
        };
        match (kind, key.as_str()) {
            (Wrapper::BelongsTo, "fk") => {
                let v: Ident = inner.value()?.parse()?;
                dup(cx, attr.fk.replace(v).is_some());
            }
            (Wrapper::BelongsTo, "on_delete" | "on_update") => {
                let v: Ident = inner.value()?.parse()?;
                if !ACTIONS.contains(&v.to_string().as_str()) {
                    cx.error(
                        &v,
                        format!(
                            "unknown referential action `{v}`; expected one of {}",
                            ACTIONS.join(", ")
                        ),
                    );
                }
                let slot = if key == "on_delete" {
                    &mut attr.on_delete
                } else {
                    &mut attr.on_update
                };
                dup(cx, slot.replace(v).is_some());
            }
            (Wrapper::BelongsTo, "index") => {
                let v: syn::LitBool = inner.value()?.parse()?;
                dup(cx, attr.index.replace(v.value).is_some());
            }
            (Wrapper::HasOne | Wrapper::HasMany, "inverse") => {
                let v: Ident = inner.value()?.parse()?;
                dup(cx, attr.inverse.replace(v).is_some());
            }
            _ => {
                let expected = match kind {
                    Wrapper::BelongsTo => "`fk`, `on_delete`, `on_update` or `index`",
                    _ => "`inverse`",
                };
                return Err(inner.error(format!(
                    "unknown key `{key}` in `{}`; expected {expected}",
                    kind.attr()
                )));
            }
        }
        Ok(())
    })?;
    Ok(attr)
}

/// A relation wrapper type: `(wrapper, target model type, optional)`.
pub fn wrapper(ty: &syn::Type) -> Option<(Wrapper, &syn::Type, bool)> {
    let (kind, inner) = [Wrapper::BelongsTo, Wrapper::HasOne, Wrapper::HasMany]
        .into_iter()
        .find_map(|k| super::generic_arg(ty, k.type_name()).map(|t| (k, t)))?;
    if kind == Wrapper::BelongsTo
        && let Some(t) = super::generic_arg(inner, "Option")
    {
        return Some((kind, t, true));
    }
    Some((kind, inner, kind != Wrapper::BelongsTo))
}

/// A validated relation field.
pub struct RelField<'a> {
    pub ident: &'a Ident,
    pub ty: &'a syn::Type,
    pub vis: &'a syn::Visibility,
    pub kind: Wrapper,
    pub target: &'a syn::Type,
    pub optional: bool,
    /// `BelongsTo`: the foreign-key column index and the `fk = ..` ident.
    pub fk: Option<(usize, Ident)>,
    pub on_delete: String,
    pub on_update: String,
    pub fk_index: bool,
    pub inverse: Option<Ident>,
}
