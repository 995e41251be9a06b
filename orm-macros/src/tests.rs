//! Expansion snapshots (`insta` + `prettyplease`) of every macro on a few inputs — the blog's `User`
//! and `Post`, a composite key, an enum, a select, a `FromRow`, `sql!`, and a model with a mistake
//! (its fallback) — plus checks every expansion must pass: runtime paths only through `__private`,
//! and the `crate` override honoured. The snapshots live in `src/snapshots/`; after an intended
//! change, review the diff and accept it with `INSTA_UPDATE=always cargo test -p orm-macros`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, parse_quote};

use crate::{db_enum, from_row, model, select, sql};

/// The expansion as a Rust file, pretty-printed; an expression (`sql!`) inside `fn __expansion()`.
fn pretty(ts: TokenStream) -> String {
    let file = syn::parse2::<syn::File>(ts.clone())
        .unwrap_or_else(|_| parse_quote!(fn __expansion() { #ts }));
    prettyplease::unparse(&file)
}

/// Asserts that generated code names the runtime crate `krate` only as `<krate>::__private::..`.
fn assert_private_paths(expansion: &str, krate: &str) {
    let needle = format!("{krate}::");
    let mut rest = expansion;
    let mut seen = false;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        seen = true;
        assert!(
            rest.starts_with("__private::"),
            "a path into the runtime bypasses `__private`: `{needle}{}`",
            &rest[..rest.len().min(40)]
        );
    }
    assert!(
        seen,
        "the expansion names the runtime nowhere as `{needle}`"
    );
}

fn blog_user() -> DeriveInput {
    parse_quote! {
        /// A user account.
        #[orm(table = "users")]
        pub struct User {
            #[orm(id, default = cuid)]
            pub id: String,
            #[orm(unique)]
            pub email: String,
            #[orm(unique)]
            pub username: Option<String>,
            pub name: Option<String>,
            #[orm(db_type = "TEXT")]
            pub bio: Option<String>,
            pub image: Option<String>,
            #[orm(default = false)]
            pub verified: bool,
            #[orm(default = Role::User)]
            pub role: Role,
            #[orm(default = now)]
            pub created_at: DateTime<Utc>,
            #[orm(updated_at)]
            pub updated_at: DateTime<Utc>,
            pub last_login: Option<DateTime<Utc>>,

            #[orm(has_many)]
            pub accounts: HasMany<Account>,
            #[orm(has_many)]
            pub sessions: HasMany<Session>,
            #[orm(has_many)]
            pub posts: HasMany<Post>,
            #[orm(has_many)]
            pub comments: HasMany<Comment>,
            #[orm(has_many)]
            pub likes: HasMany<Like>,
            /// Follows whose `following` is this user.
            #[orm(has_many(inverse = following))]
            pub followers: HasMany<Follow>,
            /// Follows whose `follower` is this user.
            #[orm(has_many(inverse = follower))]
            pub following: HasMany<Follow>,
            #[orm(has_many(inverse = recipient))]
            pub notifications: HasMany<Notification>,
            #[orm(has_many(inverse = sender))]
            pub sent_notifications: HasMany<Notification>,
            #[orm(has_one)]
            pub settings: HasOne<UserSettings>,
        }
    }
}

fn blog_post() -> DeriveInput {
    parse_quote! {
        /// A blog post.
        #[orm(
            table = "posts",
            index(published, created_at),
            index(author_id, created_at),
            index(slug)
        )]
        pub struct Post {
            #[orm(id, default = cuid)]
            pub id: String,
            pub title: String,
            #[orm(db_type = "TEXT")]
            pub content: String,
            pub excerpt: Option<String>,
            #[orm(default = false)]
            pub published: bool,
            #[orm(default = false)]
            pub featured: bool,
            #[orm(default = 0)]
            pub view_count: i32,
            #[orm(unique)]
            pub slug: String,
            pub meta_title: Option<String>,
            pub meta_description: Option<String>,
            #[orm(default = now)]
            pub created_at: DateTime<Utc>,
            #[orm(updated_at)]
            pub updated_at: DateTime<Utc>,
            pub published_at: Option<DateTime<Utc>>,
            pub author_id: String,
            pub category_id: Option<String>,

            #[orm(belongs_to(fk = author_id, on_delete = Cascade))]
            pub author: BelongsTo<User>,
            #[orm(belongs_to(fk = category_id))]
            pub category: BelongsTo<Option<Category>>,
            /// The post's tags, through the `post_tags` join model.
            #[orm(has_many)]
            pub tags: HasMany<PostTag>,
            #[orm(has_many)]
            pub comments: HasMany<Comment>,
            #[orm(has_many)]
            pub likes: HasMany<Like>,
        }
    }
}

/// A composite primary key and a compound unique key, both with handles.
fn composite_key() -> DeriveInput {
    parse_quote! {
        #[orm(table = "post_tags", id(post_id, tag_id), unique(tag_id, position))]
        pub struct PostTag {
            pub post_id: String,
            pub tag_id: String,
            #[orm(default = 0)]
            pub position: i32,

            #[orm(belongs_to(fk = post_id, on_delete = Cascade))]
            pub post: BelongsTo<Post>,
            #[orm(belongs_to(fk = tag_id, on_delete = Cascade, index = false))]
            pub tag: BelongsTo<Tag>,
        }
    }
}

fn db_enum_role() -> DeriveInput {
    parse_quote! {
        #[orm(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum Role {
            User,
            Moderator,
            #[orm(rename = "ADMINISTRATOR")]
            Admin,
        }
    }
}

fn select_post_card() -> DeriveInput {
    parse_quote! {
        #[orm(model = Post)]
        pub struct PostCard {
            pub id: String,
            #[orm(field = title)]
            pub headline: String,
            #[orm(relation)]
            pub author: AuthorCard,
            #[orm(relation = category)]
            pub section: Option<CategoryChip>,
            #[orm(relation(name = tags, through = PostTag::TAG, order_by = PostTag::TAG.field(Tag::NAME).asc()))]
            pub tags: Vec<TagChip>,
            #[orm(relation)]
            pub comments: Vec<CommentCard>,
            #[orm(count = likes)]
            pub like_count: i64,
            #[orm(count(comments, filter = Comment::PARENT_ID.eq(None::<String>)))]
            pub thread_count: i64,
            #[orm(computed(with = is_recent, needs = [created_at]))]
            pub is_recent: bool,
            #[orm(computed(with = crate::engagement, needs = [view_count, count(likes)]))]
            pub engagement: Engagement,
        }
    }
}

fn from_row_stats() -> DeriveInput {
    parse_quote! {
        pub struct TagStats {
            pub name: String,
            #[orm(column = "n")]
            pub posts: i64,
            pub last_used: Option<DateTime<Utc>>,
        }
    }
}

fn sql_input() -> TokenStream {
    quote!(
        "SELECT name, COUNT(*) AS n FROM tags WHERE created_at > {since} AND name <> {{x}} LIMIT {limit + 1}"
    )
}

/// One mistake (a misspelled key) in a model other models refer to.
fn model_with_mistake() -> DeriveInput {
    parse_quote! {
        pub struct Author {
            #[orm(id, default = autoincrement)]
            pub id: i64,
            #[orm(uniqe)]
            pub email: String,
            #[orm(default = "anonymous")]
            pub name: String,
            #[orm(has_many)]
            pub posts: HasMany<Post>,
        }
    }
}

#[test]
fn expand_blog_user() {
    insta::assert_snapshot!(pretty(model::derive_model(blog_user())));
}

#[test]
fn expand_blog_post() {
    insta::assert_snapshot!(pretty(model::derive_model(blog_post())));
}

#[test]
fn expand_composite_key() {
    insta::assert_snapshot!(pretty(model::derive_model(composite_key())));
}

#[test]
fn expand_db_enum() {
    insta::assert_snapshot!(pretty(db_enum::derive_db_enum(db_enum_role())));
}

#[test]
fn expand_select() {
    insta::assert_snapshot!(pretty(select::derive_select(select_post_card())));
}

#[test]
fn expand_from_row() {
    insta::assert_snapshot!(pretty(from_row::derive_from_row(from_row_stats())));
}

#[test]
fn expand_sql() {
    insta::assert_snapshot!(pretty(sql::expand_sql(sql_input())));
}

#[test]
fn expand_model_fallback() {
    insta::assert_snapshot!(pretty(model::derive_model(model_with_mistake())));
}

/// Every expansion above names the runtime only through `__private`.
#[test]
fn paths_through_private() {
    let expansions = [
        model::derive_model(blog_user()),
        model::derive_model(blog_post()),
        model::derive_model(composite_key()),
        model::derive_model(model_with_mistake()),
        db_enum::derive_db_enum(db_enum_role()),
        select::derive_select(select_post_card()),
        from_row::derive_from_row(from_row_stats()),
        sql::expand_sql(sql_input()),
    ];
    for e in expansions {
        assert_private_paths(&pretty(e), "::orm_runtime");
    }
}

/// `crate = ..` replaces `::orm_runtime` everywhere, in every macro.
#[test]
fn crate_override() {
    fn with_crate(mut input: DeriveInput) -> DeriveInput {
        input.attrs.push(parse_quote!(#[orm(crate = "::my_orm")]));
        input
    }
    let lit = sql_input();
    let expansions = [
        model::derive_model(with_crate(blog_post())),
        model::derive_model(with_crate(composite_key())),
        model::derive_model(with_crate(model_with_mistake())),
        db_enum::derive_db_enum(with_crate(db_enum_role())),
        select::derive_select(with_crate(select_post_card())),
        from_row::derive_from_row(with_crate(from_row_stats())),
        sql::expand_sql(quote!(crate = ::my_orm; #lit)),
    ];
    for e in expansions {
        let text = pretty(e);
        assert!(!text.contains("orm_runtime"), "`crate` ignored:\n{text}");
        assert_private_paths(&text, "::my_orm");
    }
}

/// The `compile_error!` messages of an expansion, in order.
fn errors(ts: TokenStream) -> Vec<String> {
    let file: syn::File = syn::parse2(ts).expect("an expansion parses");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m)
                if m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "compile_error") =>
            {
                let lit: syn::LitStr = m.mac.parse_body().expect("a message");
                Some(lit.value())
            }
            _ => None,
        })
        .collect()
}

/// One message per mistake, in order; an unknown key does not hide the keys after it.
#[test]
fn every_mistake_reported() {
    let input: DeriveInput = parse_quote! {
        #[orm(tabel = "users", tabel = "people")]
        struct User {
            #[orm(id, uniqe, unique, unique)]
            id: i64,
        }
    };
    assert_eq!(
        errors(model::derive_model(input)),
        [
            "unknown orm attribute `tabel` on a model; expected `table`, `id(..)`, `unique(..)`, `index(..)`, `fulltext(..)`, `renamed_from` or `crate`",
            "unknown orm attribute `tabel` on a model; expected `table`, `id(..)`, `unique(..)`, `index(..)`, `fulltext(..)`, `renamed_from` or `crate`",
            "unknown orm attribute `uniqe` on a field; expected `id`, `unique`, `index`, `column`, `default`, `updated_at`, `soft_delete`, `db_type`, `renamed_from`, `belongs_to(..)`, `has_one` or `has_many`",
            "duplicate orm attribute `unique`",
            "a primary key is already unique: remove `unique`",
        ]
    );
}

/// A duplicate key is an error in every derive (it used to keep the last value silently).
#[test]
fn duplicate_keys() {
    let select: DeriveInput = parse_quote! {
        #[orm(model = Post, crate = "a", crate = "b")]
        struct S { id: i64 }
    };
    assert_eq!(
        errors(select::derive_select(select)),
        ["duplicate orm attribute `crate`"]
    );
    let e: DeriveInput = parse_quote! {
        #[orm(name = "a", name = "b")]
        enum E { A }
    };
    assert_eq!(
        errors(db_enum::derive_db_enum(e)),
        ["duplicate orm attribute `name`"]
    );
    let r: DeriveInput = parse_quote! {
        struct R { #[orm(column = "a", column = "b")] a: i64 }
    };
    assert_eq!(
        errors(from_row::derive_from_row(r)),
        ["duplicate orm attribute `column`"]
    );
}

/// Inputs that cannot be a model, an enum or a select get their errors only: there is nothing to
/// fall back on.
#[test]
fn no_fallback_without_a_shape() {
    let generic: DeriveInput = parse_quote! { struct S<T> { #[orm(id)] id: i64, t: T } };
    let out = model::derive_model(generic);
    assert_eq!(errors(out.clone()), ["a model cannot be generic"]);
    assert_eq!(syn::parse2::<syn::File>(out).unwrap().items.len(), 1);

    let data: DeriveInput = parse_quote! { enum E { A, B(i64) } };
    let out = db_enum::derive_db_enum(data);
    assert_eq!(syn::parse2::<syn::File>(out).unwrap().items.len(), 1);

    let no_model: DeriveInput = parse_quote! { struct S { id: i64 } };
    let out = select::derive_select(no_model);
    assert_eq!(syn::parse2::<syn::File>(out).unwrap().items.len(), 1);
}

#[test]
fn sql_crate_argument() {
    let out = pretty(sql::expand_sql(quote!(crate = my::orm; "SELECT {a}")));
    assert!(out.contains("my::orm::__private::RawSql::__new"), "{out}");
    // Anything else before the literal is still the one-literal error.
    let out = sql::expand_sql(quote!(krate = my::orm; "SELECT 1"));
    assert!(
        out.to_string().contains("sql! takes one string literal"),
        "{out}"
    );
}
