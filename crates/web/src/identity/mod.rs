//! Login, logout, the language switch and the user's own profile.

pub mod api_tokens;
pub mod login;
pub mod password;
pub mod profile;
