//! The commercial department's storage: client cards with requisites, their history and
//! contacts.

pub mod clients;
pub mod contacts;

pub use clients::{Client, ClientListQuery};
pub use contacts::Contact;
