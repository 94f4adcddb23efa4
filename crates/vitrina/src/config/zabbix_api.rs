//! The Zabbix API settings: where the API is and how Vitrina signs in, read from the
//! `zabbix_api_*` keys. Without a URL, Vitrina sends nothing back to Zabbix.

use std::path::PathBuf;

use integrations::zabbix::Auth;
use secrecy::{ExposeSecret, SecretString};

use super::ConfigError;

/// The Zabbix API address and credentials. `Debug` hides the password and token.
#[derive(Debug, Clone)]
pub struct ZabbixApi {
    /// The frontend's address or the `api_jsonrpc.php` endpoint.
    pub url: String,
    pub auth: Auth,
}

/// The `zabbix_api_*` keys as read, before checking.
#[derive(Debug, Default)]
pub(super) struct RawZabbixApi {
    pub url: Option<String>,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub password_file: Option<PathBuf>,
    pub token: Option<SecretString>,
    pub token_file: Option<PathBuf>,
}

impl RawZabbixApi {
    /// Checks the keys: a URL with either a token or a user name and password, or no keys at
    /// all.
    pub fn check(self) -> Result<Option<ZabbixApi>, ConfigError> {
        let url = self.url.map(|url| url.trim().to_string());
        let username = self
            .username
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty());
        let password = secret("zabbix_api_password", self.password, self.password_file)?;
        let token = secret("zabbix_api_token", self.token, self.token_file)?;

        let Some(url) = url.filter(|url| !url.is_empty()) else {
            if username.is_some() || password.is_some() || token.is_some() {
                return Err(invalid(
                    "zabbix_api_url",
                    "",
                    "Zabbix API credentials are set but the API address is not; set \
                     zabbix_api_url, such as https://zabbix.example.ru/, or remove the \
                     credentials",
                ));
            }
            return Ok(None);
        };
        check_url(&url)?;

        let auth = match (username, password, token) {
            (None, None, Some(token)) => Auth::Token(token),
            (Some(username), Some(password), None) => Auth::Password { username, password },
            (_, _, Some(_)) => {
                return Err(invalid(
                    "zabbix_api_token",
                    "[redacted]",
                    "set either an API token or a user name and password, not both",
                ));
            }
            (Some(username), None, None) => {
                return Err(invalid(
                    "zabbix_api_password",
                    "",
                    &format!("user {username} needs a password; set zabbix_api_password"),
                ));
            }
            (None, Some(_), None) => {
                return Err(invalid(
                    "zabbix_api_username",
                    "",
                    "a password is set without a user name; set zabbix_api_username",
                ));
            }
            (None, None, None) => {
                return Err(invalid(
                    "zabbix_api_token",
                    "",
                    "the Zabbix API address needs credentials; set zabbix_api_token, or \
                     zabbix_api_username and zabbix_api_password",
                ));
            }
        };
        Ok(Some(ZabbixApi { url, auth }))
    }
}

fn invalid(key: &'static str, value: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        key,
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

fn check_url(url: &str) -> Result<(), ConfigError> {
    let reason = "expected an http(s) URL such as https://zabbix.example.ru/";
    let parsed = url::Url::parse(url).map_err(|_| invalid("zabbix_api_url", url, reason))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(invalid("zabbix_api_url", url, reason));
    }
    Ok(())
}

/// Reads a secret given inline or in a file (one trailing newline dropped). Setting both, an
/// unreadable file or an empty value is an error.
pub(super) fn secret(
    key: &'static str,
    inline: Option<SecretString>,
    file: Option<PathBuf>,
) -> Result<Option<SecretString>, ConfigError> {
    let secret =
        match (inline, file) {
            (Some(_), Some(_)) => return Err(ConfigError::TwoSources { key }),
            (Some(secret), None) => secret,
            (None, Some(path)) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| ConfigError::KeyFile { key, path, source })?;
                SecretString::from(text.trim_end_matches(['\r', '\n']).to_string())
            }
            (None, None) => return Ok(None),
        };
    if secret.expose_secret().trim().is_empty() {
        return Err(invalid(key, "", "the value is empty"));
    }
    Ok(Some(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(url: &str) -> RawZabbixApi {
        RawZabbixApi {
            url: Some(url.into()),
            ..RawZabbixApi::default()
        }
    }

    #[test]
    fn no_keys_turn_the_api_off() {
        assert!(RawZabbixApi::default().check().unwrap().is_none());
    }

    #[test]
    fn credentials_need_url() {
        let settings = RawZabbixApi {
            token: Some(SecretString::from("token-4242")),
            ..RawZabbixApi::default()
        };
        let error = settings.check().unwrap_err();
        assert!(error.to_string().contains("zabbix_api_url"), "{error}");
    }

    #[test]
    fn url_needs_credentials() {
        let error = raw("https://zabbix.example.ru/").check().unwrap_err();
        let message = error.to_string();
        assert!(message.contains("zabbix_api_token"), "{message}");
        assert!(message.contains("zabbix_api_username"), "{message}");
    }

    #[test]
    fn token_with_password_is_rejected() {
        let settings = RawZabbixApi {
            username: Some("vitrina".into()),
            password: Some(SecretString::from("api-password-4242")),
            token: Some(SecretString::from("token-4242")),
            ..raw("http://127.0.0.1:8081/")
        };
        let message = settings.check().unwrap_err().to_string();
        assert!(message.contains("not both"), "{message}");
        assert!(!message.contains("token-4242"), "{message}");
        assert!(!message.contains("api-password-4242"), "{message}");
    }

    #[test]
    fn username_needs_password() {
        let settings = RawZabbixApi {
            username: Some("vitrina".into()),
            ..raw("http://127.0.0.1:8081/")
        };
        let error = settings.check().unwrap_err();
        assert!(error.to_string().contains("zabbix_api_password"), "{error}");
    }

    #[test]
    fn password_needs_username() {
        let settings = RawZabbixApi {
            password: Some(SecretString::from("api-password-4242")),
            ..raw("http://127.0.0.1:8081/")
        };
        let error = settings.check().unwrap_err();
        assert!(error.to_string().contains("zabbix_api_username"), "{error}");
    }

    #[test]
    fn password_twice_is_rejected() {
        let settings = RawZabbixApi {
            username: Some("vitrina".into()),
            password: Some(SecretString::from("a")),
            password_file: Some("/nonexistent".into()),
            ..raw("http://127.0.0.1:8081/")
        };
        let error = settings.check().unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::TwoSources {
                    key: "zabbix_api_password"
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn unreadable_token_file_is_named() {
        let settings = RawZabbixApi {
            token_file: Some("/nonexistent/zabbix-token".into()),
            ..raw("http://127.0.0.1:8081/")
        };
        let message = settings.check().unwrap_err().to_string();
        assert!(message.contains("zabbix_api_token_file"), "{message}");
        assert!(message.contains("/nonexistent/zabbix-token"), "{message}");
    }

    #[test]
    fn empty_token_is_rejected() {
        let settings = RawZabbixApi {
            token: Some(SecretString::from("  ")),
            ..raw("http://127.0.0.1:8081/")
        };
        let error = settings.check().unwrap_err();
        assert!(error.to_string().contains("zabbix_api_token"), "{error}");
    }

    #[test]
    fn other_schemes_are_rejected() {
        let settings = RawZabbixApi {
            token: Some(SecretString::from("token-4242")),
            ..raw("ftp://zabbix.example.ru/")
        };
        let message = settings.check().unwrap_err().to_string();
        assert!(message.contains("zabbix_api_url"), "{message}");
        assert!(message.contains("ftp://zabbix.example.ru/"), "{message}");
    }
}
