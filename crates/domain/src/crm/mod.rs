//! The commercial department's rules: client requisites, phone numbers, deals, tariff
//! plans, contracts with their amendments, and claims.

pub mod phone;
pub mod requisites;

pub use phone::{Phone, PhoneCountry};
pub use requisites::{ClientKind, Requisites, RequisitesInput};
