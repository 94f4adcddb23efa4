//! Commercial pages: the client list with search, the client card with its contacts and
//! change log, and the create and edit forms.

pub mod access;
