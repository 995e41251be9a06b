use orm_runtime::prelude::*;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
pub enum Level<T> {
    Low,
    High,
    #[doc(hidden)]
    _Marker(std::marker::PhantomData<T>),
}

fn main() {}
