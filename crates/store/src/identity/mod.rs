//! Users, client companies, sessions, API tokens, failed logins and the audit log.

pub mod audit;
pub mod clients;
pub mod password_links;
pub mod sessions;
pub mod tokens;
pub mod users;

pub use audit::Author;
pub use users::User;
