//! SeaORM 2.x, dense entity format (`#[sea_orm::model]`), written the way its documentation teaches:
//! `find().all()`, `find_also_related` for the join, the Entity Loader (`load().with(..)`) for nested
//! eager loading, `insert_many(..).exec_without_returning()` for batches.

use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::data::{AnyResult, Fp, hair};

pub mod user {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
        #[sea_orm(has_many)]
        pub posts: HasMany<super::post::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod post {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
        #[sea_orm(belongs_to, from = "user_id", to = "id")]
        pub user: BelongsTo<super::user::Entity>,
        #[sea_orm(has_many)]
        pub comments: HasMany<super::comment::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod comment {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub post_id: i32,
        pub text: String,
        #[sea_orm(belongs_to, from = "post_id", to = "id")]
        pub post: BelongsTo<super::post::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub async fn connect(url: &str, pool: u32) -> AnyResult<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(pool);
    Ok(Database::connect(opts).await?)
}

pub async fn trivial(db: &DatabaseConnection) -> AnyResult<Fp> {
    let users = user::Entity::find().all(db).await?;
    let mut fp = Fp::default();
    for u in &users {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
    }
    Ok(fp)
}

pub async fn medium(db: &DatabaseConnection) -> AnyResult<Fp> {
    let rows: Vec<(user::Model, Option<post::Model>)> = user::Entity::find()
        .find_also_related(post::Entity)
        .filter(user::Column::HairColor.eq("black"))
        .all(db)
        .await?;
    let mut fp = Fp::default();
    for (u, p) in &rows {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
        if let Some(p) = p {
            fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
        }
    }
    Ok(fp)
}

/// The Entity Loader: users, then posts `WHERE user_id IN (..)`, then comments `WHERE post_id IN (..)`.
pub async fn associations(db: &DatabaseConnection) -> AnyResult<Fp> {
    let users = user::Entity::load()
        .with((post::Entity, comment::Entity))
        .all(db)
        .await?;
    let mut fp = Fp::default();
    for u in &users {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
        for p in u.posts.iter() {
            fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
            fp.nest(u.id, p.id);
            for c in p.comments.iter() {
                fp.comment(c.id, c.post_id, &c.text);
                fp.nest(p.id, c.id);
            }
        }
    }
    Ok(fp)
}

pub async fn insert(db: &DatabaseConnection, n: usize, seq: usize) -> AnyResult<Fp> {
    let rows = (0..n).map(|i| user::ActiveModel {
        id: NotSet,
        name: Set(format!("New user {}", seq + i)),
        hair_color: Set(hair(i).map(str::to_string)),
    });
    let inserted = user::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(Fp::rows(inserted))
}
