use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(unique(provider, nope))]
pub struct Account {
    #[orm(id)]
    pub id: i64,
    pub provider: String,
    pub provider_account_id: String,
}

fn main() {}
