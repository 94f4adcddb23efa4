//! Outgoing e-mail through an SMTP server with lettre, over rustls when TLS is on.

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP, for a relay on the local host or network.
    None,
    /// Plain connection upgraded with `STARTTLS`, which the server must offer.
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

impl TlsMode {
    /// The setting's values: `none`, `starttls`, `tls`.
    pub const NAMES: [&'static str; 3] = ["none", "starttls", "tls"];

    /// Parses a setting value.
    pub fn parse(value: &str) -> Option<TlsMode> {
        match value.trim().to_ascii_lowercase().as_str() {
            "none" => Some(TlsMode::None),
            "starttls" => Some(TlsMode::StartTls),
            "tls" => Some(TlsMode::Tls),
            _ => None,
        }
    }
}

/// SMTP settings. The password stays out of `Debug` output.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The sender address, optionally with a name: `Vitrina <support@example.ru>`.
    pub from: String,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// Time allowed for one SMTP command.
    pub timeout: Duration,
}

/// A failure to build or send a message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid sender address {value:?}: {source}")]
    From {
        value: String,
        source: lettre::address::AddressError,
    },
    #[error("invalid recipient address {value:?}: {source}")]
    To {
        value: String,
        source: lettre::address::AddressError,
    },
    #[error("cannot build the message: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("SMTP failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// Whether `text` is an e-mail address, optionally with a name: `Vitrina <support@example.ru>`.
pub fn is_mailbox(text: &str) -> bool {
    text.parse::<Mailbox>().is_ok()
}

/// Sends plain-text mail through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    endpoint: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("endpoint", &self.endpoint)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// Builds a mailer; no connection is made until the first message.
    pub fn new(config: &SmtpConfig) -> Result<Mailer, Error> {
        let from: Mailbox = config.from.parse().map_err(|source| Error::From {
            value: config.from.clone(),
            source,
        })?;
        let tls = match config.tls {
            TlsMode::None => Tls::None,
            TlsMode::StartTls => Tls::Required(TlsParameters::new(config.host.clone())?),
            TlsMode::Tls => Tls::Wrapper(TlsParameters::new(config.host.clone())?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout));
        if let (Some(username), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(
                username.clone(),
                password.expose_secret().to_string(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            endpoint: format!("{}:{}", config.host, config.port),
        })
    }

    /// Returns `host:port` of the server, for logs.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Sends one UTF-8 plain-text message to `to`.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), Error> {
        let to: Mailbox = to.parse().map_err(|source| Error::To {
            value: to.to_string(),
            source,
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(domain::notify::header_text(subject))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())?;
        self.transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(from: &str) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: 2525,
            from: from.into(),
            tls: TlsMode::None,
            username: Some("vitrina".into()),
            password: Some(SecretString::from("smtp-secret")),
            timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn tls_mode_parses_setting_values() {
        assert_eq!(TlsMode::parse("STARTTLS"), Some(TlsMode::StartTls));
        assert_eq!(TlsMode::parse("tls"), Some(TlsMode::Tls));
        assert_eq!(TlsMode::parse("none"), Some(TlsMode::None));
        assert_eq!(TlsMode::parse("ssl"), None);
    }

    #[test]
    fn mailer_rejects_invalid_sender() {
        let error = Mailer::new(&config("not an address")).unwrap_err();
        assert!(error.to_string().contains("not an address"), "{error}");
    }

    #[test]
    fn config_debug_hides_password() {
        let text = format!("{:?}", config("Vitrina <support@example.ru>"));
        assert!(!text.contains("smtp-secret"), "{text}");
    }
}
