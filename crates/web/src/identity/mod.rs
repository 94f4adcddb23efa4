//! Login, logout, the language switch and the user's own profile.

pub mod login;
pub mod password;
