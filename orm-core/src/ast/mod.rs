//! The query AST: filters, changes and order terms as untyped data. The typed builders (`query`,
//! `relation`) produce it; the SQL writer (`sql`) renders it. It sits below both.

mod agg;
mod change;
mod expr;
mod lock;
mod order;
pub(crate) mod search;

pub use agg::{AggExpr, GroupOrderTerm};
pub(crate) use agg::{AggFunc, GroupOrder, HavingTerm};
pub use change::Change;
pub use expr::{CmpOp, Expr, LikeOp};
pub(crate) use lock::{Lock, LockStrength, LockWait};
pub use order::{Nulls, Order};
pub(crate) use order::{OrderKey, OrderTerm};
pub use search::{TextQuery, TextSearch};
