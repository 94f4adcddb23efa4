//! The SMTP settings, read from the `smtp_*` keys. Without `smtp_host`, mail stays queued in
//! the outbox and the admin page shows it.

use std::path::PathBuf;
use std::time::Duration;

use integrations::mail::{SmtpConfig, TlsMode};
use secrecy::SecretString;

use super::{ConfigError, Number};

/// Time allowed for one SMTP command.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The `smtp_*` keys as read, before checking.
#[derive(Debug, Default)]
pub(super) struct RawSmtp {
    pub host: Option<String>,
    pub port: Option<Number>,
    pub from: Option<String>,
    pub tls: Option<String>,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub password_file: Option<PathBuf>,
}

impl RawSmtp {
    /// Checks the keys: a host with a sender address, or no host at all. The port defaults
    /// to the TLS mode's usual one: 25 plain, 587 with STARTTLS, 465 with TLS.
    pub fn check(self) -> Result<Option<SmtpConfig>, ConfigError> {
        let host = self
            .host
            .map(|host| host.trim().to_string())
            .filter(|host| !host.is_empty());
        let username = self
            .username
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty());
        let password =
            super::zabbix_api::secret("smtp_password", self.password, self.password_file)?;
        let Some(host) = host else {
            if username.is_some() || password.is_some() {
                return Err(invalid(
                    "smtp_host",
                    "",
                    "SMTP credentials are set but the server is not; set smtp_host, such as \
                     mail.example.ru, or remove the credentials",
                ));
            }
            return Ok(None);
        };

        let tls_text = self.tls.unwrap_or_else(|| "starttls".into());
        let tls = TlsMode::parse(&tls_text).ok_or_else(|| {
            invalid(
                "smtp_tls",
                &tls_text,
                &format!("expected one of {}", TlsMode::NAMES.join(", ")),
            )
        })?;
        let default_port: u16 = match tls {
            TlsMode::None => 25,
            TlsMode::StartTls => 587,
            TlsMode::Tls => 465,
        };
        let port = super::number("smtp_port", self.port, i64::from(default_port), 1..=65535)?;
        let from = self
            .from
            .map(|from| from.trim().to_string())
            .filter(|from| !from.is_empty())
            .ok_or_else(|| {
                invalid(
                    "smtp_from",
                    "",
                    "the sender address is required with smtp_host, such as \
                     Vitrina <support@example.ru>",
                )
            })?;
        if !integrations::mail::is_mailbox(&from) {
            return Err(invalid(
                "smtp_from",
                &from,
                "expected an e-mail address, optionally with a name: Vitrina <support@example.ru>",
            ));
        }
        if username.is_some() != password.is_some() {
            return Err(invalid(
                "smtp_username",
                username.as_deref().unwrap_or(""),
                "set both smtp_username and smtp_password, or neither",
            ));
        }
        Ok(Some(SmtpConfig {
            host,
            // The range check above keeps the number within u16.
            port: u16::try_from(port).unwrap_or(default_port),
            from,
            tls,
            username,
            password,
            timeout: SMTP_TIMEOUT,
        }))
    }
}

fn invalid(key: &'static str, value: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        key,
        value: value.to_string(),
        reason: reason.to_string(),
    }
}
