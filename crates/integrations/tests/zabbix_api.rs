//! The Zabbix API client against a stand-in server on 127.0.0.1 that responds as the Zabbix 6.0
//! API documentation describes.
#![allow(clippy::unwrap_used)]

mod standin;

use std::time::Duration;

use integrations::zabbix::{AckAction, Auth, Client, Config, Error};
use secrecy::SecretString;
use standin::{PASSWORD, StandIn, TOKEN, USERNAME};

fn client(url: &str, auth: Auth) -> Client {
    integrations::tls::install_crypto_provider();
    Client::new(Config {
        url: url.to_string(),
        auth,
        timeout: Duration::from_secs(10),
    })
    .unwrap()
}

fn password_auth(password: &str) -> Auth {
    Auth::Password {
        username: USERNAME.into(),
        password: SecretString::from(password),
    }
}

#[tokio::test]
async fn session_is_reused_across_calls() {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23001, "Нет места на диске", true);
    let api = client(&zabbix.url, password_auth(PASSWORD));

    api.triggers(&[23001]).await.unwrap();
    api.triggers(&[23001]).await.unwrap();

    let logins = zabbix.calls_to("user.login");
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].params["username"], USERNAME);
    let calls = zabbix.calls_to("trigger.get");
    assert_eq!(calls.len(), 2);
    assert!(calls[0].auth.is_some());
    assert_eq!(calls[0].auth, calls[1].auth);
    zabbix.stop();
}

#[tokio::test]
async fn ended_session_logs_in_again() {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23001, "Нет места на диске", false);
    let api = client(&zabbix.url, password_auth(PASSWORD));
    api.triggers(&[23001]).await.unwrap();

    zabbix.end_sessions();
    let triggers = api.triggers(&[23001]).await.unwrap();

    assert_eq!(triggers.len(), 1);
    assert_eq!(zabbix.calls_to("user.login").len(), 2);
    zabbix.stop();
}

#[tokio::test]
async fn token_goes_in_auth_without_login() {
    let zabbix = StandIn::start().await;
    zabbix.add_host(10084, "db-01", "База данных 01");
    let api = client(&zabbix.url, Auth::Token(SecretString::from(TOKEN)));

    let hosts = api.hosts_by_name(&["db-01", "absent"]).await.unwrap();

    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0].hostid, "10084");
    assert_eq!(hosts[0].name, "База данных 01");
    assert!(zabbix.calls_to("user.login").is_empty());
    assert_eq!(zabbix.calls_to("host.get")[0].auth.as_deref(), Some(TOKEN));
    zabbix.stop();
}

#[tokio::test]
async fn triggers_report_manual_close() {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23001, "Закрывается вручную", true);
    zabbix.add_trigger(23002, "Закрывается сам", false);
    let api = client(&zabbix.url, password_auth(PASSWORD));

    let mut triggers = api.triggers(&[23001, 23002, 23003]).await.unwrap();
    triggers.sort_by(|a, b| a.triggerid.cmp(&b.triggerid));

    assert_eq!(triggers.len(), 2);
    assert!(triggers[0].allows_manual_close());
    assert!(!triggers[1].allows_manual_close());
    zabbix.stop();
}

#[tokio::test]
async fn events_carry_clock_and_trigger() {
    let zabbix = StandIn::start().await;
    zabbix.add_event(5001, 23001, 1_764_892_800);
    let api = client(&zabbix.url, password_auth(PASSWORD));

    let events = api.events(&[5001]).await.unwrap();

    assert_eq!(events.len(), 1);
    assert_eq!(events[0].objectid, "23001");
    assert_eq!(events[0].clock_seconds(), Some(1_764_892_800));
    zabbix.stop();
}

#[tokio::test]
async fn acknowledge_sends_action_and_message() {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23001, "Нет места", true);
    zabbix.add_event(5001, 23001, 1_764_892_800);
    let api = client(&zabbix.url, password_auth(PASSWORD));

    api.acknowledge(
        &[5001],
        AckAction::ACKNOWLEDGE.with(AckAction::MESSAGE),
        Some("Взято в работу"),
    )
    .await
    .unwrap();

    let call = &zabbix.calls_to("event.acknowledge")[0];
    assert_eq!(call.params["action"], 6);
    assert_eq!(call.params["eventids"][0], "5001");
    assert_eq!(call.params["message"], "Взято в работу");
    zabbix.stop();
}

#[tokio::test]
async fn refused_close_is_an_api_error() {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23002, "Закрывается сам", false);
    zabbix.add_event(5002, 23002, 1_764_892_800);
    let api = client(&zabbix.url, password_auth(PASSWORD));

    let error = api
        .acknowledge(&[5002], AckAction::CLOSE, None)
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Api { code: -32500, .. }), "{error}");
    assert!(error.to_string().contains("manual closing"), "{error}");
    zabbix.stop();
}

#[tokio::test]
async fn wrong_password_stays_out_of_errors() {
    let zabbix = StandIn::start().await;
    let wrong = "wrong-password-5521";
    let api = client(&zabbix.url, password_auth(wrong));

    let error = api.triggers(&[1]).await.unwrap_err();

    let shown = format!("{error} {error:?} {api:?}");
    assert!(shown.contains("Incorrect user name or password"), "{shown}");
    assert!(!shown.contains(wrong), "{shown}");
    assert!(zabbix.calls_to("trigger.get").is_empty());
    zabbix.stop();
}

#[tokio::test]
async fn http_failure_is_a_status_error() {
    let zabbix = StandIn::start().await;
    zabbix.fail_next(1);
    let api = client(&zabbix.url, Auth::Token(SecretString::from(TOKEN)));

    let error = api.triggers(&[1]).await.unwrap_err();

    assert!(matches!(error, Error::Status { status: 502 }), "{error}");
    zabbix.stop();
}

#[tokio::test]
async fn version_needs_no_auth() {
    let zabbix = StandIn::start().await;
    let api = client(&zabbix.url, password_auth(PASSWORD));

    assert_eq!(api.version().await.unwrap(), "6.0.14");
    assert!(zabbix.calls_to("user.login").is_empty());
    zabbix.stop();
}
