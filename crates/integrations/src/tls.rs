//! The process-wide TLS crypto provider for outgoing HTTPS (Zabbix API, SMTP).

/// Installs rustls' *ring* provider as the process default; later calls do nothing.
///
/// *ring* builds in seconds where the default aws-lc-rs needs a long C build. rustls 0.23.48
/// deprecates *ring*'s provider because it lacks post-quantum key exchange, which matters
/// for traffic recorded today and decrypted decades later. Vitrina's outgoing TLS goes to
/// monitoring and mail servers inside the operator's network.
// TODO: move to aws-lc-rs when post-quantum key exchange to the Zabbix API and SMTP servers matters more than build time.
#[allow(deprecated)]
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
