use orm_runtime::prelude::*;

#[derive(Model, Debug)]
#[orm(unique(provider, provider_account_id))]
pub struct Account {
    #[orm(id, default = autoincrement)]
    pub id: i64,
    pub provider: String,
    pub provider_account_id: String,
}

fn main() {
    let _ = Account::PROVIDER_PROVIDER_ACCOUNT_ID.eq("github");
}
