//! The commercial department's storage: client cards with requisites, their history and
//! contacts, tariff plans, contracts and their amendments, the deal pipeline and
//! claims.

pub mod amendments;
pub mod claims;
pub mod clients;
pub mod contacts;
pub mod contracts;
pub mod deals;
pub mod reports;
pub mod tariffs;

pub use clients::{Client, ClientListQuery};
pub use contacts::Contact;
