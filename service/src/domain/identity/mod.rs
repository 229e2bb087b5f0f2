//! Who books an appointment: resident ID numbers, unified social credit codes and citizen
//! names as parse-don't-validate types, plus the keyed hash under which ID numbers are stored.
//! Mobile numbers are [`crate::domain::Phone`].
//!
//! Every type here renders masked in `Debug` and `Display`, so a value that reaches a log or an
//! error message never shows in full:
//!
//! | type            | masked form          | full value                          |
//! |-----------------|----------------------|-------------------------------------|
//! | [`ResidentId`]  | `110***********002X` | never; store [`IdHasher::hash`]     |
//! | [`CreditCode`]  | `91************0Y43` | [`CreditCode::as_str`] (public data) |
//! | [`CitizenName`] | `张**`, `J** S**`    | [`CitizenName::as_str`]             |

mod credit_code;
mod hashing;
mod name;
mod resident_id;

pub use credit_code::CreditCode;
pub use hashing::IdHasher;
pub use name::CitizenName;
pub use resident_id::ResidentId;
