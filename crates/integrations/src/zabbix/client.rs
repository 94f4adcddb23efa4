//! The JSON-RPC transport, authentication and session reuse.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// How Vitrina signs in to Zabbix.
#[derive(Clone)]
pub enum Auth {
    /// `user.login` with a user name and password; the session is reused.
    Password {
        username: String,
        password: SecretString,
    },
    /// An API token created in Zabbix (Users → API tokens).
    Token(SecretString),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Password { username, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"[redacted]")
                .finish(),
            Auth::Token(_) => f.write_str("Token([redacted])"),
        }
    }
}

/// Where the Zabbix API is and how to sign in.
#[derive(Debug, Clone)]
pub struct Config {
    /// The frontend's address (`https://zabbix.example/`) or the API endpoint itself
    /// (`…/api_jsonrpc.php`).
    pub url: String,
    pub auth: Auth,
    /// Time allowed for one API call.
    pub timeout: Duration,
}

/// A failed API call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the Zabbix API address {url:?} is not a valid http(s) URL")]
    Url { url: String },
    #[error("cannot reach the Zabbix API: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the Zabbix API answered HTTP {status}")]
    Status { status: u16 },
    #[error("Zabbix API error {code} in {method}: {message} {data}")]
    Api {
        method: String,
        code: i64,
        message: String,
        data: String,
    },
    #[error("unexpected answer from Zabbix {method}: {detail}")]
    Decode { method: String, detail: String },
}

impl Error {
    /// Whether Zabbix ended the session or never had one, so a new login may help.
    fn is_session_lost(&self) -> bool {
        match self {
            Error::Api { data, message, .. } => {
                let text = format!("{message} {data}").to_lowercase();
                text.contains("session terminated")
                    || text.contains("not authorised")
                    || text.contains("not authorized")
            }
            _ => false,
        }
    }
}

/// A Zabbix API client, safe to share between tasks.
pub struct Client {
    http: reqwest::Client,
    endpoint: String,
    auth: Auth,
    session: Mutex<Option<SecretString>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client; nothing is sent until the first call.
    pub fn new(config: Config) -> Result<Client, Error> {
        let endpoint = endpoint(&config.url)?;
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        Ok(Client {
            http,
            endpoint,
            auth: config.auth,
            session: Mutex::new(None),
        })
    }

    /// The API endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Returns the Zabbix version (`apiinfo.version`, which takes no authentication).
    pub async fn version(&self) -> Result<String, Error> {
        self.request("apiinfo.version", json!([]), None).await
    }

    /// Calls `method` with `params`, signing in first when needed and once more when Zabbix
    /// reports the session ended.
    pub async fn call<T: DeserializeOwned>(&self, method: &str, params: Value) -> Result<T, Error> {
        let auth = self.auth_value().await?;
        match self.request(method, params.clone(), Some(auth)).await {
            Err(error) if error.is_session_lost() && matches!(self.auth, Auth::Password { .. }) => {
                tracing::info!(method, "zabbix session ended; signing in again");
                *self.session.lock().await = None;
                let auth = self.auth_value().await?;
                self.request(method, params, Some(auth)).await
            }
            result => result,
        }
    }

    async fn auth_value(&self) -> Result<SecretString, Error> {
        let (username, password) = match &self.auth {
            Auth::Token(token) => return Ok(token.clone()),
            Auth::Password { username, password } => (username, password),
        };
        let mut session = self.session.lock().await;
        if let Some(existing) = session.as_ref() {
            return Ok(existing.clone());
        }
        let params = json!({"username": username, "password": password.expose_secret()});
        let id: String = self.request("user.login", params, None).await?;
        tracing::info!(endpoint = %self.endpoint, username = %username, "signed in to the zabbix api");
        let id = SecretString::from(id);
        *session = Some(id.clone());
        Ok(id)
    }

    async fn request<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
        auth: Option<SecretString>,
    ) -> Result<T, Error> {
        let mut body = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
        if let Some(auth) = auth {
            body["auth"] = Value::String(auth.expose_secret().to_string());
        }
        let response = self
            .http
            .post(&self.endpoint)
            .header("content-type", "application/json-rpc")
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            return Err(Error::Status {
                status: status.as_u16(),
            });
        }
        let answer: Value = response.json().await?;
        if let Some(error) = answer.get("error") {
            return Err(Error::Api {
                method: method.to_string(),
                code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                data: error
                    .get("data")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            });
        }
        let result = answer.get("result").cloned().unwrap_or(Value::Null);
        serde_json::from_value(result).map_err(|e| Error::Decode {
            method: method.to_string(),
            detail: e.to_string(),
        })
    }
}

/// Turns a frontend address into the API endpoint.
fn endpoint(url: &str) -> Result<String, Error> {
    let trimmed = url.trim();
    let parsed = url::Url::parse(trimmed).map_err(|_| Error::Url {
        url: url.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Url {
            url: url.to_string(),
        });
    }
    if trimmed.ends_with("api_jsonrpc.php") {
        return Ok(trimmed.to_string());
    }
    Ok(format!("{}/api_jsonrpc.php", trimmed.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_is_added_to_frontend_address() {
        assert_eq!(
            endpoint("http://127.0.0.1:8081/").unwrap(),
            "http://127.0.0.1:8081/api_jsonrpc.php"
        );
        assert_eq!(
            endpoint("https://z.example/zabbix").unwrap(),
            "https://z.example/zabbix/api_jsonrpc.php"
        );
        assert_eq!(
            endpoint("https://z.example/api_jsonrpc.php").unwrap(),
            "https://z.example/api_jsonrpc.php"
        );
    }

    #[test]
    fn endpoint_rejects_other_schemes() {
        assert!(endpoint("ftp://z.example/").is_err());
        assert!(endpoint("not a url").is_err());
    }

    #[test]
    fn debug_hides_password_and_token() {
        let password = Auth::Password {
            username: "vitrina".into(),
            password: SecretString::from("s3cret-pass"),
        };
        let token = Auth::Token(SecretString::from("tok-123"));
        let shown = format!("{password:?} {token:?}");
        assert!(!shown.contains("s3cret-pass"), "{shown}");
        assert!(!shown.contains("tok-123"), "{shown}");
        assert!(shown.contains("vitrina"));
    }

    #[test]
    fn session_loss_is_recognised() {
        let error = Error::Api {
            method: "problem.get".into(),
            code: -32602,
            message: "Invalid params.".into(),
            data: "Session terminated, re-login, please.".into(),
        };
        assert!(error.is_session_lost());
    }
}
